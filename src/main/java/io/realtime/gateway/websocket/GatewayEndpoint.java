package io.realtime.gateway.websocket;

import io.realtime.gateway.metrics.GatewayMeters;
import io.realtime.gateway.transport.ClientConnection;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /ws}: the WebSocket entry point (DESIGN §6). A CDI bean ({@code @Dependent}) so the
 * container injects it; field injection because the WebSocket container creates the instance.
 * The protocol lives in {@link WebSocketProtocol}, the connection in {@link WebSocketConnection}.
 */
@Dependent
@ServerEndpoint(value = "/ws", configurator = HandshakeCredentials.class)
public class GatewayEndpoint {

    private static final Logger LOG = Logger.getLogger(GatewayEndpoint.class.getName());
    /** How long Liberty's close waits for our write in flight: as long as its own close waits for one (5.5 s). */
    private static final long CLOSE_WRITE_WAIT_MS = 5_500;

    @Inject
    WebSocketSessions sessions;

    @Inject
    GatewayMeters meters;

    @OnOpen
    public void open(Session session) {
        sessions.opened(session);
    }

    /**
     * Text arrives in parts (one per frame of a fragmented message) so that the size limit holds
     * for a whole message: the container's buffer limit only bounds each frame.
     */
    @OnMessage
    public void text(String part, boolean last, Session session) {
        WebSocketConnection connection = sessions.connection(session);
        if (connection != null) {
            connection.onTextPart(part, last);
        }
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) {
        WebSocketConnection connection = sessions.connection(session);
        if (connection != null) {
            connection.onPong();
        }
    }

    @OnClose
    public void closed(Session session, CloseReason reason) {
        // Whoever closed it (client, or the server: 1013 too slow, 1009 too big, 1001 going away).
        meters.websocketClosed(codeLabel(reason.getCloseCode().getCode()));
        WebSocketConnection connection = sessions.connection(session);
        if (connection != null && !connection.isClosed()) {
            // Liberty closes it (the client's close frame, or its read side failed): it writes its close
            // frame once this returns, so our write in flight must be over by then.
            connection.close(ClientConnection.CloseCause.CLIENT, "closed by client: " + reason.getCloseCode().getCode());
            connection.awaitWriteSettled(CLOSE_WRITE_WAIT_MS);
        }
    }

    /**
     * The label a close code counts under: the codes RFC 6455 defines as themselves, any other by
     * range. A client chooses its own close code, and a label per value would let it grow the
     * metrics without bound.
     */
    static String codeLabel(int code) {
        if (code >= 1000 && code <= 1015) {
            return String.valueOf(code);
        }
        if (code >= 3000 && code <= 3999) {
            return "3xxx";
        }
        if (code >= 4000 && code <= 4999) {
            return "4xxx";
        }
        return "other";
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "WebSocket error", error);
    }
}
