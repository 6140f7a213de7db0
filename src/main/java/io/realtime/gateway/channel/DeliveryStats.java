package io.realtime.gateway.channel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.LongAdder;

/** Event counters for stats and metrics; LongAdders because every delivery bumps one. */
@ApplicationScoped
public class DeliveryStats {

    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyTotalMs = new LongAdder();
    private final long startedAtMs = System.currentTimeMillis();

    /** Created with the application, so uptime counts from start-up. */
    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean creates it
    }

    public void countPublished(int count) {
        published.add(count);
    }

    public void countDelivered(int count) {
        delivered.add(count);
    }

    public void countDropped(int count) {
        dropped.add(count);
    }

    /** Publish-to-dispatch time of one event on this instance (across instances in cluster mode). */
    public void dispatchLatency(long ms) {
        latencyCount.increment();
        latencyTotalMs.add(Math.max(0, ms));
    }

    public long published() {
        return published.sum();
    }

    public long delivered() {
        return delivered.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public double meanDispatchLatencyMs() {
        long n = latencyCount.sum();
        return n == 0 ? 0 : (double) latencyTotalMs.sum() / n;
    }

    public long startedAtMs() {
        return startedAtMs;
    }
}
