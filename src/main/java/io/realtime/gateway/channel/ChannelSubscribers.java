package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local subscribers of one channel and, per subscriber, the last cluster id it was given.
 * Guarded by its own monitor. While a subscriber catches up from history its live events wait in
 * {@link Position#pending}; the id check then drops whatever the replay already gave it.
 *
 * <p>A local id ({@link EventId#isLocal()}: an event delivered on this instance only while Redis
 * was unreachable) is fired once and is in no history, so it passes the check and leaves the last
 * cluster id where it was: the cluster events published meanwhile on other instances, which sort
 * below it by the clock, still pass when this instance catches up from the stream.
 */
final class ChannelSubscribers {

    static final class Position {
        /** The last cluster id given (or the position the subscription went live at); never a local id. */
        EventId last;
        List<ChannelEvent> pending = new ArrayList<>();
        /** More live events came during the catch-up than may wait: the subscribe fails as slow. */
        boolean overflowed;
    }

    final Map<Subscriber, Position> positions = new LinkedHashMap<>();
    /** Set when the last subscriber left and the entry is on its way out of the map. */
    boolean retired;
    /** The broker's activation of the channel, begun by the first subscriber; null before. */
    CompletableFuture<Void> activation;
    /** The broker activated the channel: its release is owed when the last subscriber leaves. */
    boolean active;

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
                entry.getKey().onEvent(event, false);
                delivered++;
            }
        }
        return delivered;
    }

    /** Whether a subscriber whose last cluster id is {@code last} takes an event with this id. */
    static boolean passes(EventId id, EventId last) {
        return id.isLocal() || last == null || id.isAfter(last);
    }
}
