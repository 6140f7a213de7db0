package io.realtime.gateway.sse;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import java.lang.reflect.Type;

/**
 * One SSE frame as the sink writes it: an event (with its envelope as {@code data:}), a control
 * event of the gateway's own, or a comment. Immutable, so one frame is shared by every stream it
 * goes to; {@link #isEvent()} says whether it delivers a channel event (what the stats count).
 *
 * <p>Why a one-line {@code data:} is handed over as the end of the frame's last header line and
 * not as its data: the runtime's SSE writer (RESTEasy's {@code SseEventProvider}, which the sink
 * always uses) writes the {@code event:} and {@code id:} lines in one piece each, but the data
 * through a stream that escapes it one byte at a time, each byte a separate synchronized write.
 * Profiled under fan-out, that loop was two fifths of the CPU an SSE delivery cost
 * (bench/CHANGES.md). It writes the header lines first, in the order name, id, retry, then the
 * data, so {@code "id\ndata: json"} as the id and no data puts the same bytes on the wire as the
 * writer's own path: {@code event: name\nid: id\ndata: json\n\n}. Data with a line break in it
 * (never an envelope: JSON escapes them) or a frame with {@code retry:} takes the writer's path.
 *
 * <p>The same order lets frames waiting together go out as one event of the sink ({@link #join}):
 * their whole text as the name of one frame, one write and one flush for all of them, as a WebSocket
 * client that lags gets several messages in one frame.
 */
final class SseFrame implements OutboundSseEvent {

    private static final String DATA_LINE = "\ndata: ";
    private static final String NAME_LEAD = "event: ";
    /** Frames joined into one event of the sink stop growing past this many chars. */
    static final int JOIN_CHARS = 64 * 1024;

    private final String name;
    private final String id;
    /** The data the writer is handed, null when it rides at the end of {@link #name} or {@link #id}. */
    private final String data;
    private final boolean hasData;
    private final String comment;
    private final long retryMs;
    private final boolean event;
    /** Its text on the wire is known here: no line break in its comment or in a data the writer escapes. */
    private final boolean joinable;

    private SseFrame(String name, String id, String data, String comment, long retryMs, boolean event) {
        boolean asHeader = data != null && retryMs < 0 && (id != null || name != null) && oneLine(data);
        this.name = asHeader && id == null ? name + DATA_LINE + data : name;
        this.id = asHeader && id != null ? id + DATA_LINE + data : id;
        this.data = asHeader ? null : data;
        this.hasData = data != null;
        this.comment = comment;
        this.retryMs = retryMs;
        this.event = event;
        this.joinable = (comment == null || oneLine(comment)) && (this.data == null || oneLine(this.data));
    }

    private static boolean oneLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
    }

    /** Frames joined ({@link #join}): a name line that holds them all, typed so the writer writes it. */
    private SseFrame(String joinedText) {
        this.name = joinedText;
        this.id = null;
        this.data = null;
        this.hasData = true;
        this.comment = null;
        this.retryMs = -1;
        this.event = false;
        this.joinable = false;
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

    /** Whether it can be the first of frames joined: its text starts with the name line. */
    private boolean leadsJoin() {
        return joinable && hasData && name != null && comment == null;
    }

    /** Frames from {@code from} to {@code to} (exclusive) of a batch as one frame of the sink. */
    record Joined(SseFrame frame, int to) {
    }

    /**
     * The frame at {@code from} with as many joinable ones after it as fit in {@link #JOIN_CHARS}, as one
     * frame: the writer writes its name line as {@code event: <name>\n} and then a blank line, so a name of
     * every frame's text but the first's {@code event: } and the last blank line puts every frame on the wire
     * as the writer would have, one after another. A frame that cannot lead, or has none to join, is itself.
     */
    static Joined join(java.util.List<SseFrame> batch, int from) {
        SseFrame first = batch.get(from);
        if (!first.leadsJoin() || from + 1 == batch.size() || !batch.get(from + 1).joinable) {
            return new Joined(first, from + 1);
        }
        StringBuilder text = new StringBuilder();
        first.appendWire(text);
        int to = from + 1;
        while (to < batch.size() && batch.get(to).joinable) {
            int before = text.length();
            batch.get(to).appendWire(text);
            if (text.length() > JOIN_CHARS) {
                text.setLength(before); // it goes in the next one
                break;
            }
            to++;
        }
        if (to == from + 1) {
            return new Joined(first, to);
        }
        text.setLength(text.length() - 2); // the last frame's end: the writer adds it
        return new Joined(new SseFrame(text.substring(NAME_LEAD.length())), to);
    }

    /** Its text as the writer puts it on the wire (comment, name, id, retry, data lines, blank line). */
    private void appendWire(StringBuilder out) {
        if (comment != null) {
            out.append(": ").append(comment).append('\n');
        }
        if (hasData) {
            if (name != null) {
                out.append(NAME_LEAD).append(name).append('\n');
            }
            if (id != null) {
                out.append("id: ").append(id).append('\n');
            }
            if (retryMs > -1) {
                out.append("retry: ").append(retryMs).append('\n');
            }
            if (data != null) {
                out.append("data: ").append(data).append('\n');
            }
        }
        out.append('\n');
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
        // Not null whenever the frame has data, wherever it rides: the writer takes a frame of no type
        // for a comment alone and writes no other line of it.
        return hasData ? String.class : null;
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
