package io.realtime.gateway.websocket;

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
 * All the protocol lives in {@link WebSocketConnection}.
 */
@Dependent
@ServerEndpoint(value = "/ws", configurator = OriginCheck.class)
public class GatewayEndpoint {

    private static final Logger LOG = Logger.getLogger(GatewayEndpoint.class.getName());

    static final int HARD_MAX_FRAME_BYTES = 1 << 20;

    @Inject
    WebSocketSessions sessions;

    @OnOpen
    public void open(Session session) {
        sessions.opened(session);
    }

    /**
     * The container's own ceiling ({@link #HARD_MAX_FRAME_BYTES}) bounds what it buffers; the
     * configured limit ({@code gateway.ws.max-frame-bytes}) is enforced by the connection, because
     * Liberty does not act on {@code Session.setMaxTextMessageBufferSize}.
     */
    @OnMessage(maxMessageSize = HARD_MAX_FRAME_BYTES)
    public void text(String text, Session session) {
        WebSocketConnection connection = sessions.connection(session);
        if (connection != null) {
            connection.onText(text);
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
        WebSocketConnection connection = sessions.connection(session);
        if (connection != null) {
            connection.close(reason.getCloseCode(), "closed by client");
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "WebSocket error", error);
    }
}
