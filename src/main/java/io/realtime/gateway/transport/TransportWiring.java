package io.realtime.gateway.transport;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryThreads;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.metrics.GatewayMeters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Builds the {@link ConnectionContext} both transports hand to their connections: one place for
 * the wiring SSE and WebSocket used to copy field by field.
 */
@ApplicationScoped
public class TransportWiring {

    private ConnectionContext context;

    protected TransportWiring() {
        // for the CDI proxy
    }

    @Inject
    public TransportWiring(ChannelManager core, ConnectionRegistry registry, GatewayMeters meters,
                           TransportExecutors executors, DeliveryThreads threads, GatewayConfig config) {
        this.context = new ConnectionContext(core, registry, meters,
                new DeliverySettings(config.outboundQueueSize(), config.outboundMaxBatch(),
                        config.outboundReplayTimeoutMs()),
                threads.executor(), executors.scheduler());
    }

    public ConnectionContext context() {
        return context;
    }
}
