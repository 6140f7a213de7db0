package io.realtime.gateway.sse;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The SSE {@code id:} of a stream of several channels (DESIGN §5): one position per channel, so a
 * single {@code Last-Event-ID} resumes all of them. Form: {@code <check>.<id>.<id>...}, ids in the
 * stream's channel order, {@code check} a short hash of the channel list so that a cursor from
 * another stream is refused rather than misread. URL-safe, opaque to clients.
 */
final class StreamCursor {

    private StreamCursor() {
    }

    static String encode(String check, EventId[] positions) {
        StringBuilder sb = new StringBuilder(check.length() + positions.length * 16);
        sb.append(check);
        for (EventId id : positions) {
            sb.append('.').append(id);
        }
        return sb.toString();
    }

    /** The check part for a channel list. */
    static String check(List<String> channels) {
        CRC32 crc = new CRC32();
        crc.update(String.join(",", channels).getBytes(StandardCharsets.UTF_8));
        return Long.toString(crc.getValue(), 36);
    }

    /**
     * Reads a resume point for {@code channels}: a cursor of this stream, or a plain event id, which
     * then applies to every channel.
     */
    static EventId[] decode(String value, List<String> channels) {
        if (value.indexOf('.') < 0) {
            EventId id = EventId.parse(value);
            EventId[] all = new EventId[channels.size()];
            java.util.Arrays.fill(all, id);
            return all;
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != channels.size() + 1) {
            throw new InvalidInputException(ErrorCode.BAD_SINCE,
                    "The resume cursor names " + (parts.length - 1) + " channels; this stream has " + channels.size());
        }
        if (!parts[0].equals(check(channels))) {
            throw new InvalidInputException(ErrorCode.BAD_SINCE,
                    "The resume cursor belongs to another set of channels");
        }
        EventId[] ids = new EventId[channels.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = EventId.parse(parts[i + 1]);
        }
        return ids;
    }
}
