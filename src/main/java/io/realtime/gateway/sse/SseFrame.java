package io.realtime.gateway.sse;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import java.lang.reflect.Type;

/**
 * One SSE frame as the sink writes it: an event (with its envelope as {@code data:}), a control
 * event of the gateway's own, or a comment. Immutable, so one frame is shared by every stream it
 * goes to; {@link #isEvent()} says whether it delivers a channel event (what the stats count).
 */
final class SseFrame implements OutboundSseEvent {

    private final String name;
    private final String id;
    private final String data;
    private final String comment;
    private final long retryMs;
    private final boolean event;

    private SseFrame(String name, String id, String data, String comment, long retryMs, boolean event) {
        this.name = name;
        this.id = id;
        this.data = data;
        this.comment = comment;
        this.retryMs = retryMs;
        this.event = event;
    }

    /** A channel event: {@code event:} its type, {@code id:} the stream's cursor, {@code data:} the envelope. */
    static SseFrame event(String type, String id, String envelopeJson) {
        return new SseFrame(type, id, envelopeJson, null, -1, true);
    }

    /** An event of the gateway's own ({@code reset}, {@code shutdown}, {@code position}). */
    static SseFrame control(String name, String id, String data, long retryMs) {
        return new SseFrame(name, id, data, null, retryMs, false);
    }

    /** A comment line ({@code : ping}); browsers ignore it, proxies see traffic. */
    static SseFrame comment(String text) {
        return new SseFrame(null, null, null, text, -1, false);
    }

    boolean isEvent() {
        return event;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getComment() {
        return comment;
    }

    @Override
    public long getReconnectDelay() {
        return retryMs;
    }

    @Override
    public boolean isReconnectDelaySet() {
        return retryMs >= 0;
    }

    @Override
    public Class<?> getType() {
        return data == null ? null : String.class;
    }

    @Override
    public Type getGenericType() {
        return getType();
    }

    @Override
    public MediaType getMediaType() {
        return MediaType.TEXT_PLAIN_TYPE;
    }

    @Override
    public Object getData() {
        return data;
    }
}
