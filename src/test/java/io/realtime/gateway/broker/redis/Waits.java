package io.realtime.gateway.broker.redis;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Kept for tests written against it; new tests use {@link io.realtime.gateway.testsupport.Await} or
 * Awaitility directly.
 */
final class Waits {

    private Waits() {
    }

    /** @return how long it took (for a log line, never for an assertion), or -1 if the condition never held */
    static long until(Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(condition::getAsBoolean);
            return (System.nanoTime() - start) / 1_000_000;
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }
}
