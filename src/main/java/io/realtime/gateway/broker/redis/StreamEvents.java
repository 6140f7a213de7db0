package io.realtime.gateway.broker.redis;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.event.EventId;
import java.util.List;

/**
 * Events as the history stream holds them. An entry carries the type ({@code t}) and the data
 * ({@code d}); its id is the event id and its milliseconds the {@code ts}. A pub/sub message carries
 * the same three parts, and both become an envelope through {@link EnvelopeCodec#fromParts}, so a
 * replayed event and a live one are the same bytes. Birth-marker entries (field {@code b}) hold a
 * position, not an event.
 */
final class StreamEvents {

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
        return EnvelopeCodec.fromParts(EventId.parse(id), channel, type, data);
    }

    /**
     * The event of a pub/sub message, which carries the entry's id, type and data as
     * {@code <id> <type> <data>} (neither id nor type holds a space), or null if it is not one.
     */
    static ChannelEvent fromMessage(String channel, String message) {
        int afterId = message.indexOf(' ');
        int afterType = afterId < 0 ? -1 : message.indexOf(' ', afterId + 1);
        if (afterType < 0 || message.length() < afterType + 3 || message.charAt(afterType + 1) != '{'
                || message.charAt(message.length() - 1) != '}') {
            return null;
        }
        EventId id;
        try {
            id = EventId.parse(message.substring(0, afterId));
        } catch (RuntimeException e) {
            return null;
        }
        return EnvelopeCodec.fromParts(id, channel, message.substring(afterId + 1, afterType),
                message.substring(afterType + 1));
    }

    static String text(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        return reply == null ? null : reply.toString();
    }
}
