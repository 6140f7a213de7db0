package io.realtime.gateway.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The state the product streams derive from: in memory on a single instance, in Redis in cluster
 * mode, so that what an update derives never depends on which instance got the previous one. Each
 * operation touches one key and is atomic, so two instances updating one subject at once cannot
 * both see the same "previous" (keys are hash-tagged by the caller for Redis Cluster).
 */
public interface StreamState {

    /**
     * Appends the sample {@code (position, atMs)} to the window at {@code key}, keeping the last
     * {@code size}; a position below the window's last one starts the window afresh (the job was
     * restarted). Returns the window, oldest first, as pairs {@code [position, atMs]}.
     */
    List<long[]> appendToWindow(String key, long position, long atMs, int size, Duration ttl);

    /** Sets {@code key} to {@code value} and returns what it held before, or null. */
    String swap(String key, String value, Duration ttl);

    String get(String key);

    void delete(String key);

    /** One field of a map kept without expiry (alert rules). */
    void putField(String key, String field, String value);

    /** @return false if there was no such field */
    boolean removeField(String key, String field);

    Map<String, String> fields(String key);

    /** Where the state lives, for logs: {@code memory} or {@code redis}. */
    String kind();
}
