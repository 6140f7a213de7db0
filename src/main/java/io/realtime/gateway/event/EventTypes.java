package io.realtime.gateway.event;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which event types a publisher may use (DESIGN §3, §7). The gateway's own SSE events are reserved:
 * {@code position}, {@code reset}, {@code unauthorized} and {@code shutdown} steer a client (its
 * cursor, a channel reset, dropping its token, reconnecting), and {@code error} and {@code open} are
 * the names EventSource itself fires for a failed or opened connection. A publisher's event with one
 * of those names would be taken for the gateway's, so it is refused at publish (422
 * {@code reserved_type}) on every way in: HTTP, WebSocket and the workers' Redis inbox.
 */
public final class EventTypes {

    /** What an event type may look like: also what may go into an SSE {@code event:} line as it is. */
    static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public static final Set<String> RESERVED = Set.of("position", "reset", "unauthorized", "shutdown", "error", "open",
            "join", "leave");

    private EventTypes() {
    }

    public static boolean isReserved(String type) {
        return RESERVED.contains(type);
    }

    /**
     * The SSE {@code event:} name a channel event goes out under: its type, or {@code message} (the
     * name EventSource gives an event without one) for a type no publish API would have taken, which
     * a worker calling the publish script directly can still store: the envelope in {@code data:}
     * carries the type as it was, and no stored text can pose as the gateway's control events or
     * break the frame.
     */
    public static String sseEventName(String type) {
        return type != null && !isReserved(type) && TYPE.matcher(type).matches() ? type : "message";
    }
}
