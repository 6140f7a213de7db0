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
 *
 * <p>One rule decides, for both paths, what is an event (docs/redis.md): a type the envelope can
 * carry as it is ({@code [A-Za-z0-9_.:-]{1,64}}) and data that is one JSON object without control
 * characters, {@code {...}}. {@code publish.lua} refuses anything else, fully parsing the data; an
 * entry or message written without it is checked here only for that shape (parsing every message
 * again on every instance is what the script spares us), and one that fails is skipped on the live
 * path and on the replay path alike, so a resuming client sees what a live one saw.
 */
final class StreamEvents {

    private StreamEvents() {
    }

    /**
     * The event of one XRANGE entry ({@code [id, [field, value, ...]]}), or null for a birth marker or
     * an entry that is not an event (reported to {@code skipped}).
     */
    static ChannelEvent fromEntry(String channel, Object entry, SkippedEntries skipped) {
        List<?> pair = (List<?>) entry;
        String id = text(pair.get(0));
        List<?> fields = (List<?>) pair.get(1);
        String type = null;
        String data = null;
        boolean marker = false;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String field = text(fields.get(i));
            if ("t".equals(field)) {
                type = text(fields.get(i + 1));
            } else if ("d".equals(field)) {
                data = text(fields.get(i + 1));
            } else if ("b".equals(field)) {
                marker = true;
            }
        }
        if (marker && type == null && data == null) {
            return null;
        }
        String why = notAnEvent(type, data);
        if (why != null) {
            skipped.skip(channel, "stream entry " + id, why);
            return null;
        }
        return EnvelopeCodec.fromParts(EventId.parse(id), channel, type, data);
    }

    /**
     * The event of a pub/sub message, which carries the entry's id, type and data as
     * {@code <id> <type> <data>} (neither id nor type holds a space), or null if it is not one
     * (reported to {@code skipped}).
     */
    static ChannelEvent fromMessage(String channel, String message, SkippedEntries skipped) {
        int afterId = message.indexOf(' ');
        int afterType = afterId < 0 ? -1 : message.indexOf(' ', afterId + 1);
        if (afterType < 0) {
            skipped.skip(channel, "a message", "not <id> <type> <data>");
            return null;
        }
        EventId id;
        try {
            id = EventId.parse(message.substring(0, afterId));
        } catch (RuntimeException e) {
            skipped.skip(channel, "a message", "no event id before its type");
            return null;
        }
        String type = message.substring(afterId + 1, afterType);
        String data = message.substring(afterType + 1);
        String why = notAnEvent(type, data);
        if (why != null) {
            skipped.skip(channel, "message " + id, why);
            return null;
        }
        return EnvelopeCodec.fromParts(id, channel, type, data);
    }

    /** Why a type and data do not make an event by the rule above, or null if they do. */
    static String notAnEvent(String type, String data) {
        if (type == null || data == null) {
            return "no " + (type == null ? "type (field t)" : "data (field d)");
        }
        if (!validType(type)) {
            return "type is not [A-Za-z0-9_.:-]{1,64}";
        }
        if (data.length() < 2 || data.charAt(0) != '{' || data.charAt(data.length() - 1) != '}') {
            return "data is not a JSON object";
        }
        for (int i = 0; i < data.length(); i++) {
            if (data.charAt(i) < 0x20) {
                return "data holds a control character (a raw line break splits WebSocket frames)";
            }
        }
        return null;
    }

    private static boolean validType(String type) {
        if (type.isEmpty() || type.length() > 64) {
            return false;
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String text(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        return reply == null ? null : reply.toString();
    }
}
