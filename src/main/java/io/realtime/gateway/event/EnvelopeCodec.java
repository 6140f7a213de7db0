package io.realtime.gateway.event;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.StringReader;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Turns drafts into events and envelopes into JSON, once per event. Thread-safe: one instance
 * (and one JSON-B context) serves the whole application.
 */
public final class EnvelopeCodec implements AutoCloseable {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Jsonb jsonb = JsonbBuilder.create();

    /** The event a draft becomes once the broker gave it an id at {@code nowMs}. */
    public ChannelEvent encode(EventDraft draft, EventId id, long nowMs) {
        Envelope envelope = new Envelope(id.toString(), draft.channel().value(), draft.type(),
                TS.format(Instant.ofEpochMilli(nowMs)), draft.data());
        return new ChannelEvent(id, envelope.channel(), envelope.type(), nowMs, jsonb.toJson(envelope));
    }

    /**
     * Reads an envelope that arrived from elsewhere (Redis), keeping its JSON as it came so it is
     * not serialised again.
     *
     * @throws IllegalArgumentException if it is not an envelope
     */
    public ChannelEvent decode(String json) {
        try (JsonReader reader = JsonFactories.reader(new StringReader(json))) {
            JsonObject o = reader.readObject();
            EventId id = EventId.parse(o.getString("id"));
            String ts = o.containsKey("ts") && o.get("ts") instanceof JsonString s ? s.getString() : null;
            long at = ts == null ? System.currentTimeMillis() : Instant.parse(ts).toEpochMilli();
            return new ChannelEvent(id, o.getString("channel"), o.getString("type"), at, json);
        } catch (JsonException | ClassCastException | NullPointerException | InvalidInputException
                 | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not an event envelope: " + e.getMessage(), e);
        }
    }

    /** Serialises any JSON-B-mappable value (acks, stats). */
    public String toJson(Object value) {
        return jsonb.toJson(value);
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
