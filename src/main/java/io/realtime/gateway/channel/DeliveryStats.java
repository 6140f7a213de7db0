package io.realtime.gateway.channel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Event counters for stats and metrics, bumped once per event where the event is published,
 * dispatched, delivered or dropped. Each count goes to a LongAdder (what the stats endpoint reads)
 * and, when the application runs, to a MicroProfile Metrics Counter or Timer (what {@code /metrics}
 * serves): MicroProfile Metrics 5 cannot register a counter that reads a number kept elsewhere, so
 * the counters are bumped where the events happen.
 */
@ApplicationScoped
public class DeliveryStats {

    /** Why events meant for a client were not written to it: the {@code reason} of the dropped counter. */
    public enum DropReason {
        /** The client read too slowly: its queue passed its bound and it was cut off. */
        SLOW,
        /** The client went away (closed, stopped answering, a write failed) with events still queued. */
        GONE,
        /** The client broke a limit (a message over the size limit) and was closed. */
        LIMIT,
        /** The server stopped with events still queued past the drain time. */
        SHUTDOWN,
        /** The connection's token expired or was revoked with events still queued. */
        AUTH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The metric names, also read by the tests, the dashboard and the README. */
    public static final String PUBLISHED = "gateway.events.published";
    public static final String DELIVERED = "gateway.events.delivered";
    public static final String DROPPED = "gateway.events.dropped";
    public static final String LATENCY = "gateway.delivery.latency";

    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyTotalMs = new LongAdder();
    private final long startedAtMs = System.currentTimeMillis();
    /** Null when made outside the server (unit tests): then nothing is exported. */
    private final Meters meters;

    private record Meters(Counter published, Counter delivered, Map<DropReason, Counter> dropped, Timer latency) {
    }

    /** Counts for the stats endpoint only, exported nowhere: for tests that build the core by hand. */
    public DeliveryStats() {
        this.meters = null;
    }

    @Inject
    public DeliveryStats(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
        Metadata dropMeta = counter(DROPPED, "Events meant for a client and not written to it, by reason");
        for (DropReason reason : DropReason.values()) {
            // Every reason registered up front, so a rate over a reason that never happened reads 0, not absent.
            drops.put(reason, registry.counter(dropMeta, new Tag("reason", reason.label())));
        }
        this.meters = new Meters(
                registry.counter(counter(PUBLISHED, "Events published through this instance (accepted by the broker)")),
                registry.counter(counter(DELIVERED, "Events written to clients of this instance (one per client)")),
                drops,
                registry.timer(Metadata.builder().withName(LATENCY)
                        .withDescription("Publish-to-dispatch time of each event on this instance: from its "
                                + "publish (on any instance, through Redis in cluster mode) to its hand-off to "
                                + "the queues of this instance's subscribers")
                        .build()));
    }

    private static Metadata counter(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }

    /** Created with the application, so uptime counts from start-up. */
    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean creates it
    }

    public void countPublished(int count) {
        published.add(count);
        if (meters != null) {
            meters.published().inc(count);
        }
    }

    public void countDelivered(int count) {
        delivered.add(count);
        if (meters != null) {
            meters.delivered().inc(count);
        }
    }

    public void countDropped(DropReason reason, int count) {
        if (count <= 0) {
            return;
        }
        dropped.add(count);
        if (meters != null) {
            meters.dropped().get(reason).inc(count);
        }
    }

    /** Publish-to-dispatch time of one event on this instance (across instances in cluster mode). */
    public void dispatchLatency(long ms) {
        long clamped = Math.max(0, ms); // clocks of two instances may disagree by a little
        latencyCount.increment();
        latencyTotalMs.add(clamped);
        if (meters != null) {
            meters.latency().update(Duration.ofMillis(clamped));
        }
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
