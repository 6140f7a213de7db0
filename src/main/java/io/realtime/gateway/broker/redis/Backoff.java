package io.realtime.gateway.broker.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential back-off with full jitter (the delay is uniform in [0, min(cap, base·2^n)]):
 * the variant that AWS's "Exponential Backoff and Jitter" (Brooker, 2015) found to spread a crowd
 * of reconnecting clients best, so that instances do not hit a recovering Redis in lockstep.
 * Not thread-safe: one per reconnect loop.
 */
final class Backoff {

    private final long baseMs;
    private final long capMs;
    private int attempt;

    Backoff(Duration base, Duration cap) {
        this.baseMs = Math.max(1, base.toMillis());
        this.capMs = Math.max(baseMs, cap.toMillis());
    }

    /** The delay before the next attempt. */
    long nextDelayMs() {
        long ceiling = attempt >= 30 ? capMs : Math.min(capMs, baseMs << attempt);
        attempt++;
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    void reset() {
        attempt = 0;
    }
}
