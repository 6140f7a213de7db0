package io.realtime.gateway.it;

import static io.realtime.gateway.testsupport.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The publish API and every refusal of the HTTP API (DESIGN §3, §4) against the build-started server. */
class PublishApiIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();
    private static final String JSON = "application/json";

    @Test
    void publishAnswers202WithTheId() {
        String channel = SseIT.channel("pub");
        HttpResponse<String> r = HTTP.post(events(channel), JSON, "{\"type\":\"job_progress\",\"data\":{\"frame\":1}}");
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(JSON));
        String id = GatewayHttp.json(r.body()).getString("id");
        assertTrue(id.matches("\\d+-\\d+"), id);
        // data may be absent or null (both mean {}); a charset parameter changes nothing.
        assertEquals(202, HTTP.post(events(channel), JSON, "{\"type\":\"t\"}").statusCode());
        assertEquals(202, HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":null}").statusCode());
        assertEquals(202, HTTP.post(events(channel), JSON + "; charset=utf-8", "{\"type\":\"a.B:c-d_9\"}").statusCode());
        // Exactly 32 deep is allowed; the limit is past it.
        assertEquals(202, HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":" + nested(32) + "}").statusCode());
        assertEquals(202, HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":{\"big\":1.7e308}}").statusCode());
    }

    @Test
    void aBatchIsPublishedInOrderAndDeliveredSo() throws Exception {
        String a = SseIT.channel("batch-a");
        String b = SseIT.channel("batch-b");
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream?channel=" + a + "&channel=" + b))) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            List<GatewayHttp.Item> items = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                items.add(new GatewayHttp.Item(i % 3 == 0 ? b : a, "tick", "{\"n\":" + i + "}"));
            }
            HttpResponse<String> r = HTTP.post("/api/events", JSON, GatewayHttp.batchJson(items));
            assertEquals(202, r.statusCode(), r.body());
            List<String> ids = GatewayHttp.json(r.body()).getJsonArray("ids").getValuesAs(JsonString.class)
                    .stream().map(JsonString::getString).toList();
            assertEquals(100, ids.size());

            List<SseFrame> frames = sse.events("tick", 100, WAIT);
            for (int i = 0; i < 100; i++) {
                JsonObject envelope = frames.get(i).json();
                assertEquals(i, envelope.getJsonObject("data").getInt("n"), "batch order on the wire");
                assertEquals(ids.get(i), envelope.getString("id"), "ids answered in the batch's order");
                assertEquals(items.get(i).channel(), envelope.getString("channel"));
            }
        }
    }

    @Test
    void aBatchWithOneBadItemPublishesNothing() throws Exception {
        String channel = SseIT.channel("batch-bad");
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream?channel=" + channel))) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            long publishedBefore = HTTP.stat("events.published");
            String good = "{\"channel\":\"" + channel + "\",\"type\":\"tick\",\"data\":{}}";
            assertProblem(HTTP.post("/api/events", JSON, "[" + good + "," + good + ",{\"channel\":\"" + channel
                    + "\",\"data\":{}}]"), 422, "bad_type");
            assertProblem(HTTP.post("/api/events", JSON, "[" + good + ",{\"channel\":\"" + channel
                    + "\",\"type\":\"t\",\"data\":" + nested(33) + "}]"), 422, "bad_data");
            assertProblem(HTTP.post("/api/events", JSON, "[" + good + ",{\"channel\":\"Bad:x\",\"type\":\"t\"}]"),
                    400, "bad_channel");
            assertProblem(HTTP.post("/api/events", JSON, "[" + good + ",{\"type\":\"t\"}]"), 400, "bad_channel");
            assertProblem(HTTP.post("/api/events", JSON, "[" + good + ",{\"channel\":\"nope:1\",\"type\":\"t\"}]"),
                    404, "unknown_namespace");
            assertProblem(HTTP.post("/api/events", JSON, "[" + good + ",42]"), 400, null);
            assertEquals(publishedBefore, HTTP.stat("events.published"), "stats: nothing was published");

            String marker = HTTP.publish(channel, "marker", "{}");
            SseFrame first = sse.next(f -> f.event() != null, WAIT);
            assertEquals(marker, first.id(), "the stream saw nothing before the marker: " + first);
        }
    }

    @Test
    void everyRefusalIsAProblemDocument() {
        String channel = SseIT.channel("refuse");
        String ok = "{\"type\":\"t\",\"data\":{}}";
        // Channels
        assertProblem(HTTP.post(events("Job:x"), JSON, ok), 400, "bad_channel");
        assertProblem(HTTP.post(events("job:"), JSON, ok), 400, "bad_channel");
        assertProblem(HTTP.post(events("job"), JSON, ok), 400, "bad_channel");
        assertProblem(HTTP.post(events("job:a%20b"), JSON, ok), 400, "bad_channel");
        assertProblem(HTTP.post(events("job:" + "x".repeat(129)), JSON, ok), 400, "bad_channel");
        assertProblem(HTTP.post(events("nope:1"), JSON, ok), 404, "unknown_namespace");
        // Bodies
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":"), 400, "bad_json");
        assertProblem(HTTP.post(events(channel), JSON, "not json"), 400, "bad_json");
        assertProblem(HTTP.post(events(channel), JSON, ""), 400, null);
        assertProblem(HTTP.post(events(channel), JSON, "[1]"), 400, null);
        assertProblem(HTTP.post(events(channel), JSON, "{\"data\":{}}"), 422, "bad_type");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":7}"), 422, "bad_type");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"\"}"), 422, "bad_type");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"a b\"}"), 422, "bad_type");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"x\\ndata: forged\"}"), 422, "bad_type");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"" + "t".repeat(65) + "\"}"), 422, "bad_type");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":[1]}"), 422, "bad_data");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":\"x\"}"), 422, "bad_data");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":5}"), 422, "bad_data");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":" + nested(33) + "}"), 422, "bad_data");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":{\"a\":[" + nested(31) + "]}}"),
                422, "bad_data");
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":{\"x\":1e400}}"), 422, "bad_data");
        // Deeper than the JSON parser itself goes (a few KB of brackets): still the client's error.
        assertClientProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":" + nested(1500) + "}"));
        assertClientProblem(HTTP.post("/api/events", JSON, "[".repeat(3000) + "]".repeat(3000)));
        assertProblem(HTTP.post(events(channel), JSON, "{\"type\":\"t\",\"data\":{\"x\":[-1e400]}}"), 422, "bad_data");
        // Sizes and media types: the limit itself is allowed, a byte more is not.
        String empty = "{\"type\":\"t\",\"data\":{\"p\":\"\"}}";
        String atLimit = "{\"type\":\"t\",\"data\":{\"p\":\"" + "x".repeat(65536 - empty.length()) + "\"}}";
        assertEquals(65536, atLimit.length());
        assertEquals(202, HTTP.post(events(channel), JSON, atLimit).statusCode());
        assertProblem(HTTP.post(events(channel), JSON, atLimit + " "), 413, "too_large");
        String big = "{\"type\":\"t\",\"data\":{\"pad\":\"" + "x".repeat(65536) + "\"}}";
        assertProblem(HTTP.post(events(channel), JSON, big), 413, "too_large");
        assertProblem(HTTP.post(events(channel), JSON, HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))), 413, "too_large");
        assertProblem(HTTP.post("/api/events", JSON, "[" + big + "]"), 413, "too_large");
        assertProblem(HTTP.post(events(channel), "text/plain", ok), 415, null);
        assertProblem(HTTP.post(events(channel), "application/x-www-form-urlencoded", "type=t"), 415, null);
        assertProblem(HTTP.post("/api/events", "text/plain", "[]"), 415, null);
        // Batches
        String over = Collections.nCopies(1001, "{\"channel\":\"job:1\",\"type\":\"t\"}").stream()
                .collect(Collectors.joining(",", "[", "]"));
        assertTrue(over.length() < 65536, "the count, not the size, is what is over");
        assertProblem(HTTP.post("/api/events", JSON, over), 413, null);
        String shortName = "job:" + UUID.randomUUID().toString().substring(0, 8);
        String full = Collections.nCopies(1000, "{\"channel\":\"" + shortName + "\",\"type\":\"t\"}").stream()
                .collect(Collectors.joining(",", "[", "]"));
        HttpResponse<String> thousand = HTTP.post("/api/events", JSON, full);
        assertEquals(202, thousand.statusCode(), "the configured count itself is allowed");
        assertEquals(1000, GatewayHttp.json(thousand.body()).getJsonArray("ids").size());
        assertProblem(HTTP.post("/api/events", JSON, "[]"), 400, null);
        assertProblem(HTTP.post("/api/events", JSON, "{\"channel\":\"" + channel + "\",\"type\":\"t\"}"), 400, null);
        assertProblem(HTTP.post("/api/events", JSON, "[{\"channel\":"), 400, "bad_json");
        // Routes and methods
        assertProblem(HTTP.get("/api/nothing-here"), 404, null);
        assertProblem(HTTP.post("/api/channels/" + channel, JSON, ok), 404, null);
        assertProblem(HTTP.get(events(channel)), 405, null);
        assertProblem(HTTP.request("DELETE", events(channel), null, null), 405, null);
        assertProblem(HTTP.request("PUT", events(channel), JSON, ok), 405, null);
        assertProblem(HTTP.get("/api/events"), 405, null);
        assertProblem(HTTP.request("DELETE", "/api/realtime/stats", null, null), 405, null);
        HttpResponse<String> notAllowed = HTTP.get(events(channel));
        assertTrue(notAllowed.headers().firstValue("Allow").orElse("").contains("POST"), notAllowed.headers().map().toString());
    }

    /** A 400 or 422 problem: which one depends on where the input stops being acceptable. */
    private static void assertClientProblem(HttpResponse<String> r) {
        assertTrue(r.statusCode() == 400 || r.statusCode() == 422, r.statusCode() + " " + r.body());
        assertProblem(r, r.statusCode(), null);
    }

    private static String events(String channel) {
        return "/api/channels/" + channel + "/events";
    }

    /**
     * Local mode: a retry with the same Idempotency-Key (HTTP header, or the WebSocket publish op's
     * idempotencyKey) publishes nothing and answers the first id; the subscriber gets the event once.
     */
    @Test
    void anIdempotentRetryPublishesNothingAndAnswersTheFirstId() throws Exception {
        String channel = "job:idem-" + UUID.randomUUID();
        String body = "{\"type\":\"job_progress\",\"data\":{\"frame\":1}}";
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream?channel=" + channel));
             io.realtime.gateway.testsupport.WsTestClient ws = io.realtime.gateway.testsupport.WsTestClient.connect(
                     java.net.URI.create(HTTP.uri("/ws").toString().replaceFirst("^http", "ws")))) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            HttpResponse<String> first = HTTP.post(events(channel), body, java.util.Map.of("Idempotency-Key", "k-1"));
            HttpResponse<String> retry = HTTP.post(events(channel), body, java.util.Map.of("Idempotency-Key", "k-1"));
            assertEquals(202, retry.statusCode(), retry.body());
            String id = GatewayHttp.json(first.body()).getString("id");
            assertEquals(id, GatewayHttp.json(retry.body()).getString("id"));
            assertTrue(GatewayHttp.json(retry.body()).getBoolean("duplicate"));

            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"job_progress\","
                    + "\"data\":{\"frame\":2},\"idempotencyKey\":\"k-2\",\"ref\":\"a\"}");
            JsonObject ack = ws.next("ack", WAIT);
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"job_progress\","
                    + "\"data\":{\"frame\":2},\"idempotencyKey\":\"k-2\",\"ref\":\"b\"}");
            JsonObject again = ws.next("ack", WAIT);
            assertEquals(ack.getString("id"), again.getString("id"));
            assertTrue(again.getBoolean("duplicate"));
            assertEquals("b", again.getString("ref"));

            String last = HTTP.publish(channel, "job_progress", "{\"frame\":3}");
            List<String> got = sse.events("job_progress", 3, WAIT).stream().map(SseFrame::id).toList();
            assertEquals(List.of(id, ack.getString("id"), last), got, "each event once, in order");
        }
        HttpResponse<String> badKey = HTTP.post(events(channel), body, java.util.Map.of("Idempotency-Key", "has space"));
        assertProblem(badKey, 400, "bad_request");
    }

    /** A body that is not valid UTF-8 is refused, not stored with replacement characters. */
    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        String channel = "job:utf8-" + UUID.randomUUID();
        byte[] prefix = "{\"type\":\"t\",\"data\":{\"name\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"}}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3; // a lead byte ...
        body[prefix.length + 1] = (byte) 0x28; // ... followed by no continuation byte
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        assertProblem(HTTP.post(events(channel), JSON, HttpRequest.BodyPublishers.ofByteArray(body)), 400, "bad_json");
        // Real UTF-8 goes through, and comes back as sent.
        String id = HTTP.publish(channel, "t", "{\"name\":\"caf\u00e9 \u2713\"}");
        assertTrue(id.contains("-"));
    }

    /** A {@code data} object nested {@code depth} levels deep (data itself is level 1). */
    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{\"leaf\":true}" + "}".repeat(depth - 1);
    }
}
