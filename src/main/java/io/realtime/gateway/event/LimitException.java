package io.realtime.gateway.event;

/**
 * A client went past one of the configured limits (DESIGN §7). {@link #limit()} names which one, the
 * label of {@code gateway_limits_reached_total}; the code is {@code limit} (429) unless the limit is a
 * size ({@code too_large}, 413) or a name's length ({@code bad_channel}).
 */
public class LimitException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final String limit;

    public LimitException(String limit, String message) {
        this(limit, ErrorCode.LIMIT, message);
    }

    public LimitException(String limit, ErrorCode code, String message) {
        super(code, message);
        this.limit = limit;
    }

    /** The limit's name: connections_per_ip, publish_rate, body_size, ... */
    public String limit() {
        return limit;
    }
}
