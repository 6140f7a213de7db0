package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A body or frame too deeply nested for the parser and one that is malformed are different
 * failures and are answered as such, over HTTP and over WebSocket (the catch names its cause).
 */
class JsonFailuresIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();
    private static final URI WS = URI.create("ws://localhost:" + GatewayHttp.testServerPort() + "/ws");
    private static final String DEEP = "[".repeat(3000) + "]".repeat(3000);
    private static final String MALFORMED = "{\"type\":\"t\",\"data\":";

    @Test
    void overHttpTooDeepAndMalformedGetTheirOwnDetail() {
        String path = "/api/channels/" + SseIT.channel("deep") + "/events";
        JsonObject deep = problem(HTTP.post(path, "application/json", DEEP));
        JsonObject malformed = problem(HTTP.post(path, "application/json", MALFORMED));
        assertTrue(deep.getString("detail").contains("nested too deeply"), deep.toString());
        assertTrue(malformed.getString("detail").startsWith("Malformed JSON"), malformed.toString());
    }

    @Test
    void overWebSocketTooDeepAndMalformedGetTheirOwnMessage() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            ws.send(DEEP);
            JsonObject deep = error(ws.next(WAIT));
            ws.send(MALFORMED);
            JsonObject malformed = error(ws.next(WAIT));
            assertTrue(deep.getString("message").contains("nested too deeply"), deep.toString());
            assertEquals("The frame is not valid JSON", malformed.getString("message"), malformed.toString());
            // The connection stays usable after both.
            ws.send("{\"op\":\"ping\"}");
            assertEquals("pong", ws.next(WAIT).getString("op"));
        }
    }

    private static JsonObject problem(HttpResponse<String> r) {
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.headers().toString());
        JsonObject p = GatewayHttp.json(r.body());
        assertEquals("bad_json", p.getString("code"), r.body());
        return p;
    }

    private static JsonObject error(JsonObject frame) {
        assertNotNull(frame, "no frame");
        assertEquals("error", frame.getString("op"), frame.toString());
        assertEquals("bad_json", frame.getString("code"), frame.toString());
        assertFalse(frame.getString("message").contains("Exception"), frame.toString());
        return frame;
    }
}
