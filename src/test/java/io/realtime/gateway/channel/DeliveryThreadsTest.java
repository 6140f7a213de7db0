package io.realtime.gateway.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drains a fan-out starts are handed to the writers together when its task ends: every one runs
 * once, and those that block (clients that do not read) hold up none of the others for good, even
 * with a single writer.
 */
class DeliveryThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private DeliveryThreads threads;

    private DeliveryThreads start(int writers, long stuckAfterMs) {
        threads = new DeliveryThreads(writers, 16, stuckAfterMs);
        threads.threadFactory = new TestThreadFactory();
        threads.start();
        return threads;
    }

    @AfterEach
    void stop() {
        if (threads != null) {
            threads.stop();
        }
    }

    @Test
    void everyDrainAFanOutStartsRunsOnceOnAWriter() throws Exception {
        DeliveryThreads delivery = start(4, 1_000);
        Executor drains = delivery.executor();
        int count = 1_000;
        AtomicInteger ran = new AtomicInteger();
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        Thread[] fanOutThread = new Thread[1];
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger twice = new AtomicInteger();
        CountDownLatch fannedOut = new CountDownLatch(1);
        delivery.fanOut().execute(() -> {
            fanOutThread[0] = Thread.currentThread();
            for (int i = 0; i < count; i++) {
                int n = i;
                drains.execute(() -> {
                    if (!seen.add(n)) {
                        twice.incrementAndGet();
                    }
                    ranOn.add(Thread.currentThread());
                    ran.incrementAndGet();
                });
            }
            fannedOut.countDown();
        });
        assertTrue(fannedOut.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        await().atMost(WAIT).until(() -> ran.get() == count);
        assertEquals(0, twice.get(), "no drain ran twice");
        assertTrue(!ranOn.contains(fanOutThread[0]), "drains run on the writers, not the fan-out thread");
    }

    @Test
    void drainsThatBlockArePassedByTheRestOfTheirListWithASingleWriter() throws Exception {
        DeliveryThreads delivery = start(1, 200);
        Executor drains = delivery.executor();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch others = new CountDownLatch(3);
        int blocking = 3;
        delivery.fanOut().execute(() -> {
            for (int i = 0; i < blocking; i++) {
                drains.execute(() -> {
                    try {
                        release.await(WAIT.toSeconds(), TimeUnit.SECONDS); // a write to a client that does not read
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            for (int i = 0; i < 3; i++) {
                drains.execute(others::countDown);
            }
        });
        try {
            assertTrue(others.await(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "the drains behind the blocked ones ran while they still blocked");
            await().atMost(WAIT).until(() -> delivery.stuck() == blocking); // each blocked writer counts as stuck
        } finally {
            release.countDown();
        }
        await().atMost(WAIT).until(() -> delivery.stuck() == 0);
    }

    /** Plain daemon threads in place of the server's managed ones. */
    private static final class TestThreadFactory implements jakarta.enterprise.concurrent.ManagedThreadFactory {
        @Override
        public Thread newThread(Runnable task) {
            Thread thread = Executors.defaultThreadFactory().newThread(task);
            thread.setDaemon(true);
            return thread;
        }

        @Override
        public java.util.concurrent.ForkJoinWorkerThread newThread(java.util.concurrent.ForkJoinPool pool) {
            throw new UnsupportedOperationException();
        }
    }
}
