package io.realtime.gateway.websocket;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.Heartbeat;
import io.realtime.gateway.transport.ShuttingDownException;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.TransportExecutors;
import io.realtime.gateway.channel.DeliveryThreads;
import io.realtime.gateway.transport.DeliverySettings;
import io.realtime.gateway.transport.Rejections;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;

/**
 * The open WebSocket connections: creates them for the endpoint and pings them. Their close with
 * 1001 when the server stops (after what was queued for them is sent) is GracefulShutdown's.
 */
@ApplicationScoped
public class WebSocketSessions {

    static final String CONNECTION = WebSocketConnection.class.getName();

    private ChannelManager core;
    private ConnectionRegistry registry;
    private TransportExecutors executors;
    private DeliveryThreads threads;
    private GatewayConfig config;
    private DeliveryStats stats;
    private Rejections rejections;
    private DeliverySettings delivery;
    private final WebSocketFrames frames = new WebSocketFrames();
    private Heartbeat pings;

    protected WebSocketSessions() {
        // for the CDI proxy
    }

    @Inject
    public WebSocketSessions(ChannelManager core, ConnectionRegistry registry, TransportExecutors executors,
                             DeliveryThreads threads, GatewayConfig config, DeliveryStats stats,
                             Rejections rejections) {
        this.rejections = rejections;
        this.core = core;
        this.registry = registry;
        this.executors = executors;
        this.threads = threads;
        this.config = config;
        this.stats = stats;
        this.delivery = new DeliverySettings(config.outboundQueueSize(), config.outboundMaxBatch(),
                config.outboundReplayTimeoutMs());
    }

    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // starts the ping schedule with the application
    }

    @PostConstruct
    void start() {
        pings = new Heartbeat(executors.scheduler(), registry, Transport.WEBSOCKET, config.wsPing());
    }

    void opened(Session session) {
        session.setMaxTextMessageBufferSize(config.wsMaxFrameBytes());
        session.setMaxBinaryMessageBufferSize(config.wsMaxFrameBytes());
        WebSocketConnection connection = new WebSocketConnection(session, frames, core, registry, stats, delivery,
                threads.executor(), config.wsPing().toMillis(), config.wsMaxSubscriptions(), config.wsMaxFrameBytes(),
                rejections);
        try {
            connection.open();
        } catch (ShuttingDownException e) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutdown"));
            } catch (IOException closeFailed) {
                // the client is gone already
            }
            return;
        }
        session.getUserProperties().put(CONNECTION, connection);
    }

    WebSocketConnection connection(Session session) {
        return (WebSocketConnection) session.getUserProperties().get(CONNECTION);
    }

    /** The goodbye itself (close 1001) is {@link io.realtime.gateway.transport.GracefulShutdown}'s. */
    @PreDestroy
    void stop() {
        if (pings != null) {
            pings.close();
        }
    }
}
