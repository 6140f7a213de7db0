package io.realtime.gateway.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for a condition: how a test waits when there is no latch to wait on. */
public final class Await {

    private static final long POLL_MS = 50;

    private Await() {
    }

    /** Polls until the condition holds; fails with the message after the timeout. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            pause();
        }
    }

    /**
     * Polls a value until it satisfies the condition; returns that value. The failure message
     * shows the last value seen, which is usually what one needs to understand it.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> value,
                              java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + " (last seen: " + last + ")");
            }
            pause();
            last = value.get();
        }
        return last;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
