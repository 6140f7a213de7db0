package io.realtime.gateway.broker.redis;

import java.util.concurrent.atomic.AtomicInteger;
import io.realtime.gateway.event.EventId;
import java.util.concurrent.CompletableFuture;

/**
 * One channel this instance holds in Redis: which link carries it, whether Redis confirmed the
 * subscription, and its position, the id up to which every local subscriber has everything (the
 * last cluster event fired here, or the stream's top when the channel became active). After a lost
 * link the catch-up reads the stream from there. Events delivered locally while Redis was away do
 * not move it (their ids are local ids made at it); firing takes this object's monitor, so that a
 * local event made at a position is fired in order with the cluster events around it.
 */
final class ChannelState {

    final String channel;
    final String pubsubKey;
    final int slot;
    /** Completed on Redis's first confirmation of the subscription. */
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    volatile SubscriberLink link;
    /** Activated while Redis was away: its first confirmation must catch up from the local position. */
    volatile boolean heldLocally;
    private EventId position;
    /** Times Redis refused to subscribe it (not counting MOVED), for the back-off. */
    final AtomicInteger refusals = new AtomicInteger();
    /** When to ask Redis again after a refusal; 0 when no retry is due. */
    volatile long retrySubscribeAtMs;

    ChannelState(String channel, String pubsubKey, int slot) {
        this.channel = channel;
        this.pubsubKey = pubsubKey;
        this.slot = slot;
    }

    synchronized EventId position() {
        return position;
    }

    /** Sets the position if none is known yet (the stream's top, read after the subscription was confirmed). */
    synchronized void startAt(EventId top) {
        if (position == null) {
            position = top;
        }
    }

    /** Moves the position forward to an event's id; never back. @return false if it was not ahead */
    synchronized boolean advance(EventId id) {
        if (position == null || id.isAfter(position)) {
            position = id;
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return channel;
    }
}
