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
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Event counters for stats and metrics, bumped once per event where the event is published,
 * dispatched, delivered or dropped. Each event is counted once: when the application runs, in a
 * MicroProfile Metrics Counter or Timer (what {@code /metrics} serves), which the stats endpoint
 * reads back; made by hand (unit tests), in a LongAdder. MicroProfile Metrics 5 cannot register a
 * counter that reads a number kept elsewhere, so the meters are the numbers.
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

    private final Count published;
    private final Count delivered;
    private final Map<DropReason, Count> dropped = new EnumMap<>(DropReason.class);
    private final Latency latency;
    private final long startedAtMs = System.currentTimeMillis();

    /** One number, kept in one place: a meter's, or (made by hand) an adder's. */
    private record Count(LongConsumer add, LongSupplier sum) {
        static Count of(Counter counter) {
            return new Count(counter::inc, counter::getCount);
        }

        static Count local() {
            LongAdder adder = new LongAdder();
            return new Count(adder::add, adder::sum);
        }
    }

    /** Publish-to-dispatch times, kept in one place: recorded in ms, read as their mean. */
    private record Latency(LongConsumer record, DoubleSupplier meanMs) {
        static Latency of(Timer timer) {
            return new Latency(ms -> timer.update(Duration.ofMillis(ms)), () -> {
                long n = timer.getCount();
                return n == 0 ? 0 : timer.getElapsedTime().toNanos() / 1e6 / n;
            });
        }

        static Latency local() {
            LongAdder count = new LongAdder();
            LongAdder totalMs = new LongAdder();
            return new Latency(ms -> {
                count.increment();
                totalMs.add(ms);
            }, () -> {
                long n = count.sum();
                return n == 0 ? 0 : (double) totalMs.sum() / n;
            });
        }
    }

    /** Counts for the stats endpoint only, exported nowhere: for tests that build the core by hand. */
    public DeliveryStats() {
        this.published = Count.local();
        this.delivered = Count.local();
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Count.local());
        }
        this.latency = Latency.local();
    }

    @Inject
    public DeliveryStats(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        Metadata dropMeta = counter(DROPPED, "Events meant for a client and not written to it, by reason");
        for (DropReason reason : DropReason.values()) {
            // Every reason registered up front, so a rate over a reason that never happened reads 0, not absent.
            dropped.put(reason, Count.of(registry.counter(dropMeta, new Tag("reason", reason.label()))));
        }
        this.published = Count.of(registry.counter(counter(PUBLISHED,
                "Events published through this instance (accepted by the broker)")));
        this.delivered = Count.of(registry.counter(counter(DELIVERED,
                "Events written to clients of this instance (one per client)")));
        this.latency = Latency.of(registry.timer(Metadata.builder().withName(LATENCY)
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
        published.add().accept(count);
    }

    public void countDelivered(int count) {
        delivered.add().accept(count);
    }

    public void countDropped(DropReason reason, int count) {
        if (count > 0) {
            dropped.get(reason).add().accept(count);
        }
    }

    /** Publish-to-dispatch time of one event on this instance (across instances in cluster mode). */
    public void dispatchLatency(long ms) {
        latency.record().accept(Math.max(0, ms)); // clocks of two instances may disagree by a little
    }

    public long published() {
        return published.sum().getAsLong();
    }

    public long delivered() {
        return delivered.sum().getAsLong();
    }

    public long dropped() {
        long n = 0;
        for (Count c : dropped.values()) {
            n += c.sum().getAsLong();
        }
        return n;
    }

    public double meanDispatchLatencyMs() {
        return latency.meanMs().getAsDouble();
    }

    public long startedAtMs() {
        return startedAtMs;
    }
}
