package io.realtime.gateway.faults;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber to one channel that stays subscribed as the protocol lets it (DESIGN §5-6): when
 * its connection ends it reconnects after a short jittered pause and resumes from where it was,
 * first to its home instance, and to the other one when that cannot be reached. Everything it
 * receives goes to its {@link StreamChecker}. One thread each; the transport is the subclass's.
 */
abstract class ResumingSubscriber implements AutoCloseable {

    final String name;
    final String channel;
    final int home;
    final TwoInstances cluster;
    final StreamChecker checker = new StreamChecker();
    /** Where to resume from: the last event's id, or the position the server gave. */
    volatile String cursor;
    volatile boolean running = true;
    private final Thread thread;
    private final CountDownLatch firstLive = new CountDownLatch(1);
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile long liveAtNanos;
    private volatile int liveOn = -1;

    ResumingSubscriber(String name, String channel, int home, TwoInstances cluster) {
        this.name = name;
        this.channel = channel;
        this.home = home;
        this.cluster = cluster;
        this.thread = new Thread(this::run, "subscriber-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Runs one connection to instance {@code on} until it ends; throws if it could not be opened. */
    abstract void session(int on) throws Exception;

    /** Ends the current connection from the client's side; the subscriber reconnects by itself. */
    abstract void drop();

    abstract String transport();

    /** Called by a session once its subscription is live on {@code on}. */
    final void live(int on) {
        liveOn = on;
        liveAtNanos = System.nanoTime();
        firstLive.countDown();
    }

    boolean awaitLive(Duration timeout) throws InterruptedException {
        return firstLive.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long liveAtNanos() {
        return liveAtNanos;
    }

    int liveOn() {
        return liveOn;
    }

    int sessions() {
        return sessions.get();
    }

    private void run() {
        int target = home;
        while (running) {
            try {
                liveOn = -1;
                session(target);
                sessions.incrementAndGet();
                target = home;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                target = 1 - target; // that one cannot be reached now: try the other
            }
            Publisher.pause(50 + ThreadLocalRandom.current().nextLong(200));
        }
    }

    /** Ends the subscriber without waiting: its thread sees it within one poll (200 ms). */
    void stop() {
        running = false;
        drop();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        thread.join(10_000);
    }

    /**
     * Stops them all first, then waits for each: closing a storm's hundreds one after another cost a
     * poll interval each, tens of seconds in all.
     */
    static void closeAll(Iterable<? extends ResumingSubscriber> subscribers) throws InterruptedException {
        subscribers.forEach(ResumingSubscriber::stop);
        for (ResumingSubscriber s : subscribers) {
            s.close();
        }
    }
}
