package io.realtime.gateway.transport;

/** The transports a client can connect with. */
public enum Transport {
    SSE("sse"),
    WEBSOCKET("websocket");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
