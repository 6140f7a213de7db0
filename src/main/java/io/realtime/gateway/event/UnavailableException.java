package io.realtime.gateway.event;

/**
 * The gateway cannot do this now, for reasons outside the request (Redis is unreachable and the
 * publish's fallback is refuse; the presence store cannot be read): a 503 or a WebSocket
 * {@code unavailable} error, which a client may retry. Thrown by the broker, passed through the core.
 */
public class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }
}
