package io.realtime.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void writesEverythingInOrderOneAtATime() throws Exception {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
        CountDownLatch all = new CountDownLatch(1_000);
        OutboundQueue<Integer> queue = new OutboundQueue<>(10_000, 64, frames -> {
            // Completes later, from another thread, like an asynchronous socket write.
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (!inFlight.compareAndSet(null, done)) {
                throw new AssertionError("two writes in flight");
            }
            if (frames.isEmpty() || frames.size() > 64) {
                throw new AssertionError("a write of " + frames.size() + " frames");
            }
            written.addAll(frames);
            executor.execute(() -> {
                inFlight.set(null);
                frames.forEach(f -> all.countDown());
                done.complete(null);
            });
            return done;
        }, executor, () -> { }, e -> { });
        for (int i = 0; i < 1_000; i++) {
            assertTrue(queue.offer(i));
        }
        assertTrue(all.await(60, TimeUnit.SECONDS));
        for (int i = 0; i < 1_000; i++) {
            assertEquals(i, written.get(i));
        }
    }

    @Test
    void aStalledWriterIsCutOffPastTheBoundAndTheRestIsDiscarded() throws Exception {
        CountDownLatch overflowed = new CountDownLatch(1);
        OutboundQueue<Integer> queue = new OutboundQueue<>(5, 64, frames -> new CompletableFuture<>(), executor,
                overflowed::countDown, e -> { });
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            if (queue.offer(i)) {
                accepted++;
            }
        }
        assertTrue(overflowed.await(60, TimeUnit.SECONDS));
        assertTrue(accepted <= 6, "one in flight plus five queued at most, got " + accepted);
        assertTrue(queue.isFailed());
        assertFalse(queue.offer(99));
        assertEquals(queue.size(), queue.discard());
    }

    @Test
    void replayedFramesDoNotCountAsLag() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CountDownLatch overflowed = new CountDownLatch(1);
        OutboundQueue<Integer> queue = new OutboundQueue<>(5, 64, frames -> gate, executor, overflowed::countDown,
                e -> { });
        for (int i = 0; i < 100; i++) {
            assertTrue(queue.offerReplay(i));
        }
        assertTrue(queue.offer(100), "a live frame behind a long replay is still accepted");
        assertEquals(1, overflowed.getCount());
    }

    @Test
    void aFailedWriteReportsOnceAndDrainCompletes() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        OutboundQueue<Integer> queue = new OutboundQueue<>(10, 64, frames -> CompletableFuture.failedFuture(
                new java.io.IOException("broken pipe")), executor, () -> { }, e -> failed.countDown());
        queue.offer(1);
        queue.offer(2);
        assertTrue(failed.await(60, TimeUnit.SECONDS));
        queue.closeWhenDrained().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void closeWhenDrainedWaitsForQueuedFrames() throws Exception {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        OutboundQueue<Integer> queue = new OutboundQueue<>(100, 4, frames -> {
            written.addAll(frames);
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS));
        }, executor, () -> { }, e -> { });
        for (int i = 0; i < 20; i++) {
            queue.offer(i);
        }
        var drained = queue.closeWhenDrained();
        assertFalse(queue.offer(99), "nothing may follow the goodbye");
        drained.toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(20, written.size());
    }

    @Test
    void framesThatWaitedGoOutTogetherInOneWrite() throws Exception {
        CompletableFuture<Void> firstWrite = new CompletableFuture<>();
        List<List<Integer>> writes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch secondWrite = new CountDownLatch(1);
        OutboundQueue<Integer> queue = new OutboundQueue<>(100, 8, frames -> {
            writes.add(List.copyOf(frames));
            if (writes.size() == 1) {
                return firstWrite;
            }
            secondWrite.countDown();
            return CompletableFuture.completedFuture(null);
        }, executor, () -> { }, e -> { });
        queue.offer(0);
        while (writes.isEmpty()) {
            Thread.onSpinWait();
        }
        for (int i = 1; i <= 20; i++) {
            queue.offer(i); // wait behind the write in flight
        }
        firstWrite.complete(null);
        assertTrue(secondWrite.await(60, TimeUnit.SECONDS));
        queue.closeWhenDrained().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(List.of(0), writes.get(0));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), writes.get(1), "the waiting frames, up to the batch size, in one write");
        assertEquals(4, writes.size(), "21 frames: 1 + 8 + 8 + 4");
        assertEquals(List.of(17, 18, 19, 20), writes.get(3));
    }
}
