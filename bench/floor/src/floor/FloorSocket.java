package floor;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The least an idle WebSocket can cost on this runtime (issue 19's idle floor): the gateway's
 * endpoint path, a {@code subscribed} answer to a {@code subscribe} (what the bench's subscriber waits
 * for), then the session held by the container and nothing else kept.
 */
@ServerEndpoint("/ws")
public class FloorSocket {

    @OnMessage
    public void message(String text, Session session) {
        if (text.contains("\"op\":\"subscribe\"")) {
            session.getAsyncRemote().sendText("{\"op\":\"subscribed\",\"ref\":\"1\"}");
        }
    }

    @OnClose
    public void close(Session session) {
        // nothing kept: the container drops the session
    }
}
