package io.realtime.gateway.event;

/**
 * An event with its id, as it travels from the broker (a CDI event) to every local subscriber. It
 * knows nothing of wire forms: each transport encodes it through an {@link EventEncoding}, once,
 * and every subscriber of that transport shares the result.
 */
public final class ChannelEvent {

    private final EventId id;
    private final String channel;
    private final String type;
    private final long publishedAtMs;
    private final String json;
    /**
     * Encodings made so far, as pairs (encoding, form); replaced whole, never changed in place.
     * Two transports at most, so a scan beats a map.
     */
    private volatile Object[] encoded = NONE;

    private static final Object[] NONE = new Object[0];

    /**
     * @param json the envelope exactly as serialised once (by the codec, or as it came from Redis)
     */
    public ChannelEvent(EventId id, String channel, String type, long publishedAtMs, String json) {
        this.id = id;
        this.channel = channel;
        this.type = type;
        this.publishedAtMs = publishedAtMs;
        this.json = json;
    }

    public EventId id() {
        return id;
    }

    public String channel() {
        return channel;
    }

    public String type() {
        return type;
    }

    /** Wall-clock ms at which the event was accepted (its {@code ts}); used for delivery latency. */
    public long publishedAtMs() {
        return publishedAtMs;
    }

    /** The envelope JSON. */
    public String json() {
        return json;
    }

    /**
     * This event in the given wire form, made by the first caller and shared with all later ones.
     * Racing first callers may each make it; one result is kept, and equal forms are harmless.
     */
    @SuppressWarnings("unchecked")
    public <T> T encoded(EventEncoding<T> encoding) {
        Object[] pairs = encoded;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == encoding) {
                return (T) pairs[i + 1];
            }
        }
        T form = encoding.encode(this);
        Object[] more = java.util.Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = encoding;
        more[pairs.length + 1] = form;
        encoded = more;
        return form;
    }

    @Override
    public String toString() {
        // For log lines: a worker publishing through Redis stores its type as sent, so it is escaped.
        return LogText.escape(channel + "#" + id + " " + type);
    }
}
