package io.realtime.gateway.event;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Turns drafts and stored parts into events, writing each envelope once. Thread-safe: one
 * instance serves the whole application.
 *
 * <p>{@link #envelope} is the one place the envelope (DESIGN §3) is written, whichever way the
 * event came: published here, read back from a Redis stream, or received from another instance
 * (Redis carries an event's parts, not its envelope), so an event is the same bytes everywhere.
 */
public final class EnvelopeCodec implements AutoCloseable {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Jsonb jsonb = JsonbBuilder.create();

    /**
     * The envelope JSON, members in the documented order. Channel names, types and ids never need
     * escaping (their syntax rules it out); {@code dataJson} is a JSON object as serialised once.
     */
    public static String envelope(String id, String channel, String type, long tsMs, String dataJson) {
        return new StringBuilder(64 + channel.length() + type.length() + dataJson.length())
                .append("{\"id\":\"").append(id)
                .append("\",\"channel\":\"").append(channel)
                .append("\",\"type\":\"").append(type)
                .append("\",\"ts\":\"").append(TS.format(Instant.ofEpochMilli(tsMs)))
                .append("\",\"data\":").append(dataJson).append('}').toString();
    }

    /** The event a draft becomes once the broker gave it an id at {@code nowMs}. */
    public ChannelEvent encode(EventDraft draft, EventId id, long nowMs) {
        String channel = draft.channel().value();
        return new ChannelEvent(id, channel, draft.type(), nowMs,
                envelope(id.toString(), channel, draft.type(), nowMs, draft.data().toString()));
    }

    /**
     * An event from its stored parts (a Redis stream entry, or the pub/sub message that carries the
     * same): its {@code ts} is its id's milliseconds, as every instance computes it.
     */
    public static ChannelEvent fromParts(EventId id, String channel, String type, String dataJson) {
        return new ChannelEvent(id, channel, type, id.ms(), envelope(id.toString(), channel, type, id.ms(), dataJson));
    }

    /** Serialises any JSON-B-mappable value (stats). */
    public String toJson(Object value) {
        return jsonb.toJson(value);
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
