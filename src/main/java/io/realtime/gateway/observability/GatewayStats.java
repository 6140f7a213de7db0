package io.realtime.gateway.observability;

import io.realtime.gateway.broker.BrokerStatus;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/** One reading of the gateway's state, for the stats endpoint, health and metrics alike. */
@ApplicationScoped
public class GatewayStats {

    /** What {@code GET /api/realtime/stats} returns. */
    public record Snapshot(Connections connections, int subscriptions, int channels, Events events,
                           BrokerStatus broker, long uptimeSeconds) {
    }

    public record Connections(int sse, int websocket, int total) {
    }

    public record Events(long published, long delivered, long dropped, double meanDispatchLatencyMs) {
    }

    private ChannelManager core;
    private ConnectionRegistry connections;
    private DeliveryStats delivery;

    protected GatewayStats() {
        // for the CDI proxy
    }

    @Inject
    public GatewayStats(ChannelManager core, ConnectionRegistry connections, DeliveryStats delivery) {
        this.core = core;
        this.connections = connections;
        this.delivery = delivery;
    }

    public Snapshot snapshot() {
        Map<Transport, Integer> byTransport = connections.countByTransport();
        int sse = byTransport.get(Transport.SSE);
        int ws = byTransport.get(Transport.WEBSOCKET);
        return new Snapshot(new Connections(sse, ws, sse + ws), core.subscriptionCount(), core.channelCount(),
                new Events(delivery.published(), delivery.delivered(), delivery.dropped(),
                        Math.round(delivery.meanDispatchLatencyMs() * 100) / 100.0),
                core.broker().status(), (System.currentTimeMillis() - delivery.startedAtMs()) / 1000);
    }
}
