package io.realtime.gateway.stream;

import io.realtime.gateway.event.JsonFactories;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import java.io.StringReader;

/**
 * The product payloads (DESIGN §10) are records serialised with JSON-B, made once. Nulls are
 * written: a rate whose divisor is zero is {@code null} on the wire, not absent.
 */
@ApplicationScoped
public class PayloadJson {

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

    public String toJson(Object payload) {
        return jsonb.toJson(payload);
    }

    /** The payload as the {@code data} object of an event draft. */
    public JsonObject toObject(Object payload) {
        return parse(toJson(payload));
    }

    public <T> T fromJson(String json, Class<T> type) {
        return jsonb.fromJson(json, type);
    }

    public static JsonObject parse(String json) {
        try (JsonReader reader = JsonFactories.reader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            // nothing held but caches
        }
    }
}
