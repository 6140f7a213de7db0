package io.realtime.gateway.websocket;

import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventEncoding;
import io.realtime.gateway.event.JsonFactories;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/** The server-to-client messages of DESIGN §6; an event's is made once and shared by every connection. */
final class WebSocketFrames {

    static final String PONG = "{\"op\":\"pong\"}";
    /**
     * Messages waiting together are joined into one frame up to about this many characters; a
     * single larger message still goes out whole, in a frame of its own.
     */
    static final int COALESCE_CHARS = 64 * 1024;

    /** The {@code event} op: the envelope with {@code "op":"event"} in front. */
    private final EventEncoding<WsFrame> event =
            new EventEncoding<>("websocket", e -> WsFrame.event("{\"op\":\"event\"," + e.json().substring(1)));

    WsFrame event(ChannelEvent e) {
        return e.encoded(event);
    }

    /**
     * A signal that is no event of the channel (a presence {@code join} / {@code leave}, DESIGN §11):
     * its body with the op in front, as an event's envelope gets {@code "op":"event"}.
     *
     * @param kind {@code join} or {@code leave}: a name of the protocol, never a client's input
     * @param json the signal's body, a JSON object ({@code {"channel":...,"member":...}})
     */
    String signal(String kind, String json) {
        if (!kind.equals("join") && !kind.equals("leave")) {
            throw new IllegalArgumentException("not a signal op: " + kind);
        }
        return "{\"op\":\"" + kind + "\"," + json.substring(1);
    }

    String subscribed(String channel, SubscribeOutcome outcome, JsonValue ref) {
        JsonObjectBuilder b = JsonFactories.object().add("op", "subscribed").add("channel", channel)
                .add("recovered", outcome.recovered()).add("position", outcome.position());
        return withRef(b, ref);
    }

    /**
     * Pushed on a live subscription whose events history lost: the form of a resume that was not
     * recovered, with no {@code ref} (no request asked for it) and the reason.
     */
    String historyGap(String channel) {
        return JsonFactories.object().add("op", "subscribed").add("channel", channel).add("recovered", false)
                .add("reason", "history_gap").build().toString();
    }

    String unsubscribed(String channel, JsonValue ref) {
        return withRef(JsonFactories.object().add("op", "unsubscribed").add("channel", channel), ref);
    }

    /** @param duplicate a retry (same idempotency key): nothing was published, {@code id} is the first's */
    String ack(String id, String delivery, boolean duplicate, JsonValue ref) {
        // One per publish, so written directly: an id and the delivery word never need escaping, and
        // the ref is the client's own JSON value written back as JSON (its toString).
        StringBuilder ack = new StringBuilder(64).append("{\"op\":\"ack\",\"id\":\"").append(id)
                .append("\",\"delivery\":\"").append(delivery).append('"');
        if (duplicate) {
            ack.append(",\"duplicate\":true");
        }
        if (ref != null && ref.getValueType() != JsonValue.ValueType.NULL) {
            ack.append(",\"ref\":").append(ref);
        }
        return ack.append('}').toString();
    }

    /** The answer to an {@code auth} op: who the connection acts for now, and until when. */
    String authenticated(String subject, long expiresAtMs, JsonValue ref) {
        return withRef(JsonFactories.object().add("op", "authenticated").add("subject", subject)
                .add("expiresAt", java.time.Instant.ofEpochMilli(expiresAtMs).toString()), ref);
    }

    String error(ErrorCode code, String message, JsonValue ref) {
        return withRef(JsonFactories.object().add("op", "error").add("code", code.wire())
                .add("message", message), ref);
    }

    private static String withRef(JsonObjectBuilder b, JsonValue ref) {
        if (ref != null && ref.getValueType() != JsonValue.ValueType.NULL) {
            b.add("ref", ref);
        }
        return b.build().toString();
    }
}
