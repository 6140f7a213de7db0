package io.realtime.gateway.transport;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The server's managed executors, for queue drains and heartbeats. {@code @Resource} because
 * Liberty injects managed executors that way (not with {@code @Inject}).
 */
@ApplicationScoped
public class TransportExecutors {

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    public ManagedExecutorService executor() {
        return executor;
    }

    public ManagedScheduledExecutorService scheduler() {
        return scheduler;
    }
}
