package io.realtime.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every gateway setting, read once. Defaults live in {@code META-INF/microprofile-config.properties}
 * (and in the README's table); any of them can be overridden by an environment variable.
 */
@ApplicationScoped
public class GatewayConfig {

    private Namespaces namespaces;
    private Map<String, StreamRoute> routes;
    private Duration sseHeartbeat;
    private long sseRetryMs;
    private int sseMaxChannels;
    private Duration wsPing;
    private int wsMaxFrameBytes;
    private int wsMaxSubscriptions;
    private int publishMaxBodyBytes;
    private int publishMaxBatch;
    private int outboundQueueSize;
    private int outboundMaxBatch;
    private long outboundReplayTimeoutMs;
    private Duration shutdownDrain;
    private int connectionsPerAddress;
    private int connectionsPerUser;

    protected GatewayConfig() {
        // for the CDI proxy
    }

    @Inject
    public GatewayConfig(Config config,
                         @ConfigProperty(name = "gateway.sse.heartbeat-seconds") long sseHeartbeatSeconds,
                         @ConfigProperty(name = "gateway.sse.retry-ms") long sseRetryMs,
                         @ConfigProperty(name = "gateway.sse.max-channels") int sseMaxChannels,
                         @ConfigProperty(name = "gateway.ws.ping-seconds") long wsPingSeconds,
                         @ConfigProperty(name = "gateway.ws.max-frame-bytes") int wsMaxFrameBytes,
                         @ConfigProperty(name = "gateway.ws.max-subscriptions") int wsMaxSubscriptions,
                         @ConfigProperty(name = "gateway.publish.max-body-bytes") int publishMaxBodyBytes,
                         @ConfigProperty(name = "gateway.publish.max-batch") int publishMaxBatch,
                         @ConfigProperty(name = "gateway.outbound.queue-size") int outboundQueueSize,
                         @ConfigProperty(name = "gateway.outbound.max-batch") int outboundMaxBatch,
                         @ConfigProperty(name = "gateway.outbound.replay-timeout-ms") long outboundReplayTimeoutMs,
                         @ConfigProperty(name = "gateway.shutdown.drain-ms") long shutdownDrainMs,
                         @ConfigProperty(name = "gateway.limits.connections-per-ip") int connectionsPerAddress,
                         @ConfigProperty(name = "gateway.limits.connections-per-user") int connectionsPerUser) {
        this.routes = StreamRoutes.from(config);
        this.namespaces = Namespaces.from(config, routes.values());
        this.sseHeartbeat = Duration.ofSeconds(sseHeartbeatSeconds);
        this.sseRetryMs = sseRetryMs;
        this.sseMaxChannels = sseMaxChannels;
        this.wsPing = Duration.ofSeconds(wsPingSeconds);
        this.wsMaxFrameBytes = wsMaxFrameBytes;
        this.wsMaxSubscriptions = wsMaxSubscriptions;
        this.publishMaxBodyBytes = publishMaxBodyBytes;
        this.publishMaxBatch = publishMaxBatch;
        this.outboundQueueSize = outboundQueueSize;
        this.outboundMaxBatch = outboundMaxBatch;
        this.outboundReplayTimeoutMs = outboundReplayTimeoutMs;
        this.shutdownDrain = Duration.ofMillis(shutdownDrainMs);
        this.connectionsPerAddress = connectionsPerAddress;
        this.connectionsPerUser = connectionsPerUser;
    }

    /** Open connections (SSE and WebSocket together) allowed from one client address; 0: no limit. */
    public int connectionsPerAddress() {
        return connectionsPerAddress;
    }

    /** Open connections allowed for one token subject; 0: no limit. */
    public int connectionsPerUser() {
        return connectionsPerUser;
    }

    public Namespaces namespaces() {
        return namespaces;
    }

    /** The declared product stream routes ({@code gateway.routes}), by name. */
    public Map<String, StreamRoute> routes() {
        return routes;
    }

    public Duration sseHeartbeat() {
        return sseHeartbeat;
    }

    public long sseRetryMs() {
        return sseRetryMs;
    }

    public int sseMaxChannels() {
        return sseMaxChannels;
    }

    public Duration wsPing() {
        return wsPing;
    }

    public int wsMaxFrameBytes() {
        return wsMaxFrameBytes;
    }

    public int wsMaxSubscriptions() {
        return wsMaxSubscriptions;
    }

    public int publishMaxBodyBytes() {
        return publishMaxBodyBytes;
    }

    public int publishMaxBatch() {
        return publishMaxBatch;
    }

    /** How long a resume waits for a client to read its queue down before it is cut off as slow. */
    public long outboundReplayTimeoutMs() {
        return outboundReplayTimeoutMs;
    }

    public int outboundQueueSize() {
        return outboundQueueSize;
    }

    /** Most frames one write carries (a WebSocket frame of several messages, a run of SSE events). */
    public int outboundMaxBatch() {
        return outboundMaxBatch;
    }

    public Duration shutdownDrain() {
        return shutdownDrain;
    }
}
