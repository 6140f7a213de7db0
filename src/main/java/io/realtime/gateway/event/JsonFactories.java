package io.realtime.gateway.event;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;
import java.io.InputStream;
import java.io.Reader;
import java.util.Map;

/**
 * JSON-P readers and builders from factories made once. The static {@code Json.create*} methods
 * look the provider up again on every call (tens of µs each), which every publish, every WebSocket
 * frame and every ack would pay. The factories are immutable and thread-safe.
 */
public final class JsonFactories {

    private static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());
    private static final JsonBuilderFactory BUILDERS = PROVIDER.createBuilderFactory(Map.of());

    private JsonFactories() {
    }

    public static JsonReader reader(Reader in) {
        return READERS.createReader(in);
    }

    public static JsonReader reader(InputStream in) {
        return READERS.createReader(in);
    }

    /**
     * Whether a reader's failure is the parser refusing input nested past its depth limit: Parsson
     * throws exactly {@code RuntimeException} for that one case (not a {@code JsonException}). Any
     * other unchecked failure is a fault of ours, not the input's, and must not be reported as depth.
     */
    public static boolean nestedTooDeep(RuntimeException e) {
        return e.getClass() == RuntimeException.class;
    }

    public static JsonObjectBuilder object() {
        return BUILDERS.createObjectBuilder();
    }

    public static JsonArrayBuilder array() {
        return BUILDERS.createArrayBuilder();
    }
}
