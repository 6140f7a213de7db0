package io.realtime.gateway.transport;

/** A new connection while the server stops: refused (HTTP 503), the client retries elsewhere. */
public class ShuttingDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShuttingDownException() {
        super("The server is shutting down; reconnect to another instance", null, false, false);
    }
}
