package io.realtime.gateway.it;

import static io.realtime.gateway.testsupport.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A product stream declared in one place (DESIGN §5: {@code gateway.routes}): this test declares a
 * stream the product does not have, {@code tick-counts} over a namespace {@code tick} no setting
 * lists, only in the environment of the gateway it starts, and uses it as a client would: its route
 * streams the channel, starts with the latest event, ends after the declared end event (a reconnect
 * past it gets 204), refuses a bad id and an undeclared route with problems, and the OpenAPI document
 * describes it. No code of the gateway names it.
 */
class DeclaredStreamIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static GatewayProcess gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayProcess.start(Map.of(
                "GATEWAY_ROUTES", "tick-counts",
                "GATEWAY_ROUTE_TICK_COUNTS_CHANNEL", "tick:{counterId}",
                "GATEWAY_ROUTE_TICK_COUNTS_START", "latest",
                "GATEWAY_ROUTE_TICK_COUNTS_END_ON", "tick_done",
                "GATEWAY_ROUTE_TICK_COUNTS_SUMMARY", "A counter's ticks over SSE",
                "GATEWAY_ROUTE_TICK_COUNTS_EVENTS", "The stream of tick:{counterId}: event: tick, then event: tick_done."));
        http = new GatewayHttp("http://localhost:" + gateway.httpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theDeclaredRouteStreamsItsChannelFromTheLatestEventToTheEndEvent() throws Exception {
        http.publish("tick:c1", "tick", "{\"n\":1}");
        http.publish("tick:c1", "tick", "{\"n\":2}");
        String doneId;
        try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream/tick-counts/c1"))) {
            assertEquals(200, sse.status());
            List<SseFrame> opening = sse.until(f -> "position".equals(f.event()), WAIT);
            List<SseFrame> ticks = opening.stream().filter(f -> "tick".equals(f.event())).toList();
            assertEquals(1, ticks.size(), "start: latest sends the last event only: " + opening);
            assertEquals(2, ticks.get(0).json().getJsonObject("data").getInt("n"));
            assertEquals("tick:c1", ticks.get(0).json().getString("channel"));

            http.publish("tick:c1", "tick", "{\"n\":3}");
            assertEquals(3, sse.events("tick", 1, WAIT).get(0).json().getJsonObject("data").getInt("n"));
            http.publish("tick:c1", "tick_done", "{\"n\":3}");
            doneId = sse.events("tick_done", 1, WAIT).get(0).id();
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertNotNull(doneId);
        // A reconnect at the end event: 204, so an EventSource stops (DESIGN §5).
        try (SseTestClient again = SseTestClient.connect(http.uri("/api/stream/tick-counts/c1"),
                Map.of("Last-Event-ID", doneId))) {
            assertEquals(204, again.status());
        }
    }

    @Test
    void badIdsAndUndeclaredRoutesAreProblems() {
        assertProblem(http.get("/api/stream/tick-counts/bad%20id"), 400, "bad_channel");
        assertProblem(http.get("/api/stream/no-such-route/c1"), 404, "not_found");
    }

    @Test
    void theOpenApiDocumentDescribesTheDeclaredRoute() {
        JsonObject doc = GatewayHttp.json(http.get("/openapi?format=JSON").body());
        JsonObject paths = doc.getJsonObject("paths");
        JsonObject get = paths.getJsonObject("/api/stream/tick-counts/{counterId}").getJsonObject("get");
        assertEquals("A counter's ticks over SSE", get.getString("summary"));
        assertTrue(get.getJsonObject("responses").getJsonObject("200").getString("description").contains("event: tick_done"));
        assertTrue(get.getJsonObject("responses").containsKey("401"));
        assertTrue(paths.keySet().stream().noneMatch(p -> p.contains("{route}")), "the serving method is not documented: " + paths.keySet());
        assertTrue(paths.keySet().stream().noneMatch(p -> p.startsWith("/api/stream/render-progress")),
                "only declared routes are documented: " + paths.keySet());
    }
}
