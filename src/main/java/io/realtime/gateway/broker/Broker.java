package io.realtime.gateway.broker;

import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.event.History;
import java.util.List;

/**
 * Where events get their ids, their history and their fan-out. Every event a broker accepts, from
 * this instance or (in cluster mode) any other, reaches this instance's subscribers as a CDI event
 * ({@code Event<ChannelEvent>}), in id order per channel; the channel core observes it. When a
 * broker finds that events it should have fired are in no history any more (Redis lost or trimmed
 * the stream before a catch-up read it), it fires a {@link HistoryGap} in their place, in order with
 * the channel's events, so the core can tell the subscribers instead of losing them silently.
 */
public interface Broker extends AutoCloseable {

    /**
     * Assigns the id, stores the event in history and fans it out. Returns once the event is in
     * history, so the id handed back to a publisher can always be resumed from.
     *
     * @throws UnavailableException if the event cannot be accepted now
     */
    ChannelEvent publish(EventDraft draft, HistoryPolicy policy);

    /**
     * Publishes several events, in order, each as {@link #publish} would. Implementations may
     * pipeline; the result lists the events in the drafts' order.
     */
    List<ChannelEvent> publishAll(List<EventDraft> drafts, List<HistoryPolicy> policies);

    /**
     * Publishes as {@link #publishAll} does, and says how the events went out. {@code fallback} is
     * the publisher's choice for when the shared broker is unreachable: deliver locally (the result
     * says {@link Delivery#LOCAL}) or refuse ({@link UnavailableException}); nothing accepted is
     * silently dropped. A broker without a shared engine delivers locally.
     */
    default Publication publish(List<EventDraft> drafts, List<HistoryPolicy> policies, Fallback fallback) {
        return new Publication(publishAll(drafts, policies), Delivery.LOCAL);
    }

    /**
     * Events of {@code channel} after {@code since} (exclusive), oldest first, and whether history
     * reaches back that far. With {@code since == null} nothing is replayed: only the channel's
     * current position is reported.
     */
    History historyAfter(String channel, EventId since, HistoryPolicy policy);

    /**
     * {@link #historyAfter} for a reader who subscribes to nothing (the history API): a broker that
     * keeps per-channel state must not make any for a channel that has none.
     */
    default History readHistory(String channel, EventId since, HistoryPolicy policy) {
        return historyAfter(channel, since, policy);
    }

    /**
     * This instance has its first local subscriber on {@code channel}. Returns once events of the
     * channel published from now on will be fired, so a subscriber that reads history afterwards
     * misses nothing.
     */
    void channelActive(String channel);

    /** The last local subscriber of {@code channel} left. */
    void channelInactive(String channel);

    BrokerStatus status();

    /** The store presence shares with other instances (DESIGN §11), if this broker has one. */
    default java.util.Optional<PresenceStore> presence() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
