package io.realtime.gateway.transport;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.metrics.GatewayMeters;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every connection is wired to, whatever its transport: the channel core it subscribes
 * through, the registry that counts it, the meters it counts on, its queue's bounds, the writers
 * that drain it and the scheduler that ends it when its token does. Built once
 * ({@link TransportWiring}) and shared, so a transport's connection takes one argument for all of
 * it instead of copying the list.
 */
public record ConnectionContext(ChannelManager core, ConnectionRegistry registry, GatewayMeters meters,
                                DeliverySettings settings, Executor writers, ScheduledExecutorService scheduler) {

    /** The keep-alive of one transport's connections, on this context's scheduler. */
    public Heartbeat heartbeat(Transport transport, Duration period) {
        return new Heartbeat(scheduler, registry, transport, period);
    }
}
