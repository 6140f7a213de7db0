package io.realtime.gateway.channel;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The threads that deliver: one fan-out thread, which hands every live event to the queues of its
 * channel's subscribers in publish order, and a pool of writers, which drain those queues to the
 * clients. The thread that published an event (a request, a Redis subscriber link) only hands it
 * over. Fan-out costs a queue offer per subscriber, so one thread carries it; the writes are the
 * expensive part and run on every core.
 *
 * <p>Why not the server's managed executor: Liberty captures and restores the application's
 * thread context for every task handed to it, and a fan-out hands it one task per client per
 * event; profiled, that was a third of the gateway's CPU. These threads come from the
 * {@link ManagedThreadFactory}, so they carry the application's context from their creation, and
 * a task costs a queue offer.
 *
 * <p>Why several per core: Liberty writes an SSE event (and a WebSocket message sent with the
 * basic remote) synchronously, so a client whose socket is full holds its thread until it reads or
 * the write times out. The others go on on the remaining threads; the pool is that many slow
 * clients deep.
 */
@ApplicationScoped
public class DeliveryThreads {

    @Resource
    ManagedThreadFactory threadFactory;

    private int threads;
    private ThreadPoolExecutor pool;
    private ExecutorService fanOut;

    protected DeliveryThreads() {
        // for the CDI proxy
    }

    /** @param threads pool size; 0 means four per available processor, at least eight */
    @Inject
    public DeliveryThreads(@ConfigProperty(name = "gateway.delivery.threads") int threads) {
        this.threads = threads > 0 ? threads : Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    }

    @PostConstruct
    void start() {
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threadFactory);
        fanOut = Executors.newSingleThreadExecutor(threadFactory);
    }

    /** The fan-out thread: tasks run one at a time, in the order they were handed over. */
    public Executor fanOut() {
        return fanOut;
    }

    /** Where connections drain their queues. */
    public Executor executor() {
        return pool;
    }

    public int size() {
        return threads;
    }

    /** Drains waiting to run: a number that keeps growing means the writers cannot keep up. */
    public int backlog() {
        return pool.getQueue().size();
    }

    /** Runs a no-op through the fan-out thread and the writers and waits: one stuck or gone fails it. */
    public void probe(long timeoutMs) throws Exception {
        Future<?> fanned = fanOut.submit(() -> { });
        Future<?> written = pool.submit(() -> { });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        fanned.get(timeoutMs, TimeUnit.MILLISECONDS);
        written.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @PreDestroy
    void stop() {
        fanOut.shutdown();
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
