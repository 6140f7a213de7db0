package io.realtime.gateway.websocket;

import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.transport.ConnectionContext;
import io.realtime.gateway.transport.Heartbeat;
import io.realtime.gateway.transport.TransportWiring;
import io.realtime.gateway.transport.ShuttingDownException;
import io.realtime.gateway.transport.Transport;
import io.realtime.gateway.transport.Rejections;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
import io.realtime.gateway.presence.Presence;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.security.Credentials;
import io.realtime.gateway.security.Permissions;
import io.realtime.gateway.security.PublishRate;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import io.realtime.gateway.transport.ClientConnection;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The open WebSocket connections: creates them for the endpoint and pings them. Their close with
 * 1001 when the server stops (after what was queued for them is sent) is GracefulShutdown's.
 */
@ApplicationScoped
public class WebSocketSessions {

    static final String CONNECTION = WebSocketConnection.class.getName();

    private ConnectionContext context;
    private WebSocketWiring wiring;
    private GatewayConfig config;
    private Rejections rejections;
    private Heartbeat pings;
    private Authenticator authenticator;
    private long authTimeoutMs;

    protected WebSocketSessions() {
        // for the CDI proxy
    }

    @Inject
    public WebSocketSessions(TransportWiring transports, GatewayConfig config, Rejections rejections,
                             Authenticator authenticator, Permissions permissions, PublishRate publishRate,
                             Presence presence,
                             @ConfigProperty(name = "gateway.ws.auth-timeout-seconds") long authTimeoutSeconds) {
        this.context = transports.context();
        this.config = config;
        this.authTimeoutMs = authTimeoutSeconds * 1000;
        this.rejections = rejections;
        this.authenticator = authenticator;
        this.wiring = new WebSocketWiring(new WebSocketFrames(),
                new ConnectionGuards(authenticator, permissions, publishRate, rejections, context.scheduler(),
                        presence),
                config.wsPing().toMillis(), config.wsMaxSubscriptions(), config.wsMaxFrameBytes());
    }

    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // starts the ping schedule with the application
    }

    @PostConstruct
    void start() {
        pings = context.heartbeat(Transport.WEBSOCKET, config.wsPing());
    }

    /**
     * A handshake's token (header, cookie or, where enabled, query) is verified now: a bad one closes
     * with 1008 before anything else happens (DESIGN §7); none leaves the connection anonymous until an
     * {@code auth} op. Past a connection limit it closes with 1013 (try again later).
     */
    void opened(Session session) {
        session.setMaxTextMessageBufferSize(config.wsMaxFrameBytes());
        session.setMaxBinaryMessageBufferSize(config.wsMaxFrameBytes());
        Credentials credentials = session.getUserProperties().get(HandshakeCredentials.KEY) instanceof Credentials c
                ? c : new Credentials(null, null, null, null);
        String client = "session " + session.getId() + (credentials.address() == null ? "" : " from " + credentials.address());
        Caller caller;
        try {
            caller = authenticator.authenticate(credentials);
        } catch (InvalidInputException e) {
            rejections.refused("websocket", e.code().wire(), client, e.getMessage());
            close(session, CloseReason.CloseCodes.VIOLATED_POLICY, e.getMessage());
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(session, wiring, context, caller,
                credentials.address());
        try {
            connection.open();
        } catch (ShuttingDownException e) {
            close(session, CloseReason.CloseCodes.GOING_AWAY, "server shutdown");
            return;
        } catch (LimitException e) {
            rejections.limitReached(e.limit());
            rejections.refused("websocket", e.code().wire(), client, e.getMessage());
            close(session, WebSocketConnection.TRY_AGAIN_LATER, "limit: " + e.getMessage());
            return;
        }
        session.getUserProperties().put(CONNECTION, connection);
        connection.endAtExpiry(context.scheduler());
        if (authenticator.enabled() && caller.isAnonymous() && authTimeoutMs > 0) {
            // With tokens on, a socket that neither authenticates nor subscribes (to a namespace open
            // to anyone) in time is only holding a slot: closed 1008 (DESIGN §7).
            context.scheduler().schedule(() -> {
                if (connection.caller().isAnonymous() && connection.subscriptionCount() == 0) {
                    rejections.refused("websocket", "unauthorized", client, "no auth op within " + authTimeoutMs + " ms");
                    connection.close(ClientConnection.CloseCause.UNAUTHORIZED, "no token within "
                            + authTimeoutMs / 1000 + " s");
                }
            }, authTimeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    private static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            // A close reason is at most 123 bytes.
            session.close(new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
        } catch (IOException closeFailed) {
            // the client is gone already
        }
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
