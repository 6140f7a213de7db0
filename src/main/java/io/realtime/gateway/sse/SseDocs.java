package io.realtime.gateway.sse;

/**
 * The OpenAPI descriptions every SSE route shares (this transport's, and the product streams' routes
 * above it): what a stream carries besides its channels' events, and why one is refused before it
 * starts. Kept here, with the transport that sends those events (DESIGN §5).
 */
public final class SseDocs {

    /** Appended to the description of every stream's 200 response. */
    public static final String CONTROL_EVENTS = " Besides: event: position (the stream's cursor, sent once "
            + "subscribed), event: reset (history no longer reaches the resume point: reload that channel), "
            + "event: shutdown (the server stops: reconnect, to another instance if need be), event: "
            + "unauthorized (the token expired or was revoked: reconnect with a fresh one), and a ': ping' "
            + "comment every gateway.sse.heartbeat-seconds. Each event has id: (its resume cursor, for "
            + "Last-Event-ID) and data: (the envelope {id, channel, type, ts, data}).";

    public static final String UNAUTHORIZED = "No token where the channel needs one, or a bad one";
    public static final String FORBIDDEN = "The token lacks the right to subscribe to the channel";
    public static final String LIMIT = "Too many connections from this address or for this user";
    public static final String STOPPING = "The server is stopping: retry on another instance";

    private SseDocs() {
    }
}
