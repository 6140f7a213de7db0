package io.realtime.gateway.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One connection's bounded outbound queue and its single writer. Offers never block: the channel
 * core calls them with a channel lock held, for every subscriber of that channel. A connection whose
 * queue passes its bound is cut off (the overflow callback runs on the executor, never inline), so a
 * slow client costs others nothing.
 *
 * <p>At most one write is in flight: the next frame is written when the previous write completes,
 * on the thread that completed it or, when it completed inline, in the same drain loop.
 *
 * @param <F> the transport's frame type, shared by every connection it goes to
 */
public final class OutboundQueue<F> {

    /** Writes one frame; the stage completes when the transport took it (exceptionally if it failed). */
    @FunctionalInterface
    public interface FrameWriter<F> {
        CompletionStage<?> write(F frame);
    }

    private final ConcurrentLinkedQueue<F> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Replayed frames still queued: they come from bounded history and don't count as lag. */
    private final AtomicInteger replayCredit = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final int capacity;
    private final FrameWriter<F> writer;
    private final Executor executor;
    private final Consumer<Throwable> onFailure;
    private final Runnable onOverflow;
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private volatile boolean closing;

    /**
     * @param onOverflow runs (once, on the executor) when the queue passes its bound
     * @param onFailure  runs (once) when a write fails: the peer is gone
     */
    public OutboundQueue(int capacity, FrameWriter<F> writer, Executor executor,
                         Runnable onOverflow, Consumer<Throwable> onFailure) {
        this.capacity = capacity;
        this.writer = writer;
        this.executor = executor;
        this.onOverflow = onOverflow;
        this.onFailure = onFailure;
    }

    /** Queues a live frame; false (and the connection is being cut off) when it is past its bound. */
    public boolean offer(F frame) {
        if (failed.get() || closing) {
            return false; // after the goodbye nothing may follow it
        }
        if (size.get() - replayCredit.get() >= capacity) {
            if (failed.compareAndSet(false, true)) {
                runLater(onOverflow);
            }
            return false;
        }
        enqueue(frame);
        return true;
    }

    /** Queues a frame replayed from history: bounded by history, so it does not count towards lag. */
    public boolean offerReplay(F frame) {
        if (failed.get() || closing) {
            return false;
        }
        replayCredit.incrementAndGet();
        enqueue(frame);
        return true;
    }

    /** Frames waiting to be written. */
    public int size() {
        return size.get();
    }

    public boolean isFailed() {
        return failed.get();
    }

    /**
     * Stops taking frames (later offers are refused); the returned stage completes once everything queued so far is written
     * (or the queue failed). Used for a graceful end: queue the goodbye frame, then close.
     */
    public CompletionStage<Void> closeWhenDrained() {
        closing = true;
        if (size.get() == 0 && !draining.get()) {
            idle.complete(null);
        }
        return idle;
    }

    /** Stops at once; returns how many queued frames were discarded. */
    public int discard() {
        failed.set(true);
        int dropped = 0;
        while (frames.poll() != null) {
            dropped++;
            size.decrementAndGet();
        }
        idle.complete(null);
        return dropped;
    }

    private void enqueue(F frame) {
        frames.add(frame);
        size.incrementAndGet();
        if (draining.compareAndSet(false, true)) {
            runLater(this::drain);
        }
    }

    private void drain() {
        while (true) {
            if (failed.get()) {
                draining.set(false);
                idle.complete(null);
                return;
            }
            F frame = frames.poll();
            if (frame == null) {
                draining.set(false);
                // A frame added after the poll but before the flag cleared would otherwise wait.
                if (frames.isEmpty() || !draining.compareAndSet(false, true)) {
                    if (closing && frames.isEmpty()) {
                        idle.complete(null);
                    }
                    return;
                }
                continue;
            }
            size.decrementAndGet();
            replayCredit.updateAndGet(c -> c > 0 ? c - 1 : 0);
            CompletableFuture<?> written;
            try {
                written = writer.write(frame).toCompletableFuture();
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            if (written.isDone()) {
                if (written.isCompletedExceptionally()) {
                    fail(written);
                    return;
                }
                continue;
            }
            CompletableFuture<?> pending = written;
            pending.whenComplete((ok, error) -> {
                if (error != null) {
                    fail(pending);
                } else {
                    // Go on in the thread that completed the write: a hop to the executor per
                    // frame halved WebSocket throughput. No recursion: a write that completes
                    // inline is seen as done by the loop before this callback is registered.
                    drain();
                }
            });
            return;
        }
    }

    private void fail(CompletableFuture<?> written) {
        Throwable cause = written.handle((ok, e) -> e).join();
        draining.set(false);
        if (failed.compareAndSet(false, true)) {
            onFailure.accept(cause);
        }
        idle.complete(null);
    }

    /** Runs on the executor; inline when it refuses (e.g. while the application stops). */
    private void runLater(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
