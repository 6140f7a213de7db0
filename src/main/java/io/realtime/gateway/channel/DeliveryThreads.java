package io.realtime.gateway.channel;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
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
 *
 * <p>Why drains started by a fan-out are handed over together: one event to a thousand subscribers
 * starts a thousand drains. Handed to the pool one by one, each is a put on its queue's lock and a
 * wake-up of a parked writer, contended by every writer taking the next; profiled, the hand-off
 * and the wake-ups in the kernel were a good part of a delivery's cost. So the drains a fan-out
 * task starts are gathered on the fan-out thread and handed over when it ends, as one list a few
 * writers take from by a shared cursor: any free writer takes the next drain, as from the pool's
 * queue. A writer held by a client that does not read holds up no drain taken by another; when it
 * is found stuck, the drains of its list no writer took yet go to the pool one by one, as they
 * would have without the gathering (so several clients that do not read, side by side in one list,
 * are passed at once, not one stuck period each).
 */
@ApplicationScoped
public class DeliveryThreads {

    private static final Logger LOG = Logger.getLogger(DeliveryThreads.class.getName());
    /** How many gathered drains make one more writer worth waking. */
    private static final int DRAINS_PER_WRITER = 64;

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
    /** The fan-out thread (set by the factory that makes it): drains it starts are gathered. */
    private volatile Thread fanOutThread;
    /** The shared list each writer is taking drains from now, if any. */
    private final ConcurrentHashMap<Thread, SharedDrains> sharing = new ConcurrentHashMap<>();
    /** Drains started by the running fan-out task; touched by the fan-out thread only. */
    private final List<Runnable> gathered = new ArrayList<>();

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
        fanOut = Executors.newSingleThreadExecutor(task -> {
            Thread thread = threadFactory.newThread(task);
            fanOutThread = thread; // a task that throws has its thread replaced: the new one gathers
            return thread;
        });
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
            List<Runnable> untaken = new ArrayList<>();
            for (var busy : busySince.entrySet()) {
                if (now - busy.getValue() > stuckAfterNanos) {
                    stuck++;
                    SharedDrains shared = sharing.get(busy.getKey());
                    if (shared != null) {
                        untaken.addAll(shared.takeRest());
                    }
                }
            }
            int target = Math.min(maxThreads, threads + stuck);
            if (target != pool.getCorePoolSize()) {
                pool.setCorePoolSize(target);
            }
            untaken.forEach(pool::execute); // after the resize: threads are there to take them
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again.
            LOG.log(Level.WARNING, "replacing stuck writers failed", e);
        }
    }

    /** Writers busy with one drain past the stuck threshold right now. */
    public int stuck() {
        long now = System.nanoTime();
        return (int) busySince.values().stream().filter(since -> now - since > stuckAfterNanos).count();
    }

    /**
     * The fan-out thread: tasks run one at a time, in the order they were handed over; the drains
     * a task starts go to the writers when it ends.
     */
    public Executor fanOut() {
        return task -> fanOut.execute(() -> {
            try {
                task.run();
            } finally {
                handOffGathered();
            }
        });
    }

    /** Where connections drain their queues: the writers (gathered first when the fan-out starts them). */
    public Executor executor() {
        return this::drainLater;
    }

    private void drainLater(Runnable drain) {
        if (Thread.currentThread() == fanOutThread) {
            gathered.add(drain);
        } else {
            pool.execute(drain);
        }
    }

    private void handOffGathered() {
        // A loop for the stopping case only: drains run here may start others, gathered again.
        while (!gathered.isEmpty()) {
            int count = gathered.size();
            SharedDrains shared = new SharedDrains(gathered.toArray(Runnable[]::new));
            gathered.clear();
            int writers = Math.min(threads, (count + DRAINS_PER_WRITER - 1) / DRAINS_PER_WRITER);
            try {
                for (int i = 0; i < writers; i++) {
                    pool.execute(shared);
                }
            } catch (RejectedExecutionException e) {
                shared.run(); // the application is stopping: what no writer took runs here
            }
        }
    }

    /** Drains handed over together: each writer given the list takes the next one not yet taken. */
    private final class SharedDrains implements Runnable {
        private final Runnable[] drains;
        private final AtomicInteger next = new AtomicInteger();

        SharedDrains(Runnable[] drains) {
            this.drains = drains;
        }

        @Override
        public void run() {
            Thread writer = Thread.currentThread();
            sharing.put(writer, this);
            try {
                int i;
                while ((i = next.getAndIncrement()) < drains.length) {
                    busySince.put(writer, System.nanoTime()); // stuck means one drain too long, not the list
                    try {
                        drains[i].run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a drain failed", e); // the next drain in the list still runs
                    }
                }
            } finally {
                sharing.remove(writer);
            }
        }

        /** Takes the drains no writer took yet (none when all were): they go to the pool one by one. */
        List<Runnable> takeRest() {
            int at = next.getAndSet(drains.length);
            return at >= drains.length ? List.of() : Arrays.asList(drains).subList(at, drains.length);
        }
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
