package io.realtime.gateway.transport;

import java.util.logging.Level;
import java.util.logging.Logger;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The periodic keep-alive of one transport's connections (SSE comment, WebSocket ping). It is also
 * how a client that went away is found: a transport only learns that on its next write.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    private final ScheduledFuture<?> task;

    public Heartbeat(ScheduledExecutorService scheduler, ConnectionRegistry registry, Transport transport,
                     Duration period) {
        long ms = period.toMillis();
        this.task = scheduler.scheduleAtFixedRate(() -> beat(registry, transport), ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * One round. A connection whose heartbeat throws is closed and the round goes on: an exception
     * escaping a periodic task would cancel it for good, and with it the keep-alive and the reaping
     * of every connection of the transport.
     */
    private static void beat(ConnectionRegistry registry, Transport transport) {
        long now = System.currentTimeMillis();
        for (GatewayConnection c : registry.of(transport)) {
            try {
                c.heartbeat(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "heartbeat of a " + transport + " connection failed; closing it", e);
                try {
                    c.closeForFailure(String.valueOf(e));
                } catch (RuntimeException again) {
                    LOG.log(Level.WARNING, "closing it failed too", again);
                }
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
