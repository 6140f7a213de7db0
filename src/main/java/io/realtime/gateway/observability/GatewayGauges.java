package io.realtime.gateway.observability;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryThreads;
import io.realtime.gateway.metrics.GatewayGauge;
import io.realtime.gateway.metrics.GatewayMeters;
import io.realtime.gateway.presence.Presence;
import io.realtime.gateway.transport.ClientConnection;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.LongBinaryOperator;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The readings behind the gauges of {@link GatewayGauge} (named and registered in
 * {@link GatewayMeters}): what is true now, read when {@code /metrics} is scraped, from the floors
 * they report on: connections and subscriptions by transport, channels, outbound queue depth, the
 * writers' backlog, the broker's state, presence members per namespace with presence on. Registered
 * when the application starts, which also creates the meters, so every counter is served from then.
 */
@ApplicationScoped
public class GatewayGauges {

    private GatewayMeters meters;
    private ChannelManager core;
    private ConnectionRegistry connections;
    private DeliveryThreads threads;
    private Presence presence;

    protected GatewayGauges() {
        // for the CDI proxy
    }

    @Inject
    public GatewayGauges(GatewayMeters meters, ChannelManager core, ConnectionRegistry connections,
                         DeliveryThreads threads, Presence presence) {
        this.meters = meters;
        this.core = core;
        this.connections = connections;
        this.threads = threads;
        this.presence = presence;
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        for (Transport t : Transport.values()) {
            Tag transport = new Tag("transport", t.label());
            meters.gauge(GatewayGauge.CONNECTIONS, () -> connections.countByTransport().get(t), transport);
            meters.gauge(GatewayGauge.SUBSCRIPTIONS, () -> subscriptionsOf(t), transport);
        }
        meters.gauge(GatewayGauge.CHANNELS, core::channelCount);
        meters.gauge(GatewayGauge.OUTBOUND_QUEUED, () -> queued(Long::sum));
        meters.gauge(GatewayGauge.OUTBOUND_QUEUED_MAX, () -> queued(Math::max));
        meters.gauge(GatewayGauge.DELIVERY_BACKLOG, threads::backlog);
        meters.gauge(GatewayGauge.BROKER_CONNECTED, () -> core.broker().status().connected() ? 1 : 0);
        meters.gauge(GatewayGauge.BROKER_SUBSCRIBER_ALIVE, () -> core.broker().status().subscriberAlive() ? 1 : 0);
        meters.gauge(GatewayGauge.BROKER_DEGRADED, () -> core.broker().status().degraded() ? 1 : 0);
        meters.gauge(GatewayGauge.BROKER_SUBSCRIBED_CHANNELS, () -> core.broker().status().subscribedChannels());
        for (String ns : presence.settings().namespaces()) {
            meters.gauge(GatewayGauge.PRESENCE_MEMBERS, () -> presence.localMembersByNamespace().getOrDefault(ns, 0),
                    new Tag("namespace", ns));
        }
    }

    private long subscriptionsOf(Transport transport) {
        long n = 0;
        for (GatewayConnection c : connections.of(transport)) {
            if (c instanceof ClientConnection<?> client) {
                n += client.subscriptionCount();
            }
        }
        return n;
    }

    private long queued(LongBinaryOperator combine) {
        long result = 0;
        for (GatewayConnection c : connections.all()) {
            if (c instanceof ClientConnection<?> client) {
                result = combine.applyAsLong(result, client.queued());
            }
        }
        return result;
    }
}
