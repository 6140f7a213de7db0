package io.realtime.gateway.broker.redis;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Events as the history stream holds them. An entry carries the type ({@code t}) and the data
 * ({@code d}); its id is the event id and its milliseconds the {@code ts}. The envelope is rebuilt
 * here exactly as {@code publish.lua} assembled it for the wire, so a replayed event and a live one
 * are the same bytes. Birth-marker entries (field {@code b}) hold a position, not an event.
 */
final class StreamEvents {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private StreamEvents() {
    }

    /**
     * The event of one XRANGE entry ({@code [id, [field, value, ...]]}), or null for a marker or an
     * entry that is not an event.
     */
    static ChannelEvent fromEntry(String channel, Object entry) {
        List<?> pair = (List<?>) entry;
        String id = text(pair.get(0));
        List<?> fields = (List<?>) pair.get(1);
        String type = null;
        String data = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String field = text(fields.get(i));
            if ("t".equals(field)) {
                type = text(fields.get(i + 1));
            } else if ("d".equals(field)) {
                data = text(fields.get(i + 1));
            }
        }
        if (type == null || data == null) {
            return null;
        }
        EventId eventId = EventId.parse(id);
        return new ChannelEvent(eventId, channel, type, eventId.ms(), envelope(id, channel, type, eventId.ms(), data));
    }

    /** The envelope JSON, built the way {@code publish.lua} builds it. */
    static String envelope(String id, String channel, String type, long ms, String data) {
        return "{\"id\":\"" + id + "\",\"channel\":\"" + channel + "\",\"type\":\"" + type
                + "\",\"ts\":\"" + TS.format(Instant.ofEpochMilli(ms)) + "\",\"data\":" + data + "}";
    }

    static String text(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        return reply == null ? null : reply.toString();
    }
}
