package io.realtime.gateway.broker.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or the timeout passes; never a bare sleep for correctness. */
final class Waits {

    private Waits() {
    }

    /** @return how long it took, or -1 if the condition never held */
    static long until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean() ? timeout.toMillis() : -1;
    }
}
