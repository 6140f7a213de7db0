package io.realtime.gateway.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Every meter the gateway exports, in one place: the counters and the timer with their names and help
 * texts, counted once, where the thing happens (an event published, delivered or dropped, a client
 * refused, a Redis link re-established, a member joining), and the gauges of {@link GatewayGauge},
 * registered here with the readings a higher floor supplies. The places that count say what happened
 * and never how a metric is spelled. On the ground floor: it imports nothing of ours, so any floor may
 * count.
 *
 * <p>Each number is kept once: when the application runs, in its MicroProfile Counter or Timer (what
 * {@code /metrics} serves), which the stats endpoint and the broker's status read back; built by hand
 * (unit tests, benchmarks), in an adder, exported nowhere. MicroProfile Metrics 5 cannot register a
 * counter that reads a number kept elsewhere, so the meters are the numbers.
 */
@ApplicationScoped
public class GatewayMeters {

    /** The metric names, also read by the tests, the dashboard and the README. */
    public static final String PUBLISHED = "gateway.events.published";
    public static final String DELIVERED = "gateway.events.delivered";
    public static final String DROPPED = "gateway.events.dropped";
    public static final String LATENCY = "gateway.delivery.latency";
    public static final String LOCAL_ONLY = "gateway.events.local.only";
    public static final String REFUSED = "gateway.events.refused";
    public static final String REDIS_RECONNECTS = "gateway.redis.reconnects";
    public static final String REJECTIONS = "gateway.rejections";
    public static final String LIMITS_REACHED = "gateway.limits.reached";
    public static final String WEBSOCKET_CLOSES = "gateway.websocket.closes";
    public static final String PRESENCE_JOINS = "gateway.presence.joins";
    public static final String PRESENCE_LEAVES = "gateway.presence.leaves";

    private static final Metadata REJECTIONS_META = counter(REJECTIONS,
            "Client requests or messages refused with an error code, by transport and code");
    private static final Metadata LIMITS_META = counter(LIMITS_REACHED,
            "Clients refused or closed for going past a configured limit, by limit");
    private static final Metadata CLOSES_META = counter(WEBSOCKET_CLOSES,
            "WebSocket connections closed, by close code");

    /** One number, kept in one place: a registered Counter's, or (built by hand) an adder's. */
    private record Tally(LongConsumer add, LongSupplier sum) {
        static Tally of(Counter counter) {
            return new Tally(counter::inc, counter::getCount);
        }

