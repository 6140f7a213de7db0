package io.realtime.gateway.sse;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.Heartbeat;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.TransportExecutors;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;

/**
 * The open SSE streams: opens them (subscribe with resume), sends their heartbeats (which is also
 * how a client that went away is noticed: JAX-RS only finds out on the next write). Their
 * {@code event: shutdown} when the server stops is sent by the transports' GracefulShutdown.
 */
@ApplicationScoped
public class SseStreams {

    private ChannelManager core;
    private ConnectionRegistry registry;
    private TransportExecutors executors;
    private GatewayConfig config;
    private DeliveryStats stats;
    private volatile OutboundSseEvent heartbeat;
    private Heartbeat heartbeats;

    protected SseStreams() {
        // for the CDI proxy
    }

    @Inject
    public SseStreams(ChannelManager core, ConnectionRegistry registry, TransportExecutors executors,
                      GatewayConfig config, DeliveryStats stats) {
        this.core = core;
        this.registry = registry;
        this.executors = executors;
        this.config = config;
        this.stats = stats;
    }

    /** Starts with the application rather than with its first stream. */
    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean runs @PostConstruct
    }

    @PostConstruct
    void start() {
        heartbeats = new Heartbeat(executors.scheduler(), registry, Transport.SSE, config.sseHeartbeat());
    }

    /**
     * Opens a stream: the {@code retry:} frame, then each channel with what it missed, then the
     * position frame. {@code since} holds one resume id per channel, or is null.
     */
    void open(List<ChannelName> channels, EventId[] since, SseEventSink sink, Sse sse) {
        if (heartbeat == null) {
            heartbeat = sse.newEventBuilder().comment("ping").build();
        }
        SseConnection connection = new SseConnection(channels.stream().map(ChannelName::value).toList(),
                since, sink, sse, config.outboundQueueSize(), executors.executor(), core, this, stats);
        registry.add(connection);
        connection.open();
        try {
            for (int i = 0; i < channels.size(); i++) {
                core.subscribe(connection, channels.get(i), since == null ? null : since[i]);
            }
        } catch (RuntimeException e) {
            connection.close("subscribe failed: " + e.getMessage());
            throw e;
        }
        connection.announcePosition(config.sseRetryMs());
    }

    OutboundSseEvent heartbeatFrame() {
        return heartbeat;
    }

    void forget(SseConnection connection) {
        registry.remove(connection);
    }

    /** The goodbye itself ({@code event: shutdown}) is {@link io.realtime.gateway.transport.GracefulShutdown}'s. */
    @PreDestroy
    void stop() {
        if (heartbeats != null) {
            heartbeats.close();
        }
    }
}
