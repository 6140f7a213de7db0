package io.realtime.gateway.broker.local;

import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.History;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One channel's in-memory history: a bounded, time-limited deque plus the id sequence. Callers
 * hold the log's monitor for every call (the local broker does, so id order is publish order).
 *
 * <p>{@code floor} is the highest id known to be gone: a resume from an id below it cannot be
 * complete. A new log starts its floor at its creation time, so a client holding an id from before
 * (an earlier run, or a log that expired) is told to reset instead of silently missing events.
 */
final class ChannelLog {

    private final ArrayDeque<ChannelEvent> events = new ArrayDeque<>();
    /** Idempotency keys of recent publishes and their ids, oldest first (insertion is time order). */
    private final LinkedHashMap<String, Remembered> keys = new LinkedHashMap<>();
    private EventId floor;
    private EventId last;
    private long lastTouchedMs;
    /** Set when the sweep dropped this log from the map; a caller that still holds it looks again. */
    boolean retired;
    /**
     * The channel has local subscribers: the sweep keeps the log however idle, or a subscriber that
     * missed nothing would be told to reset when it resumes from the last id against a new log.
     */
    boolean subscribed;

    ChannelLog(long nowMs) {
        this.floor = new EventId(nowMs, 0);
        this.last = floor;
        this.lastTouchedMs = nowMs;
    }

    private record Remembered(EventId id, long atMs) {
    }

    /** The id published earlier under this idempotency key within the window, or null. */
    EventId published(String key, Duration window, long nowMs) {
        forget(window, Integer.MAX_VALUE, nowMs);
        Remembered r = keys.get(key);
        return r == null ? null : r.id();
    }

    /** Remembers a publish's key for the window, keeping at most {@code maxKeys} per channel. */
    void remember(String key, EventId id, Duration window, int maxKeys, long nowMs) {
        keys.put(key, new Remembered(id, nowMs));
        forget(window, maxKeys, nowMs);
    }

    private void forget(Duration window, int maxKeys, long nowMs) {
        long oldest = nowMs - window.toMillis();
        Iterator<Remembered> it = keys.values().iterator();
        while (it.hasNext()) {
            Remembered r = it.next();
            if (r.atMs() >= oldest && keys.size() <= maxKeys) {
                break;
            }
            it.remove();
        }
    }

    EventId nextId(long nowMs) {
        return last.next(nowMs);
    }

    void append(ChannelEvent event, HistoryPolicy policy, long nowMs) {
        last = event.id();
        lastTouchedMs = nowMs;
        events.addLast(event);
        while (events.size() > policy.size()) {
            floor = events.removeFirst().id();
        }
        expire(policy, nowMs);
    }

    History after(EventId since, HistoryPolicy policy, long nowMs) {
        lastTouchedMs = nowMs;
        expire(policy, nowMs);
        if (since == null) {
            return new History(List.of(), true, last);
        }
        // Below the floor: events were dropped. Above the last id, or a cluster instance's local
        // id: an id this log never issued (another run's, or forged), so nothing can vouch for what
        // the client holds.
        boolean complete = !since.isLocal() && since.compareTo(floor) >= 0 && since.compareTo(last) <= 0;
        List<ChannelEvent> missed = new ArrayList<>();
        // Newest first from the tail: a resume usually asks for the last few events.
        Iterator<ChannelEvent> it = events.descendingIterator();
        while (it.hasNext()) {
            ChannelEvent e = it.next();
            if (!e.id().isAfter(since)) {
                break;
            }
            missed.add(e);
        }
        java.util.Collections.reverse(missed);
        return new History(missed, complete, last);
    }

    /** Drops events older than the TTL; true when the log holds nothing worth keeping. */
    boolean expire(HistoryPolicy policy, long nowMs) {
        long oldest = nowMs - policy.ttl().toMillis();
        while (!events.isEmpty() && events.peekFirst().publishedAtMs() < oldest) {
            floor = events.removeFirst().id();
        }
        return events.isEmpty() && keys.isEmpty() && lastTouchedMs < oldest;
    }

    int size() {
        return events.size();
    }
}
