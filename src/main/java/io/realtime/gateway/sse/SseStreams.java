package io.realtime.gateway.sse;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.config.StreamOptions;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.security.Permissions;
import io.realtime.gateway.transport.ConnectionContext;
import io.realtime.gateway.transport.Heartbeat;
import io.realtime.gateway.transport.TransportWiring;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.ClientConnection;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;

/**
 * The open SSE streams: opens them (subscribe with resume), sends their heartbeats (which is also
 * how a client that went away is noticed: JAX-RS only finds out on the next write). Their
 * {@code event: shutdown} when the server stops is sent by the transports' GracefulShutdown.
 */
@ApplicationScoped
public class SseStreams {

    private ConnectionContext context;
    private ChannelManager core;
    private GatewayConfig config;
    private final SseFrames frames = new SseFrames();
    private Heartbeat heartbeats;
    private Authenticator authenticator;
    private Permissions permissions;

    protected SseStreams() {
        // for the CDI proxy
    }

    @Inject
    public SseStreams(TransportWiring transports, GatewayConfig config, Authenticator authenticator,
                      Permissions permissions) {
        this.context = transports.context();
        this.core = context.core();
        this.config = config;
        this.authenticator = authenticator;
        this.permissions = permissions;
    }

    /** Starts with the application rather than with its first stream. */
    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean runs @PostConstruct
    }

    @PostConstruct
    void start() {
        heartbeats = context.heartbeat(Transport.SSE, config.sseHeartbeat());
    }

    /**
     * Opens a stream: the first comment, then each channel with what it missed, then the position
     * frame. {@code since} holds one resume id per channel, or is null.
     *
     * @throws io.realtime.gateway.transport.ShuttingDownException once the server is stopping
     */
    void open(List<ChannelName> channels, EventId[] since, SseEventSink sink, HttpServletRequest request) {
        open(channels, since, sink, request, StreamOptions.GENERIC, false, null);
    }

    /**
     * Opens the stream of one channel a seed route asks for (DESIGN §5): resumed from the client's
     * {@code Last-Event-ID} when it sent one, else from where {@link StreamOptions#start()} says.
     *
     * A stream that ends ({@link StreamOptions#endOn()}) and has ended before the client's id answers
     * 204 instead, once the caller has been checked ({@link EndedStreams}).
     *
     * @param lastEventId the client's resume id, or null
     * @throws io.realtime.gateway.event.InvalidInputException for a malformed id
     * @throws EndedStreams.Ended when the client has seen the event that ended the stream
     */
    public void open(ChannelName channel, String lastEventId, SseEventSink sink, HttpServletRequest request,
                     HttpServletResponse response, StreamOptions options) {
        EventId since = lastEventId == null || lastEventId.isBlank() ? null : EventId.parse(lastEventId.trim());
        EventId resumed = since;
        Runnable ended = resumed == null || options.endOn().isEmpty() ? null
                : () -> EndedStreams.refuseIfEnded(core, channel, resumed, options.endOn());
        boolean quietReset = false;
        if (since == null && options.start() != StreamOptions.Start.NOW) {
            since = options.start() == StreamOptions.Start.BEGINNING ? EventId.ZERO : justBefore(core.position(channel));
            quietReset = true;
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        open(List.of(channel), since == null ? null : new EventId[] {since}, sink, request, options, quietReset, ended);
    }

    /** The greatest id below {@code id}: resuming from it replays the event {@code id} itself. */
    private static EventId justBefore(EventId id) {
        if (id.seq() > 0) {
            return new EventId(id.ms(), id.seq() - 1);
        }
        return id.ms() > 0 ? new EventId(id.ms() - 1, Long.MAX_VALUE) : null;
    }

    /**
     * The caller may subscribe to every channel (DESIGN §7), or nothing is opened.
     *
     * @param quietReset the resume id is the server's choice, not the client's: a gap is no reset
     * @param admitted   run once the caller may subscribe, before the stream opens (may refuse it), or null
     * @throws io.realtime.gateway.event.InvalidInputException {@code unauthorized}, {@code forbidden},
     *                                                        or {@code limit} (connections)
     */
    private void open(List<ChannelName> channels, EventId[] since, SseEventSink sink, HttpServletRequest request,
                      StreamOptions options, boolean quietReset, Runnable admitted) {
        Caller caller = authenticator.authenticate(request);
        for (ChannelName channel : channels) {
            permissions.check(caller, Permissions.Action.SUBSCRIBE, channel);
        }
        if (admitted != null) {
            admitted.run();
        }
        SseConnection connection = new SseConnection(channels.stream().map(ChannelName::value).toList(),
                since, sink, frames, options.endOn(), quietReset, context, caller, request.getRemoteAddr());
        connection.open();
        connection.endAtExpiry(context.scheduler());
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
