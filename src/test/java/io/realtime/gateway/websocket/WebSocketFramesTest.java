package io.realtime.gateway.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Forms written by hand (the ack, one per publish; a signal): they must still be the JSON a builder would write. */
class WebSocketFramesTest {

    private final WebSocketFrames frames = new WebSocketFrames();

    @Test
    void anAckEchoesAnyRefAsJsonOnOneLine() {
        JsonValue tricky = Json.createValue("a \"quoted\"\nline\\");
        JsonObject ack = parse(frames.ack("1795615943231-0", "local", false, tricky));
        assertEquals("ack", ack.getString("op"));
        assertEquals("1795615943231-0", ack.getString("id"));
        assertEquals("local", ack.getString("delivery"));
        assertEquals(tricky, ack.get("ref"));
        assertFalse(ack.containsKey("duplicate"));
        assertFalse(frames.ack("1-0", "cluster", false, tricky).contains("\n"), "a message never holds a raw newline");

        JsonObject numbered = parse(frames.ack("1-0", "cluster", true, Json.createValue(7)));
        assertEquals(7, numbered.getInt("ref"));
        assertEquals(true, numbered.getBoolean("duplicate"));
        assertFalse(parse(frames.ack("1-0", "local", false, null)).containsKey("ref"));
        assertFalse(parse(frames.ack("1-0", "local", false, JsonValue.NULL)).containsKey("ref"));
    }

    @Test
    void aSignalIsItsBodyWithTheOpInFront() {
        JsonObject join = parse(frames.signal("join", "{\"channel\":\"room:1\",\"member\":{\"id\":\"c1\",\"user\":null}}"));
        assertEquals("join", join.getString("op"));
        assertEquals("room:1", join.getString("channel"));
        assertEquals("c1", join.getJsonObject("member").getString("id"));
        assertThrows(IllegalArgumentException.class, () -> frames.signal("event", "{}"), "only join and leave are signals");
    }

    private static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
