package io.realtime.gateway.websocket;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.event.ErrorCode;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/** The server-to-client control frames of DESIGN §6 (event frames come ready-made with the event). */
final class ServerFrames {

    static final String PONG = "{\"op\":\"pong\"}";

    private ServerFrames() {
    }

    static String subscribed(String channel, SubscribeOutcome outcome, JsonValue ref) {
        JsonObjectBuilder b = JsonFactories.object().add("op", "subscribed").add("channel", channel)
                .add("recovered", outcome.recovered()).add("position", outcome.position());
        return withRef(b, ref);
    }

    static String unsubscribed(String channel, JsonValue ref) {
        return withRef(JsonFactories.object().add("op", "unsubscribed").add("channel", channel), ref);
    }

    static String ack(String id, String delivery, JsonValue ref) {
        return withRef(JsonFactories.object().add("op", "ack").add("id", id).add("delivery", delivery), ref);
    }

    static String error(ErrorCode code, String message, JsonValue ref) {
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
