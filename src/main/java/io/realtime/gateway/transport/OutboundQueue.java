package io.realtime.gateway.transport;

import java.util.ArrayList;
import java.util.List;
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
 * <p>The writer is handed every frame waiting (up to {@code maxBatch}) at once, so a transport
 * that can put several frames into one network write does so: the more a client lags, the fewer
 * writes it costs. At most one write is in flight; when it completes the queue is drained again on
 * the executor (the delivery threads), never on the thread that completed the write,
 * which belongs to the server's I/O.
 *
 * @param <F> the transport's frame type, shared by every connection it goes to
 */
public final class OutboundQueue<F> implements Runnable {

    /** Writes frames, in order; the stage completes when the transport took them all. */
    @FunctionalInterface
    public interface FrameWriter<F> {
        CompletionStage<?> write(List<F> frames);
    }

    /** A queued frame, and whether it was replayed: replayed frames are paced, not counted as lag. */
    private record Entry<F>(F frame, boolean replayed) {
    }

    private final ConcurrentLinkedQueue<Entry<F>> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /**
     * Replayed frames still queued. They don't count towards the live bound (a resume is not lag),
     * but they never pile up either: a replay waits for room ({@link #awaitRoom}) before each frame,
     * so the queue holds at most its capacity of replayed frames plus its capacity of live ones.
     */
    private final AtomicInteger replayQueued = new AtomicInteger();
    /** Guards waiting for room; notified by a drain when somebody waits. */
    private final Object room = new Object();
    private volatile int roomWaiters;
    /** Set while a drain is scheduled, running, or waiting for its write to complete. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final int capacity;
    private final int maxBatch;
    private final FrameWriter<F> writer;
    private final Executor executor;
    private final Consumer<Throwable> onFailure;
    private final Runnable onOverflow;
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private volatile boolean closing;

    /**
     * @param maxBatch   most frames handed to one write
     * @param executor   where drains run: the delivery threads
     * @param onOverflow runs (once, on the executor) when the queue passes its bound
     * @param onFailure  runs (once) when a write fails: the peer is gone
     */
    public OutboundQueue(int capacity, int maxBatch, FrameWriter<F> writer, Executor executor,
                         Runnable onOverflow, Consumer<Throwable> onFailure) {
        this.capacity = capacity;
        this.maxBatch = maxBatch;
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
        // The replayed count first, then the size: a drain lowers the size before the replayed count, so
        // read the other way round a drain between the reads made a queue full of replayed frames look
        // like a full queue of lag, and a client resuming on a busy machine was cut off mid-replay.
        int replayed = replayQueued.get();
        if (size.get() - replayed >= capacity) {
            if (failed.compareAndSet(false, true)) {
                wakeWaiters(); // a replay waiting for room stops now, not at its timeout
                runLater(onOverflow);
            }
            return false;
        }
        enqueue(new Entry<>(frame, false));
        return true;
    }

    /**
     * Queues a frame replayed from history. It does not count as lag, so a resume never cuts a
     * client off; the replaying thread paces itself with {@link #awaitRoom} instead.
     */
    public boolean offerReplay(F frame) {
        if (failed.get() || closing) {
            return false;
        }
        replayQueued.incrementAndGet();
        enqueue(new Entry<>(frame, true));
        return true;
    }

    /**
     * Waits until fewer than the capacity of frames are queued, so one more replayed frame may
     * follow: a client resuming from far back gets its history as fast as it reads it, and one that
     * does not read holds at most a queue's worth. Never call it holding a lock a drain needs.
     *
     * @return false when the queue failed, closed, or the wait timed out
     */
    public boolean awaitRoom(long timeoutMs) throws InterruptedException {
        if (size.get() < capacity) {
            return !failed.get() && !closing;
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (room) {
            roomWaiters++;
            try {
                while (size.get() >= capacity && !failed.get() && !closing) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    room.wait(Math.max(1, left / 1_000_000L));
                }
            } finally {
                roomWaiters--;
            }
        }
        return !failed.get() && !closing;
    }

    /** Frames waiting to be written. */
    public int size() {
        return size.get();
    }

    public boolean isFailed() {
        return failed.get();
    }

    /** True once {@link #closeWhenDrained} ran: the connection is ending gracefully. */
    public boolean isClosing() {
        return closing;
    }

    /**
     * Stops taking frames (later offers are refused); the returned stage completes once everything queued so far is written
     * (or the queue failed). Used for a graceful end: queue the goodbye frame, then close.
     */
    public CompletionStage<Void> closeWhenDrained() {
        closing = true;
        wakeWaiters();
        if (size.get() == 0 && !draining.get()) {
            idle.complete(null);
        }
        return idle;
    }

    /** Stops at once; returns how many queued frames were discarded. */
    public int discard() {
        failed.set(true);
        int dropped = 0;
        Entry<F> entry;
        while ((entry = frames.poll()) != null) {
            dropped++;
            size.decrementAndGet();
            if (entry.replayed()) {
                replayQueued.decrementAndGet();
            }
        }
        idle.complete(null);
        wakeWaiters();
        return dropped;
    }

    private void enqueue(Entry<F> frame) {
        frames.add(frame);
        size.incrementAndGet();
        if (draining.compareAndSet(false, true)) {
            runLater(this);
        }
    }

    /** One drain: everything waiting, in one write. Runs on the executor only. */
    @Override
    public void run() {
        if (failed.get()) {
            finishDrain();
            return;
        }
        List<F> batch = new ArrayList<>(Math.min(size.get(), maxBatch));
        int replayed = 0;
        Entry<F> entry;
        while (batch.size() < maxBatch && (entry = frames.poll()) != null) {
            batch.add(entry.frame());
            if (entry.replayed()) {
                replayed++;
            }
        }
        if (batch.isEmpty()) {
            finishDrain();
            return;
        }
        size.addAndGet(-batch.size());
        // Exactly the replayed frames taken leave the replay count: live frames written meanwhile
        // must not use up a resume's allowance (that cut clients within their bound off as slow).
        replayQueued.addAndGet(-replayed);
        wakeWaiters();
        CompletableFuture<?> written;
        try {
            written = writer.write(batch).toCompletableFuture();
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        if (written.isDone()) {
            afterWrite(written);
        } else {
            CompletableFuture<?> pending = written;
            pending.whenComplete((ok, error) -> afterWrite(pending));
        }
    }

    private void afterWrite(CompletableFuture<?> written) {
        if (written.isCompletedExceptionally()) {
            Throwable cause = written.handle((ok, e) -> e).join();
            draining.set(false);
            if (failed.compareAndSet(false, true)) {
                onFailure.accept(cause);
            }
            idle.complete(null);
            wakeWaiters();
        } else if (!frames.isEmpty()) {
            // Back in line behind the other connections: one busy client does not starve them.
            runLater(this);
        } else {
            finishDrain();
        }
    }

    private void finishDrain() {
        draining.set(false);
        // A frame added after the last poll but before the flag cleared would otherwise wait.
        if (!frames.isEmpty() && !failed.get() && draining.compareAndSet(false, true)) {
            runLater(this);
        } else if ((closing || failed.get()) && frames.isEmpty()) {
            idle.complete(null);
        }
    }

    private void wakeWaiters() {
        if (roomWaiters > 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
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
