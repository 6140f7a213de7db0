package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local subscribers of one channel and, per subscriber, the last id it was given. Guarded by
 * its own monitor. While a subscriber catches up from history its live events wait in
 * {@link Position#pending}; the id check then drops whatever the replay already gave it.
 *
 * <p>Live events are posted to an inbox and fanned out on the delivery threads, in the order they
 * were posted, by one thread at a time: the publisher's thread (a request, a Redis link) goes on at
 * once, however many subscribers the channel has.
 */
final class ChannelSubscribers {

    /** Events fanned out per turn on a delivery thread, so one busy channel does not hold a thread. */
    private static final int FAN_OUT_TURN = 64;

    static final class Position {
        EventId last;
        List<ChannelEvent> pending = new ArrayList<>();
    }

    final Map<Subscriber, Position> positions = new LinkedHashMap<>();
    /** Set when the last subscriber left and the entry is on its way out of the map. */
    boolean retired;

    private final ConcurrentLinkedQueue<ChannelEvent> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean fanningOut = new AtomicBoolean();
    private final Executor fanOut;

    ChannelSubscribers(Executor fanOut) {
        this.fanOut = fanOut;
    }

    /** Queues a live event for fan-out; never blocks. */
    void post(ChannelEvent event) {
        inbox.add(event);
        if (fanningOut.compareAndSet(false, true)) {
            fanOut.execute(this::fanOutPosted);
        }
    }

    private void fanOutPosted() {
        synchronized (this) {
            ChannelEvent event;
            for (int n = 0; n < FAN_OUT_TURN && (event = inbox.poll()) != null; n++) {
                dispatch(event);
            }
        }
        fanningOut.set(false);
        // An event posted after the last poll but before the flag cleared would otherwise wait.
        if (!inbox.isEmpty() && fanningOut.compareAndSet(false, true)) {
            fanOut.execute(this::fanOutPosted);
        }
    }

    /** Hands a live event to every subscriber (or its catch-up buffer); returns how many got it now. */
    int dispatch(ChannelEvent event) {
        int delivered = 0;
        for (Map.Entry<Subscriber, Position> entry : positions.entrySet()) {
            Position p = entry.getValue();
            if (p.pending != null) {
                p.pending.add(event);
            } else if (p.last == null || event.id().isAfter(p.last)) {
                p.last = event.id();
                entry.getKey().onEvent(event, false);
                delivered++;
            }
        }
        return delivered;
    }
}
