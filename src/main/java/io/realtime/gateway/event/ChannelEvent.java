package io.realtime.gateway.event;

import java.util.function.Function;

/**
 * An event with its id, as it travels from the broker (a CDI event) to every local subscriber.
 * Its wire forms are computed once here, so fan-out to N subscribers shares the same strings.
 */
public final class ChannelEvent {

    private final EventId id;
    private final String channel;
    private final String type;
    private final long publishedAtMs;
    private final String json;
    private final String webSocketFrame;
    /** Set once by the SSE transport (a JAX-RS type this floor does not know); races build equal values. */
    private volatile Object sseFrame;

    /**
     * @param json the envelope exactly as serialised once (by the codec, or as it came from Redis)
     */
    public ChannelEvent(EventId id, String channel, String type, long publishedAtMs, String json) {
        this.id = id;
        this.channel = channel;
        this.type = type;
        this.publishedAtMs = publishedAtMs;
        this.json = json;
        this.webSocketFrame = "{\"op\":\"event\"," + json.substring(1);
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

    /** The WebSocket {@code event} op: the envelope with {@code "op":"event"} in front. */
    public String webSocketFrame() {
        return webSocketFrame;
    }

    /** The SSE frame, built by the first caller and shared by all later ones. */
    @SuppressWarnings("unchecked")
    public <T> T sseFrame(Function<ChannelEvent, T> builder) {
        Object frame = sseFrame;
        if (frame == null) {
            frame = builder.apply(this);
            sseFrame = frame;
        }
        return (T) frame;
    }

    @Override
    public String toString() {
        return channel + "#" + id + " " + type;
    }
}
