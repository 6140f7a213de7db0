package io.realtime.gateway.broker.redis;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stream entries and pub/sub messages that are not events by the rule of {@link StreamEvents}
 * (written into Redis without {@code publish.lua}), skipped by the live path and the replay path
 * alike. Logged as a warning the first time, then at FINE: a bad entry is skipped again by every
 * resume that reads past it, and must not flood the log.
 */
final class SkippedEntries {

    private static final Logger LOG = Logger.getLogger(SkippedEntries.class.getName());

    private final AtomicLong count = new AtomicLong();

    void skip(String channel, String what, String why) {
        long n = count.incrementAndGet();
        LOG.log(n == 1 ? Level.WARNING : Level.FINE,
                "Skipping {0} on {1}: {2}; written without publish.lua? (docs/redis.md); {3} skipped so far",
                new Object[] {what, channel, why, n});
    }

    /** Skips so far (an entry read by several resumes counts once per read). */
    long count() {
        return count.get();
    }
}
