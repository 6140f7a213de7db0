package io.realtime.gateway.observability;

import io.realtime.gateway.broker.BrokerStatus;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryThreads;
import io.realtime.gateway.transport.ClientConnection;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.TransportExecutors;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * What {@code /metrics} serves beyond the event counters of
 * {@link io.realtime.gateway.channel.DeliveryStats}: gauges for what is true now (connections and
 * subscriptions by transport, channels, outbound queue depth, the writers' backlog, the broker's
 * state), read when scraped, and Counters for the broker's cumulative totals.
 *
 * <p>The broker keeps its totals (reconnects, local-only and refused publishes) itself and reports
 * them in its status; MicroProfile Metrics 5 has no counter that reads a number kept elsewhere, so
 * they are carried into Counters by their increase, once a second. A scrape may lag the broker by
 * that second; a counter never goes down, so Prometheus's {@code rate()} and {@code increase()}
 * work on them, which they would not on a gauge.
 */
@ApplicationScoped
public class GatewayMetrics {

    private static final Logger LOG = Logger.getLogger(GatewayMetrics.class.getName());
    /** How often the broker's totals are carried into their Counters. */
    static final long BROKER_SYNC_MS = 1_000;

    private MetricRegistry registry;
    private ChannelManager core;
    private ConnectionRegistry connections;
    private DeliveryThreads threads;
    private TransportExecutors executors;
    private ScheduledFuture<?> sync;
    private Counter reconnects;
    private Counter localOnly;
    private Counter refused;
    private long reconnectsSeen;
    private long localOnlySeen;
    private long refusedSeen;

    protected GatewayMetrics() {
        // for the CDI proxy
    }

    @Inject
    public GatewayMetrics(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
                          ChannelManager core, ConnectionRegistry connections, DeliveryThreads threads,
                          TransportExecutors executors) {
        this.registry = registry;
        this.core = core;
        this.connections = connections;
        this.threads = threads;
        this.executors = executors;
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Metadata open = gauge("gateway.connections", "Open client connections, by transport");
        Metadata subscriptions = gauge("gateway.subscriptions", "Channel subscriptions of open connections, by transport");
        for (Transport t : Transport.values()) {
            Tag transport = new Tag("transport", t.label());
            registry.gauge(open, connections, c -> c.countByTransport().get(t), transport);
            registry.gauge(subscriptions, connections, c -> subscriptionsOf(c, t), transport);
        }
        registry.gauge(gauge("gateway.channels", "Channels with at least one subscriber on this instance"),
                core, ChannelManager::channelCount);
        registry.gauge(gauge("gateway.outbound.queued", "Frames waiting in the outbound queues of all connections"),
                connections, c -> queued(c, Long::sum));
        registry.gauge(gauge("gateway.outbound.queued.max",
                        "Frames waiting in the deepest outbound queue (a client near gateway.outbound.queue-size is about to be cut off)"),
                connections, c -> queued(c, Math::max));
        registry.gauge(gauge("gateway.delivery.backlog",
                        "Queue drains waiting for a writer thread: growing means the writers cannot keep up"),
                threads, DeliveryThreads::backlog);
        registry.gauge(gauge("gateway.broker.connected", "1 when the broker's shared engine (Redis) answers; always 1 in local mode"),
                core, c -> c.broker().status().connected() ? 1 : 0);
        registry.gauge(gauge("gateway.broker.subscriber.alive", "1 when every Redis subscriber link answered its last ping; always 1 in local mode"),
                core, c -> c.broker().status().subscriberAlive() ? 1 : 0);
        registry.gauge(gauge("gateway.broker.degraded", "1 while cluster mode delivers to this instance's clients only"),
                core, c -> c.broker().status().degraded() ? 1 : 0);
        registry.gauge(gauge("gateway.broker.subscribed.channels", "Channels this instance holds in Redis pub/sub"),
                core, c -> c.broker().status().subscribedChannels());
        reconnects = registry.counter(counter("gateway.redis.reconnects", "Redis subscriber links re-established after a loss"));
        localOnly = registry.counter(counter("gateway.events.local.only",
                "Events accepted while Redis was unreachable and delivered to this instance's clients only"));
        refused = registry.counter(counter("gateway.events.refused",
                "Events refused (503) because Redis was unreachable and the fallback was refuse"));
        syncBrokerTotals();
        sync = executors.scheduler().scheduleWithFixedDelay(this::syncBrokerTotals, BROKER_SYNC_MS, BROKER_SYNC_MS,
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sync != null) {
            sync.cancel(false);
        }
    }

    /** Carries the broker's totals into the Counters by their increase since the last time. */
    synchronized void syncBrokerTotals() {
        try {
            BrokerStatus status = core.broker().status();
            reconnectsSeen = carry(reconnects, reconnectsSeen, status.reconnects());
            localOnlySeen = carry(localOnly, localOnlySeen, status.localOnlyPublishes());
            refusedSeen = carry(refused, refusedSeen, status.refusedPublishes());
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again.
            LOG.log(Level.FINE, "reading the broker's status failed", e);
        }
    }

    private static long carry(Counter counter, long seen, long now) {
        if (now > seen) {
            counter.inc(now - seen);
        }
        return Math.max(seen, now);
    }

    private static long subscriptionsOf(ConnectionRegistry registry, Transport transport) {
        long n = 0;
        for (GatewayConnection c : registry.of(transport)) {
            if (c instanceof ClientConnection<?> client) {
                n += client.subscriptionCount();
            }
        }
        return n;
    }

    private static long queued(ConnectionRegistry registry, java.util.function.LongBinaryOperator combine) {
        long result = 0;
        for (GatewayConnection c : registry.all()) {
            if (c instanceof ClientConnection<?> client) {
                result = combine.applyAsLong(result, client.queued());
            }
        }
        return result;
    }

    private static Metadata gauge(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }

    private static Metadata counter(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }
}
