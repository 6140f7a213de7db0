package io.realtime.gateway.broker.redis;

import io.realtime.gateway.broker.HistoryGap;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Stands in for the CDI event observer: records every event a broker fires, per channel. The
 * channel core delivers an id to a subscriber only if it is above the last one it delivered
 * ({@link #delivered} applies that rule), so re-firing is harmless but firing out of order is not
 * ({@link #firedInOrder} checks it).
 */
final class Recorder implements Consumer<ChannelEvent> {

    private final Map<String, List<ChannelEvent>> fired = new ConcurrentHashMap<>();
    private final List<HistoryGap> gaps = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Stands in for the observer of the gaps the broker fires. */
    void gap(HistoryGap gap) {
        gaps.add(gap);
    }

    /** The gaps fired for a channel. */
    List<HistoryGap> gaps(String channel) {
        synchronized (gaps) {
            return gaps.stream().filter(g -> g.channel().equals(channel)).toList();
        }
    }

    @Override
    public void accept(ChannelEvent event) {
        List<ChannelEvent> list = fired.computeIfAbsent(event.channel(), c -> new ArrayList<>());
        synchronized (list) {
            list.add(event);
            list.notifyAll();
        }
    }

    /** Every firing of the channel, duplicates included. */
    List<ChannelEvent> fired(String channel) {
        List<ChannelEvent> list = fired.computeIfAbsent(channel, c -> new ArrayList<>());
        synchronized (list) {
            return new ArrayList<>(list);
        }
    }

    /** What a subscriber that was there all along receives: the core drops ids not above its last. */
    List<String> delivered(String channel) {
        List<String> ids = new ArrayList<>();
        EventId last = null;
        for (ChannelEvent e : fired(channel)) {
            if (last == null || e.id().isAfter(last)) {
                ids.add(e.id().toString());
                last = e.id();
            }
        }
        return ids;
    }

    /** No event fired after a higher id of the same channel (that would be lost to the core). */
    boolean firedInOrder(String channel) {
        EventId last = null;
        for (ChannelEvent e : fired(channel)) {
            if (last != null && e.id().compareTo(last) < 0) {
                return false;
            }
            last = e.id();
        }
        return true;
    }

    /** Waits until {@code count} distinct events of the channel were delivered; returns their ids. */
    List<String> awaitDelivered(String channel, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChannelEvent> list = fired.computeIfAbsent(channel, c -> new ArrayList<>());
        while (true) {
            List<String> ids = delivered(channel);
            long left = deadline - System.nanoTime();
            if (ids.size() >= count || left <= 0) {
                return ids;
            }
            synchronized (list) {
                list.wait(Math.max(1, Math.min(50, left / 1_000_000)));
            }
        }
    }
}
