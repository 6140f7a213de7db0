package io.realtime.gateway.sse;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.transport.ConnectionRegistry;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.JvmShutdownHook;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.ShuttingDownException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The open SSE streams: opens them (subscribe with resume), sends their heartbeats (which is also
 * how a client that went away is noticed: JAX-RS only finds out on the next write), and ends them
 * with an {@code event: shutdown} when the application stops.
 */
@ApplicationScoped
public class SseStreams {

    private static final Logger LOG = Logger.getLogger(SseStreams.class.getName());

    private ChannelManager core;
    private ConnectionRegistry registry;
    private TransportExecutors executors;
    private GatewayConfig config;
    private DeliveryStats stats;
    private volatile OutboundSseEvent heartbeat;
    private ScheduledFuture<?> heartbeats;
    private JvmShutdownHook shutdownHook;
    /** Set once the goodbye started: new connections are refused from then on. */
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();

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
        long period = config.sseHeartbeat().toMillis();
        heartbeats = executors.scheduler().scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        shutdownHook = new JvmShutdownHook("gateway-sse-shutdown", this::stop);
    }

    /**
     * Opens a stream: the {@code retry:} frame, then each channel with what it missed, then the
     * position frame. {@code since} holds one resume id per channel, or is null.
     */
    void open(List<ChannelName> channels, EventId[] since, SseEventSink sink, Sse sse) {
        if (stopping.get()) {
            throw new ShuttingDownException();
        }
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

    private void beat() {
        long now = System.currentTimeMillis();
        for (GatewayConnection c : registry.of(Transport.SSE)) {
            c.heartbeat(now);
        }
    }

    @PreDestroy
    void destroy() {
        shutdownHook.remove();
        stop();
    }

    /** Says goodbye to every stream; from the JVM's shutdown hook, or when the application stops. */
    synchronized void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        List<GatewayConnection> open = registry.of(Transport.SSE);
        CompletableFuture<?>[] done = open.stream().map(c -> c.shutdown().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(done).get(config.shutdownDrain().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning("Some SSE streams did not drain within " + config.shutdownDrain() + ": closing them");
        }
        for (GatewayConnection c : registry.of(Transport.SSE)) {
            ((SseConnection) c).close("server shutdown");
        }
        if (!open.isEmpty()) {
            LOG.info("Closed " + open.size() + " SSE streams for shutdown");
        }
    }
}
