package io.realtime.gateway.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential back-off with full jitter (the delay is uniform in [0, min(cap, base·2^n)]):
 * the variant that AWS's "Exponential Backoff and Jitter" (Brooker, 2015) found to spread a crowd
 * of reconnecting clients best, so that instances do not hit a recovering Redis in lockstep.
 * An instance is not thread-safe (one per loop); {@link #delayMs} serves callers that keep their
 * own attempt count.
 */
public final class Backoff {

    private final long baseMs;
    private final long capMs;
    private int attempt;

    public Backoff(Duration base, Duration cap) {
        this.baseMs = Math.max(1, base.toMillis());
        this.capMs = Math.max(baseMs, cap.toMillis());
    }

    /** The delay before the next attempt. */
    public long nextDelayMs() {
        return delayMs(baseMs, capMs, ++attempt);
    }

    public void reset() {
        attempt = 0;
    }

    /** The jittered delay before attempt {@code attempt} (1 = the first retry): thread-safe. */
    public static long delayMs(long baseMs, long capMs, int attempt) {
        long base = Math.max(1, baseMs);
        long cap = Math.max(base, capMs);
        int shift = Math.max(0, attempt - 1);
        long ceiling = shift >= 30 ? cap : Math.min(cap, base << shift);
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
