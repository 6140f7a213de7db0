package io.realtime.gateway.observability;

import io.realtime.gateway.broker.BrokerStatus;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.metrics.GatewayMeters;
import io.realtime.gateway.security.TokenVerifier;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;

/** One reading of the gateway's state, for the stats endpoint, health and metrics alike. */
@ApplicationScoped
public class GatewayStats {

    /** What {@code GET /api/realtime/stats} returns. */
    /** @param auth {@code jwt} when tokens are verified, {@code open} when no key is configured (DESIGN §7) */
    public record Snapshot(Connections connections, int subscriptions, int channels, Events events,
                           BrokerStatus broker, long uptimeSeconds, String auth) {
    }

    public record Connections(int sse, int websocket, int total) {
    }

    public record Events(long published, long delivered, long dropped, double meanDispatchLatencyMs) {
    }

    private ChannelManager core;
    private ConnectionRegistry connections;
    private GatewayMeters meters;
    private volatile long startedAtMs;
    private TokenVerifier tokens;

    protected GatewayStats() {
        // for the CDI proxy
    }

    @Inject
    public GatewayStats(ChannelManager core, ConnectionRegistry connections, GatewayMeters meters,
                        TokenVerifier tokens) {
        this.tokens = tokens;
        this.core = core;
        this.connections = connections;
        this.meters = meters;
    }

    /** Created with the application, so uptime counts from start-up. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        startedAtMs = System.currentTimeMillis();
    }

    public Snapshot snapshot() {
        Map<Transport, Integer> byTransport = connections.countByTransport();
        int sse = byTransport.get(Transport.SSE);
        int ws = byTransport.get(Transport.WEBSOCKET);
        return new Snapshot(new Connections(sse, ws, sse + ws), core.subscriptionCount(), core.channelCount(),
                new Events(meters.published(), meters.delivered(), meters.dropped(),
                        Math.round(meters.meanDispatchLatencyMs() * 100) / 100.0),
                core.broker().status(), startedAtMs == 0 ? 0 : (System.currentTimeMillis() - startedAtMs) / 1000,
                authMode());
    }

    /** {@code jwt} or {@code open}: whether this gateway checks tokens at all. */
    public String authMode() {
        return tokens.enabled() ? "jwt" : "open";
    }
}
