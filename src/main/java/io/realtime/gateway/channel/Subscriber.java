package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;

/**
 * One connection as the channel core sees it, whatever its transport. {@link #onSubscribed} and live
 * events are called with the channel's lock held, replayed events without it; none of them may block
 * or call back into the core. Only {@link #awaitReplayRoom} may wait.
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
     * Called before each replayed event, holding no lock: waits until the subscriber can take one
     * more (a resume goes at the pace the client reads, so history is never queued in bulk).
     *
     * @return false when the subscriber will take no more (closed, or too slow): the replay stops
     */
    default boolean awaitReplayRoom() {
        return true;
    }
}
