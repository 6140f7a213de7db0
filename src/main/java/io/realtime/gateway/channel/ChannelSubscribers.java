package io.realtime.gateway.channel;

import io.realtime.gateway.broker.HistoryGap;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local subscribers of one channel and, per subscriber, the last cluster id it was given.
 * Guarded by its own monitor. While a subscriber catches up from history its live events wait in
 * {@link Position#pending}; the id check then drops whatever the replay already gave it.
 *
 * <p>A local id ({@link EventId#isLocal()}: an event delivered on this instance only while Redis
 * was unreachable) is fired once and is in no history, so it passes the check and leaves the last
 * cluster id where it was: the cluster events published meanwhile on other instances, which sort
 * below it by the clock, still pass when this instance catches up from the stream.
 *
 * <p>Its methods call subscribers and are called holding its monitor (the lock order of
 * {@link ChannelManager}); a subscriber that unsubscribes from a callback has that deferred by the
 * core, so the map is never changed while it is iterated.
 */
final class ChannelSubscribers {

    private static final Logger LOG = Logger.getLogger(ChannelSubscribers.class.getName());

    /** A history gap that came while a subscriber caught up: before the pending event at {@code index}. */
    record PendingGap(int index, EventId upTo) {
    }

    static final class Position {
        /** The last cluster id given (or the position the subscription went live at); never a local id. */
        EventId last;
        List<ChannelEvent> pending = new ArrayList<>();
        /** More live events came during the catch-up than may wait: the subscribe fails as slow. */
        boolean overflowed;
        /** History gaps found during the catch-up, in order among {@link #pending}; null when none. */
        List<PendingGap> gaps;
    }

    final Map<Subscriber, Position> positions = new LinkedHashMap<>();
    /** Set when the last subscriber left and the entry is on its way out of the map. */
    boolean retired;
    /** The broker's activation of the channel, begun by the first subscriber; null before. */
    CompletableFuture<Void> activation;
    /** The broker activated the channel: its release is owed when the last subscriber leaves. */
    boolean active;
    /** The {@link SubscriptionWatch} watches this channel (decided once, when the entry is made). */
    final boolean watched;

    ChannelSubscribers(boolean watched) {
        this.watched = watched;
    }

    /** Hands a signal to every live subscriber but the one it is about; one that is catching up misses it. */
    void signal(String channel, String kind, String json, String exceptId) {
        for (Map.Entry<Subscriber, Position> entry : positions.entrySet()) {
            if (entry.getValue().pending != null) {
                continue;
            }
            Subscriber subscriber = entry.getKey();
            Subscriber.Identity identity = subscriber.identity();
            if (exceptId != null && identity != null && exceptId.equals(identity.id())) {
                continue;
            }
            try {
                subscriber.onSignal(channel, kind, json);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A subscriber of " + channel + " failed on a " + kind + " signal", e);
            }
        }
    }

    /** Hands a live event to every subscriber (or its catch-up buffer); returns how many got it now. */
    int dispatch(ChannelEvent event, int pendingLimit) {
        int delivered = 0;
        for (Map.Entry<Subscriber, Position> entry : positions.entrySet()) {
            Position p = entry.getValue();
            if (p.pending != null) {
                if (p.pending.size() < pendingLimit) {
                    p.pending.add(event);
                } else {
                    p.overflowed = true;
                }
            } else if (passes(event.id(), p.last)) {
                if (!event.id().isLocal()) {
                    p.last = event.id();
                }
                try {
                    entry.getKey().onEvent(event, false);
                    delivered++;
                } catch (RuntimeException e) {
                    // One subscriber's failure is its own: the others still get the event.
                    LOG.log(Level.WARNING, "A subscriber of " + event.channel() + " failed on " + event.id(), e);
                }
            }
        }
        return delivered;
    }

    /**
     * Tells every subscriber the gap reaches that events are lost: those whose last id is below
     * the first one history still holds; a subscriber still catching up is told in order with its
     * waiting events, when it goes live. Their last id stays: what history still holds follows.
     *
     * @return how many were told now
     */
    int gap(HistoryGap gap) {
        int told = 0;
        for (Map.Entry<Subscriber, Position> entry : positions.entrySet()) {
            Position p = entry.getValue();
            if (p.pending != null) {
                if (p.gaps == null) {
                    p.gaps = new ArrayList<>(1);
                }
                p.gaps.add(new PendingGap(p.pending.size(), gap.upTo()));
            } else if (gap.upTo().isAfter(p.last)) {
                try {
                    entry.getKey().onHistoryGap(gap.channel());
                    told++;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "A subscriber of " + gap.channel() + " failed on a history gap", e);
                }
            }
        }
        return told;
    }

    /**
     * Ends a subscriber's catch-up: the live events that waited for it, newer than {@code last}
     * (the last id its replay gave), and any history gap among them that reaches it.
     *
     * @return its last cluster id now
     */
    EventId release(Subscriber subscriber, Position position, String channel, EventId last) {
        List<PendingGap> gaps = position.gaps == null ? List.of() : position.gaps;
        int g = 0;
        List<ChannelEvent> pending = position.pending;
        for (int i = 0; i <= pending.size(); i++) {
            for (; g < gaps.size() && gaps.get(g).index() == i; g++) {
                if (gaps.get(g).upTo().isAfter(last)) {
                    subscriber.onHistoryGap(channel);
                }
            }
            if (i < pending.size()) {
                ChannelEvent event = pending.get(i);
                if (passes(event.id(), last)) {
                    subscriber.onEvent(event, false);
                    last = event.id().isLocal() ? last : event.id();
                }
            }
        }
        position.pending = null;
        position.gaps = null;
        return last;
    }

    /** Whether a subscriber whose last cluster id is {@code last} takes an event with this id. */
    static boolean passes(EventId id, EventId last) {
        return id.isLocal() || last == null || id.isAfter(last);
    }
}