        static Tally local() {
            LongAdder adder = new LongAdder();
            return new Tally(adder::add, adder::sum);
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

    /** Null when built by hand: then {@link #byHand} keeps every number. */
    private final MetricRegistry registry;
    private final Map<String, Tally> byHand = new ConcurrentHashMap<>();
    private final Tally published;
    private final Tally delivered;
    private final Map<DropReason, Tally> dropped = new EnumMap<>(DropReason.class);
    private final Latency latency;
    private final Tally localOnly;
    private final Tally refused;
    private final Tally reconnects;
    private final Tally joins;
    private final Tally leaves;

    /** Numbers kept here and exported nowhere: for tests and benchmarks that build parts by hand. */
    public GatewayMeters() {
        this(null);
    }

    @Inject
    public GatewayMeters(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        this.registry = registry;
        Metadata dropMeta = counter(DROPPED, "Events meant for a client and not written to it, by reason");
        for (DropReason reason : DropReason.values()) {
            // Every reason registered up front, so a rate over a reason that never happened reads 0, not absent.
            dropped.put(reason, tally(dropMeta, new Tag("reason", reason.label())));
        }
        published = tally(counter(PUBLISHED, "Events published through this instance (accepted by the broker)"));
        delivered = tally(counter(DELIVERED, "Events written to clients of this instance (one per client)"));
        latency = registry == null ? Latency.local() : Latency.of(registry.timer(Metadata.builder().withName(LATENCY)
                .withDescription("Publish-to-dispatch time of each event on this instance: from its "
                        + "publish (on any instance, through Redis in cluster mode) to its hand-off to "
                        + "the queues of this instance's subscribers")
                .build()));
        localOnly = tally(counter(LOCAL_ONLY,
                "Events accepted while Redis was unreachable and delivered to this instance's clients only"));
        refused = tally(counter(REFUSED, "Events refused (503) because Redis was unreachable and the fallback was refuse"));
        reconnects = tally(counter(REDIS_RECONNECTS, "Redis subscriber links re-established after a loss"));
        joins = tally(counter(PRESENCE_JOINS, "Presence joins made on this instance"));
        leaves = tally(counter(PRESENCE_LEAVES, "Presence leaves made on this instance"));
    }

    // --- events (the channel core and the transports) ---

    public void published(int count) {
        published.add().accept(count);
    }

    public void delivered(int count) {
        delivered.add().accept(count);
    }

    public void dropped(DropReason reason, int count) {
        if (count > 0) {
            dropped.get(reason).add().accept(count);
        }
    }

    /** Publish-to-dispatch time of one event on this instance (across instances in cluster mode). */
    public void dispatchLatency(long ms) {
        latency.record().accept(Math.max(0, ms)); // clocks of two instances may disagree by a little
    }

    // --- the broker ---

    /** Events accepted while Redis was unreachable, delivered to this instance's clients only. */
    public void publishedLocalOnly(int count) {
        localOnly.add().accept(count);
    }

    /** Events refused because Redis was unreachable and the fallback was refuse. */
    public void publishRefused(int count) {
        refused.add().accept(count);
    }

    /** A Redis subscriber link re-established after a loss. */
    public void redisReconnected() {
        reconnects.add().accept(1);
    }

    // --- presence ---

    public void presenceJoined() {
        joins.add().accept(1);
    }

    public void presenceLeft() {
        leaves.add().accept(1);
    }

    // --- clients refused and closed ---

    /** {@code gateway_rejections_total{transport,code}}: a client refused with this error code. */
    public void rejected(String transport, String code) {
        tally(REJECTIONS_META, new Tag("transport", transport), new Tag("code", code)).add().accept(1);
    }

    /** {@code gateway_limits_reached_total{limit}}: a client went past this limit. */
    public void limitReached(String limit) {
        tally(LIMITS_META, new Tag("limit", limit)).add().accept(1);
    }

    /** {@code gateway_websocket_closes_total{code}}: a WebSocket closed, under its close code's label. */
    public void websocketClosed(String codeLabel) {
        tally(CLOSES_META, new Tag("code", codeLabel)).add().accept(1);
    }

    // --- gauges ---

    /** Registers a gauge whose reading a higher floor supplies, read when scraped. */
    public void gauge(GatewayGauge gauge, Supplier<? extends Number> reading, Tag... tags) {
        if (registry != null) {
            registry.gauge(Metadata.builder().withName(gauge.metricName()).withDescription(gauge.description())
                    .withUnit(MetricUnits.NONE).build(), reading::get, tags);
        }
    }

    // --- read back, for the stats endpoint, health and the broker's status ---

    public long published() {
        return published.sum().getAsLong();
    }

    public long delivered() {
        return delivered.sum().getAsLong();
    }

    public long dropped() {
        long n = 0;
        for (Tally t : dropped.values()) {
            n += t.sum().getAsLong();
        }
        return n;
    }

    public double meanDispatchLatencyMs() {
        return latency.meanMs().getAsDouble();
    }

    public long localOnlyPublishes() {
        return localOnly.sum().getAsLong();
    }

    public long refusedPublishes() {
        return refused.sum().getAsLong();
    }

    public long redisReconnects() {
        return reconnects.sum().getAsLong();
    }

    public long presenceJoins() {
        return joins.sum().getAsLong();
    }

    public long presenceLeaves() {
        return leaves.sum().getAsLong();
    }

    private Tally tally(Metadata metadata, Tag... tags) {
        if (registry != null) {
            return Tally.of(registry.counter(metadata, tags));
        }
        StringBuilder key = new StringBuilder(metadata.getName());
        for (Tag tag : tags) {
            key.append(',').append(tag.getTagName()).append('=').append(tag.getTagValue());
        }
        return byHand.computeIfAbsent(key.toString(), k -> Tally.local());
    }

    private static Metadata counter(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }
}
