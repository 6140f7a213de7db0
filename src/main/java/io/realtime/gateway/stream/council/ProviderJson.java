package io.realtime.gateway.stream.council;

import io.realtime.gateway.stream.PayloadJson;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Reading the providers' JSON: lenient, since a chunk we do not understand is skipped, not fatal. */
final class ProviderJson {

    private ProviderJson() {
    }

    static JsonObject parse(String data) {
        try {
            JsonValue v = PayloadJson.parse(data);
            return v.asJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code {"error":{"message":...}}}, the shape all three use for a failure; null when there is none. */
    static String error(JsonObject json) {
        if (json == null || !json.containsKey("error")) {
            return null;
        }
        JsonValue error = json.get("error");
        if (error instanceof JsonObject e && e.get("message") instanceof jakarta.json.JsonString m) {
            return m.getString();
        }
        return error.toString();
    }
}
