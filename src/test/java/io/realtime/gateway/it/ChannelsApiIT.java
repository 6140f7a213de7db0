package io.realtime.gateway.it;

import static io.realtime.gateway.testsupport.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read-only channel API: channels with their subscribers by transport, and history reads. */
class ChannelsApiIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();

    @Test
    void listsChannelsWithTheirSubscribersByTransport() throws Exception {
        String channel = SseIT.channel("list");
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream?channel=" + channel));
             WsTestClient ws = WsTestClient.connect(URI.create("ws://localhost:" + GatewayHttp.testServerPort() + "/ws"))) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            ws.subscribe(channel, null, WAIT);
            JsonObject entry = entry(channel);
            assertEquals(2, entry.getInt("subscribers"), entry.toString());
            assertEquals(1, entry.getJsonObject("byTransport").getInt("sse"), entry.toString());
            assertEquals(1, entry.getJsonObject("byTransport").getInt("websocket"), entry.toString());
        }
        // Gone with its last subscriber; a closed SSE stream is noticed on its next write, so write one.
        HTTP.post("/api/channels/" + channel + "/events", "application/json", "{\"type\":\"tick\"}");
        Await.until(WAIT, "the channel left the list after its subscribers did", () -> entryOrNull(channel) == null);
    }

    @Test
    void readsHistoryInOrderCappedFromTheEndOrAfterAnId() {
        String channel = SseIT.channel("history");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = HTTP.post("/api/channels/" + channel + "/events", "application/json",
                    "{\"type\":\"tick\",\"data\":{\"n\":" + i + "}}");
            assertEquals(202, r.statusCode(), r.body());
            ids.add(GatewayHttp.json(r.body()).getString("id"));
        }
        JsonObject all = read("/api/channels/" + channel + "/history");
        assertEquals(ids, idsOf(all));
        assertEquals(ids.get(4), all.getString("position"));
        assertEquals(0, all.getJsonArray("events").getJsonObject(0).getJsonObject("data").getInt("n"));
        assertEquals(channel, all.getJsonArray("events").getJsonObject(0).getString("channel"));
        assertFalse(all.getBoolean("more"));

        JsonObject last = read("/api/channels/" + channel + "/history?limit=2");
        assertEquals(ids.subList(3, 5), idsOf(last), "without since: the newest, oldest first");
        assertTrue(last.getBoolean("more"));

        JsonObject after = read("/api/channels/" + channel + "/history?since=" + ids.get(1) + "&limit=2");
        assertEquals(ids.subList(2, 4), idsOf(after), "after since, exclusive");
        assertTrue(after.getBoolean("more"));
        assertTrue(after.getBoolean("complete"));

        JsonObject none = read("/api/channels/" + channel + "/history?since=" + ids.get(4));
        assertEquals(List.of(), idsOf(none));
        assertFalse(none.getBoolean("more"));

        JsonObject fresh = read("/api/channels/" + SseIT.channel("empty") + "/history");
        assertEquals(List.of(), idsOf(fresh));
        assertTrue(fresh.getString("position").matches("\\d+-\\d+"), fresh.toString());
    }

    @Test
    void badInputIsAProblem() {
        String base = "/api/channels/" + SseIT.channel("bad") + "/history";
        assertProblem(HTTP.get(base + "?limit=0"), 400, "bad_request");
        assertProblem(HTTP.get(base + "?limit=1001"), 400, "bad_request");
        assertProblem(HTTP.get(base + "?limit=ten"), 400, "bad_request");
        assertProblem(HTTP.get(base + "?since=yesterday"), 400, "bad_since");
        assertProblem(HTTP.get("/api/channels/job:a%20b/history"), 400, "bad_channel");
        assertProblem(HTTP.get("/api/channels/nosuchns:1/history"), 404, "unknown_namespace");
    }

    private static JsonObject read(String path) {
        HttpResponse<String> r = HTTP.get(path);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return GatewayHttp.json(r.body());
    }

    private static List<String> idsOf(JsonObject history) {
        return history.getJsonArray("events").getValuesAs(JsonValue::asJsonObject).stream()
                .map(e -> e.getString("id")).toList();
    }

    private static JsonObject entry(String channel) {
        JsonObject entry = entryOrNull(channel);
        assertTrue(entry != null, channel + " missing from /api/channels");
        return entry;
    }

    private static JsonObject entryOrNull(String channel) {
        JsonObject list = read("/api/channels");
        return list.getJsonArray("channels").getValuesAs(JsonValue::asJsonObject).stream()
                .filter(c -> channel.equals(c.getString("channel"))).findFirst().orElse(null);
    }
}
