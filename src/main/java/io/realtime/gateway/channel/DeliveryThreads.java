package io.realtime.gateway.channel;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
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
 * <p>Why the pool grows: Liberty writes an SSE event, and a WebSocket message through the basic
 * remote, synchronously, so a client whose socket is full holds its writer until it reads or the
 * write times out (the server's write timeout). A few
 * such clients would hold every writer and stall everybody else. So a writer busy with one drain
 * for longer than {@code stuckAfter} no longer counts: the pool starts another thread in its place
 * (up to {@code maxThreads}), and lets it go once the stuck one is back and the extra has been idle
 * a minute.
 */
@ApplicationScoped
public class DeliveryThreads {

    @Resource
    ManagedThreadFactory threadFactory;

    private int threads;
    private int maxThreads;
    private long stuckAfterNanos;
    private ThreadPoolExecutor pool;
    private ExecutorService fanOut;
    private ScheduledExecutorService watch;
    /** When each busy writer took up its current drain. */
    private final ConcurrentHashMap<Thread, Long> busySince = new ConcurrentHashMap<>();

    protected DeliveryThreads() {
        // for the CDI proxy
    }

    /**
     * @param threads      writers; 0 means four per available processor, at least eight
     * @param maxThreads   most writers, counting those started in place of stuck ones
     * @param stuckAfterMs a writer busy with one drain this long is stuck (a client not reading)
     */
    @Inject
    public DeliveryThreads(@ConfigProperty(name = "gateway.delivery.threads") int threads,
                           @ConfigProperty(name = "gateway.delivery.max-threads") int maxThreads,
                           @ConfigProperty(name = "gateway.delivery.stuck-after-ms") long stuckAfterMs) {
        this.threads = threads > 0 ? threads : Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        this.maxThreads = Math.max(this.threads, maxThreads);
        this.stuckAfterNanos = TimeUnit.MILLISECONDS.toNanos(stuckAfterMs);
    }

    @PostConstruct
    void start() {
        pool = new ThreadPoolExecutor(threads, maxThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threadFactory) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                busySince.put(t, System.nanoTime());
            }

            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                busySince.remove(Thread.currentThread());
            }
        };
        fanOut = Executors.newSingleThreadExecutor(threadFactory);
        watch = Executors.newSingleThreadScheduledExecutor(threadFactory);
        long every = Math.max(50, TimeUnit.NANOSECONDS.toMillis(stuckAfterNanos) / 4);
        watch.scheduleWithFixedDelay(this::replaceStuckWriters, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Keeps {@code threads} writers free of stuck drains: the core size is the configured size plus
     * the stuck ones (a larger core starts threads for waiting drains at once; a smaller one lets
     * the extra threads end when idle).
     */
    private void replaceStuckWriters() {
        try {
            long now = System.nanoTime();
            int stuck = 0;
            for (long since : busySince.values()) {
                if (now - since > stuckAfterNanos) {
                    stuck++;
                }
            }
            int target = Math.min(maxThreads, threads + stuck);
            if (target != pool.getCorePoolSize()) {
                pool.setCorePoolSize(target);
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again.
            java.util.logging.Logger.getLogger(DeliveryThreads.class.getName())
                    .log(java.util.logging.Level.WARNING, "replacing stuck writers failed", e);
        }
    }

    /** Writers busy with one drain past the stuck threshold right now. */
    public int stuck() {
        long now = System.nanoTime();
        return (int) busySince.values().stream().filter(since -> now - since > stuckAfterNanos).count();
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
        watch.shutdownNow();
        fanOut.shutdown();
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
