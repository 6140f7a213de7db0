package io.realtime.gateway.event;

/**
 * Why an input was refused. One list for both transports: the WebSocket {@code error} op sends
 * {@link #wire()}, HTTP answers {@link #httpStatus()} with a problem document whose type ends in it.
 */
public enum ErrorCode {
    BAD_JSON("bad_json", 400, "Malformed JSON"),
    BAD_OP("bad_op", 400, "Unknown operation"),
    BAD_CHANNEL("bad_channel", 400, "Invalid channel name"),
    BAD_TYPE("bad_type", 422, "Invalid event type"),
    BAD_DATA("bad_data", 422, "Invalid event data"),
    /** An event type the gateway keeps for its own events (DESIGN §7). */
    RESERVED_TYPE("reserved_type", 422, "Reserved event type"),
    BAD_SINCE("bad_since", 400, "Invalid event id"),
    BAD_REQUEST("bad_request", 400, "Bad request"),
    UNKNOWN_NAMESPACE("unknown_namespace", 404, "Unknown namespace"),
    NOT_FOUND("not_found", 404, "Not found"),
    NOT_SUBSCRIBED("not_subscribed", 400, "Not subscribed"),
    TOO_LARGE("too_large", 413, "Request too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "Unsupported media type"),
    LIMIT("limit", 429, "Limit reached"),
    /** No token, or one that is invalid, expired or revoked, where the action needs one. */
    UNAUTHORIZED("unauthorized", 401, "Unauthorized"),
    FORBIDDEN("forbidden", 403, "Forbidden"),
    UNAVAILABLE("unavailable", 503, "Service unavailable"),
    /** A failure of the server's own, not of the input: the request may be retried. */
    INTERNAL("internal", 500, "Internal error");

    private final String wire;
    private final int httpStatus;
    private final String title;

    ErrorCode(String wire, int httpStatus, String title) {
        this.wire = wire;
        this.httpStatus = httpStatus;
        this.title = title;
    }

    public String wire() {
        return wire;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }
}
