package io.realtime.gateway.transport;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The server's managed scheduler, for heartbeats (writes run on {@link io.realtime.gateway.channel.DeliveryThreads}). {@code @Resource} because
 * Liberty injects managed executors that way (not with {@code @Inject}).
 */
@ApplicationScoped
public class TransportExecutors {

    @Resource
    ManagedScheduledExecutorService scheduler;

    public ManagedScheduledExecutorService scheduler() {
        return scheduler;
    }
}
