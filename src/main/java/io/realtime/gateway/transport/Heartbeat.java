package io.realtime.gateway.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The periodic keep-alive of one transport's connections (SSE comment, WebSocket ping). It is also
 * how a client that went away is found: a transport only learns that on its next write.
 */
public final class Heartbeat implements AutoCloseable {

    private final ScheduledFuture<?> task;

    public Heartbeat(ScheduledExecutorService scheduler, ConnectionRegistry registry, Transport transport,
                     Duration period) {
        long ms = period.toMillis();
        this.task = scheduler.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            for (GatewayConnection c : registry.of(transport)) {
                c.heartbeat(now);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
