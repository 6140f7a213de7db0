package io.realtime.gateway.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link StreamState} of a single instance. Entries expire like their Redis counterparts; expired
 * ones are dropped when touched and by a sweep every few thousand writes, so a stream of
 * short-lived jobs does not grow the heap without bound.
 */
public final class MemoryStreamState implements StreamState {

    private static final int SWEEP_EVERY = 4096;

    private final ConcurrentHashMap<String, Entry> values = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, String>> maps = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private int writes;

    private static final class Entry {
        Object value;
        /** Never before its first write sets it: a sweep must not drop an entry being filled. */
        long expiresAtMs = Long.MAX_VALUE;
    }

    public MemoryStreamState(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public List<long[]> appendToWindow(String key, long position, long atMs, int size, Duration ttl) {
        Entry entry = live(key);
        synchronized (entry) {
            @SuppressWarnings("unchecked")
            ArrayDeque<long[]> window = entry.value instanceof ArrayDeque<?> w ? (ArrayDeque<long[]>) w : new ArrayDeque<>();
            if (!window.isEmpty() && position < window.peekLast()[0]) {
                window.clear();
            }
            window.addLast(new long[] {position, atMs});
            while (window.size() > size) {
                window.removeFirst();
            }
            entry.value = window;
            entry.expiresAtMs = clock.getAsLong() + ttl.toMillis();
            List<long[]> copy = new ArrayList<>(window.size());
            for (long[] sample : window) {
                copy.add(sample.clone());
            }
            return copy;
        }
    }

    @Override
    public String swap(String key, String value, Duration ttl) {
        Entry entry = live(key);
        synchronized (entry) {
            Object before = entry.value;
            entry.value = value;
            entry.expiresAtMs = clock.getAsLong() + ttl.toMillis();
            return before instanceof String s ? s : null;
        }
    }

    @Override
    public String get(String key) {
        Entry entry = values.get(key);
        if (entry == null) {
            return null;
        }
        synchronized (entry) {
            return entry.expiresAtMs > clock.getAsLong() && entry.value instanceof String s ? s : null;
        }
    }

    @Override
    public void delete(String key) {
        values.remove(key);
    }

    @Override
    public void putField(String key, String field, String value) {
        maps.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(field, value);
    }

    @Override
    public boolean removeField(String key, String field) {
        Map<String, String> map = maps.get(key);
        return map != null && map.remove(field) != null;
    }

    @Override
    public Map<String, String> fields(String key) {
        Map<String, String> map = maps.get(key);
        return map == null ? Map.of() : new HashMap<>(map);
    }

    @Override
    public String kind() {
        return "memory";
    }

    /** The entry at {@code key}, a fresh one if it was absent or expired. */
    private Entry live(String key) {
        long now = clock.getAsLong();
        sweepNow(now);
        return values.compute(key, (k, e) -> {
            if (e == null) {
                return new Entry();
            }
            synchronized (e) {
                if (e.expiresAtMs <= now) {
                    e.value = null;
                    e.expiresAtMs = Long.MAX_VALUE;
                }
            }
            return e;
        });
    }

    private void sweepNow(long now) {
        boolean sweep;
        synchronized (this) {
            sweep = ++writes % SWEEP_EVERY == 0;
        }
        if (sweep) {
            values.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    return e.getValue().expiresAtMs <= now;
                }
            });
        }
    }
}
