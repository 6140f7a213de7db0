package io.realtime.gateway.observability;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Publishes the gateway's counters on {@code /metrics} (Prometheus text). Gauges read the same
 * LongAdders the stats endpoint reads, so the hot path bumps each counter once.
 */
@ApplicationScoped
public class GatewayMetrics {

    private MetricRegistry registry;
    private ChannelManager core;
    private ConnectionRegistry connections;
    private DeliveryStats delivery;

    protected GatewayMetrics() {
        // for the CDI proxy
    }

    @Inject
    public GatewayMetrics(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
                          ChannelManager core, ConnectionRegistry connections, DeliveryStats delivery) {
        this.registry = registry;
        this.core = core;
        this.connections = connections;
        this.delivery = delivery;
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        for (Transport t : Transport.values()) {
            registry.gauge(Metadata.builder().withName("gateway_connections")
                            .withDescription("Open client connections by transport").build(),
                    connections, c -> c.countByTransport().get(t), new Tag("transport", t.label()));
        }
        gauge("gateway_subscriptions", "Local subscriptions", core, ChannelManager::subscriptionCount);
        gauge("gateway_channels", "Channels with local subscribers", core, ChannelManager::channelCount);
        gauge("gateway_events_published_total", "Events published through this instance", delivery,
                DeliveryStats::published);
        gauge("gateway_events_delivered_total", "Event frames written to clients", delivery,
                DeliveryStats::delivered);
        gauge("gateway_events_dropped_total", "Event frames discarded (slow or gone clients)", delivery,
                DeliveryStats::dropped);
        gauge("gateway_dispatch_latency_mean_ms", "Mean publish-to-dispatch time", delivery,
                DeliveryStats::meanDispatchLatencyMs);
        gauge("gateway_broker_connected", "1 when the broker's shared engine is reachable", core,
                c -> c.broker().status().connected() ? 1 : 0);
        gauge("gateway_broker_subscriber_alive", "1 when the broker's subscriber link answers pings", core,
                c -> c.broker().status().subscriberAlive() ? 1 : 0);
        gauge("gateway_redis_reconnects_total", "Redis subscriber links re-established after a loss", core,
                c -> c.broker().status().reconnects());
        gauge("gateway_events_local_only_total", "Events accepted while Redis was unreachable, delivered here only",
                core, c -> c.broker().status().localOnlyPublishes());
        gauge("gateway_events_refused_total", "Publishes refused while Redis was unreachable", core,
                c -> c.broker().status().refusedPublishes());
    }

    private <T> void gauge(String name, String description, T target, java.util.function.Function<T, Number> fn) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), target, fn);
    }
}
