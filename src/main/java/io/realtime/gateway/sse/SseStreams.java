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
import io.realtime.gateway.transport.ClientConnection;
import io.realtime.gateway.channel.DeliveryThreads;
import io.realtime.gateway.transport.DeliverySettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
    private DeliveryThreads threads;
    private GatewayConfig config;
    private DeliveryStats stats;
    private final SseFrames frames = new SseFrames();
    private DeliverySettings delivery;
    private Heartbeat heartbeats;

    protected SseStreams() {
        // for the CDI proxy
    }

    @Inject
    public SseStreams(ChannelManager core, ConnectionRegistry registry, TransportExecutors executors,
                      DeliveryThreads threads, GatewayConfig config, DeliveryStats stats) {
        this.core = core;
        this.registry = registry;
        this.executors = executors;
        this.threads = threads;
        this.config = config;
        this.stats = stats;
        this.delivery = new DeliverySettings(config.outboundQueueSize(), config.outboundMaxBatch(),
                config.outboundReplayTimeoutMs());
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
     * Opens a stream: the first comment, then each channel with what it missed, then the position
     * frame. {@code since} holds one resume id per channel, or is null.
     *
     * @throws io.realtime.gateway.transport.ShuttingDownException once the server is stopping
     */
    void open(List<ChannelName> channels, EventId[] since, SseEventSink sink) {
        SseConnection connection = new SseConnection(channels.stream().map(ChannelName::value).toList(),
                since, sink, frames, core, registry, stats, delivery, threads.executor());
        connection.open();
        try {
            for (int i = 0; i < channels.size(); i++) {
                connection.subscribe(channels.get(i), since == null ? null : since[i]);
            }
        } catch (RuntimeException e) {
            connection.close(ClientConnection.CloseCause.SUBSCRIBE_FAILED, e.getMessage());
            throw e;
        }
        connection.announcePosition(config.sseRetryMs());
    }

    /** The goodbye itself ({@code event: shutdown}) is {@link io.realtime.gateway.transport.GracefulShutdown}'s. */
    @PreDestroy
    void stop() {
        if (heartbeats != null) {
            heartbeats.close();
        }
    }
}
