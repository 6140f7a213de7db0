package io.realtime.gateway.websocket;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.JvmShutdownHook;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.TransportExecutors;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The open WebSocket connections: creates them for the endpoint, pings them, and closes them with
 * 1001 when the application stops (after what was queued for them is sent).
 */
@ApplicationScoped
public class WebSocketSessions {

    static final String CONNECTION = WebSocketConnection.class.getName();
    private static final Logger LOG = Logger.getLogger(WebSocketSessions.class.getName());

    private ChannelManager core;
    private ConnectionRegistry registry;
    private TransportExecutors executors;
    private GatewayConfig config;
    private DeliveryStats stats;
    private ScheduledFuture<?> pings;
    private JvmShutdownHook shutdownHook;
    /** Set once the goodbye started: new connections are refused from then on. */
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();

    protected WebSocketSessions() {
        // for the CDI proxy
    }

    @Inject
    public WebSocketSessions(ChannelManager core, ConnectionRegistry registry, TransportExecutors executors,
                             GatewayConfig config, DeliveryStats stats) {
        this.core = core;
        this.registry = registry;
        this.executors = executors;
        this.config = config;
        this.stats = stats;
    }

    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // starts the ping schedule with the application
    }

    @PostConstruct
    void start() {
        long period = config.wsPing().toMillis();
        pings = executors.scheduler().scheduleAtFixedRate(this::ping, period, period, TimeUnit.MILLISECONDS);
        shutdownHook = new JvmShutdownHook("gateway-websocket-shutdown", this::stop);
    }

    void opened(Session session) {
        if (stopping.get()) {
            try {
                session.close(new jakarta.websocket.CloseReason(
                        jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY, "server shutdown"));
            } catch (java.io.IOException e) {
                LOG.fine("closing a session during shutdown failed: " + e);
            }
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(session, core, this, stats,
                config.outboundQueueSize(), config.wsMaxSubscriptions(), config.wsMaxFrameBytes(),
                executors.executor());
        session.getUserProperties().put(CONNECTION, connection);
        registry.add(connection);
    }

    WebSocketConnection connection(Session session) {
        return (WebSocketConnection) session.getUserProperties().get(CONNECTION);
    }

    long pingIntervalMs() {
        return config.wsPing().toMillis();
    }

    void forget(WebSocketConnection connection) {
        registry.remove(connection);
    }

    private void ping() {
        long now = System.currentTimeMillis();
        for (GatewayConnection c : registry.of(Transport.WEBSOCKET)) {
            c.heartbeat(now);
        }
    }

    @PreDestroy
    void destroy() {
        shutdownHook.remove();
        stop();
    }

    /** Closes every session with 1001; from the JVM's shutdown hook, or when the application stops. */
    synchronized void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (pings != null) {
            pings.cancel(false);
        }
        List<GatewayConnection> open = registry.of(Transport.WEBSOCKET);
        CompletableFuture<?>[] done = open.stream().map(c -> c.shutdown().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(done).get(config.shutdownDrain().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning("Some WebSocket sessions did not drain within " + config.shutdownDrain() + ": closing them");
        }
        for (GatewayConnection c : registry.of(Transport.WEBSOCKET)) {
            ((WebSocketConnection) c).close(jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY, "server shutdown");
        }
        if (!open.isEmpty()) {
            LOG.info("Closed " + open.size() + " WebSocket sessions for shutdown");
        }
    }
}
