package io.realtime.gateway.testsupport;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * How a test waits when there is no latch to wait on: Awaitility polling a condition with a
 * generous bound. Kept as a small facade because its failures say what was awaited and the last
 * value seen, which is usually what one needs to understand them; new code may call Awaitility
 * directly.
 */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** Polls until the condition holds; fails with the message after the timeout. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        try {
            await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + timeout + ": " + what, e);
        }
    }

    /**
     * Polls a value until it satisfies the condition; returns that value. The failure message
     * shows the last value seen.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> value, Predicate<T> condition) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> {
                        T v = value.get();
                        last.set(v);
                        return v;
                    }, condition::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + timeout + ": " + what + " (last seen: " + last.get() + ")", e);
        }
    }
}
