package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;

/**
 * One connection as the channel core sees it, whatever its transport. {@link #onSubscribed}, live
 * events and {@link #onHistoryGap} are called with the channel's lock held, replayed events without
 * it; none of them may block or call back into the core (the lock order of {@link ChannelManager}:
 * a close that ends a stream on its last event belongs on another thread; an unsubscribe made from
 * a callback anyway is deferred until the lock is released). Only {@link #awaitReplayRoom} may wait.
 */
public interface Subscriber {

    /** Called once per subscribe, before any replayed or live event of that channel. */
    void onSubscribed(String channel, SubscribeOutcome outcome);

    /**
     * An event of a channel this subscriber holds, in id order, never twice.
     *
     * @param replayed true when it comes from history during a resume
     */
    void onEvent(ChannelEvent event, boolean replayed);

    /**
     * Events of a channel this subscriber holds live were lost before they reached it: history no
     * longer holds them (Redis lost the stream, or trimmed it before a catch-up read it). The
     * subscriber tells its client to reload the channel's state, as for a resume that was not
     * recovered (DESIGN §5, §6); the events history still holds and the live stream follow.
     */
    void onHistoryGap(String channel);

    /**
     * Called before each replayed event, holding no lock: waits until the subscriber can take one
     * more (a resume goes at the pace the client reads, so history is never queued in bulk).
     *
     * @return false when the subscriber will take no more (closed, or too slow): the replay stops
     */
    default boolean awaitReplayRoom() {
        return true;
    }

    /**
     * Who this subscriber is, for presence (DESIGN §11): a client connection's id, user and
     * transport; null for a subscriber inside the gateway, which is no member of any channel.
     */
    default Identity identity() {
        return null;
    }

    /**
     * A signal about the channel that is not one of its events (a member's {@code join} or
     * {@code leave}, DESIGN §11): in no history, counted as no event. Called holding the channel's
     * lock, like a live event, and only on a live subscription (not during its replay).
     *
     * @param json the signal's body, {@code {"channel":...,...}}, made once for every subscriber
     */
    default void onSignal(String channel, String kind, String json) {
    }

    /**
     * @param id        unique across instances for the connection's lifetime
     * @param user      the token's subject, null when anonymous
     * @param transport {@code sse} or {@code websocket}
     */
    record Identity(String id, String user, String transport) {
    }
}
