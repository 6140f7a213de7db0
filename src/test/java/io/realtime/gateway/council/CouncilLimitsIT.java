package io.realtime.gateway.council;

import static io.realtime.gateway.testsupport.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The council's limits, through a gateway that checks tokens (DESIGN §7) and asks two stand-in
 * "twins" that end their answers at the same moment, or hold them until released: exactly one
 * {@code ai_score} and one slot given back per evaluation however the two finish; a per-user cap; an
 * evaluation no one watches is stopped and its slot freed; a request a foreign page can make starts
 * nothing.
 */
class CouncilLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static StandInProviders providers;
    private static GatewayProcess gateway;
    private static GatewayHttp http;
    private static Tokens tokens;

    @BeforeAll
    static void start() throws Exception {
        providers = new StandInProviders();
        tokens = Tokens.generate();
        Map<String, String> env = new HashMap<>(tokens.gatewayEnv());
        env.put("GATEWAY_COUNCIL_PROVIDERS", "twin1,twin2");
        for (String twin : List.of("TWIN1", "TWIN2")) {
            env.put("GATEWAY_COUNCIL_" + twin + "_KIND", "openai");
            env.put("GATEWAY_COUNCIL_" + twin + "_BASE_URL", providers.base(twin.toLowerCase(java.util.Locale.ROOT)));
            env.put("GATEWAY_COUNCIL_" + twin + "_API_KEY", "k-twin");
            env.put("GATEWAY_COUNCIL_" + twin + "_MODEL", "gpt-test");
        }
        env.put("GATEWAY_COUNCIL_MAX_CONCURRENT", "3");
        env.put("GATEWAY_COUNCIL_MAX_PER_USER", "2");
        env.put("GATEWAY_COUNCIL_UNWATCHED_GRACE_MS", "1000");
        env.put("GATEWAY_SSE_HEARTBEAT_SECONDS", "1"); // a viewer that left is noticed at the next heartbeat
        gateway = GatewayProcess.start(env);
        http = new GatewayHttp("http://localhost:" + gateway.httpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            providers.close();
        }
    }

    private static Map<String, String> bearer(String user) {
        return Map.of("Authorization", "Bearer " + tokens.token(user));
    }

    private static String path(String transcript) {
        return "/api/stream/council-score?transcript=" + URLEncoder.encode(transcript, StandardCharsets.UTF_8);
    }

    /** Starts an evaluation as {@code user} and returns its open stream (the caller closes it). */
    private static SseTestClient open(String user, String transcript) throws Exception {
        return SseTestClient.connect(http.uri(path(transcript)), bearer(user));
    }

    /** The evaluation's events from history (no subscription: it does not count as watching). */
    private static List<JsonObject> history(String evaluation, String user) {
        HttpResponse<String> r = http.get("/api/channels/council:" + evaluation + "/history?limit=1000", bearer(user));
        assertEquals(200, r.statusCode(), r.body());
        return GatewayHttp.json(r.body()).getJsonArray("events").getValuesAs(JsonValue::asJsonObject);
    }

    private static long count(List<JsonObject> events, String type) {
        return events.stream().filter(e -> type.equals(e.getString("type"))).count();
    }

    /**
     * Issue 25 item 6 and issue 18 item 7: the twins finish together in every evaluation; each has
     * one ai_score. Then the slots: if any evaluation had given its slot back twice, a fourth
     * evaluation would find room with three held; one user may hold two, not three.
     */
    @Test
    void providersFinishingTogetherScoreOnceAndEachUserHasACap() throws Exception {
        for (int i = 0; i < 30; i++) {
            String user = "racer" + i;
            String evaluation;
            try (SseTestClient sse = open(user, "race " + i)) {
                assertEquals(200, sse.status());
                evaluation = sse.response().headers().firstValue("X-Evaluation-Id").orElseThrow();
                sse.until(f -> "ai_score".equals(f.event()), WAIT);
                sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            List<JsonObject> events = history(evaluation, user);
            assertEquals(2, count(events, "ai_model_done"), events.toString());
            assertEquals(1, count(events, "ai_score"), "evaluation " + i + ": " + events);
        }

        providers.hold();
        List<SseTestClient> held = new ArrayList<>();
        try {
            held.add(open("hog", "hog 1"));
            held.add(open("hog", "hog 2"));
            for (SseTestClient sse : held) {
                assertEquals(200, sse.status());
            }
            HttpResponse<String> third = http.get(path("hog 3"), bearer("hog"));
            JsonObject capped = assertProblem(third, 429, "limit");
            assertEquals("council_per_user", capped.getString("limit"), capped.toString());
            held.add(open("bob", "bob 1"));
            assertEquals(200, held.get(2).status(), "another user still gets a slot");
            JsonObject full = assertProblem(http.get(path("carol 1"), bearer("carol")), 429, "limit");
            assertEquals("council_concurrent", full.getString("limit"), "three slots, three held: " + full);
        } finally {
            providers.release();
        }
        for (SseTestClient sse : held) {
            try (sse) {
                sse.until(f -> "ai_score".equals(f.event()), WAIT);
                sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        try (SseTestClient sse = open("carol", "carol 2")) {
            assertEquals(200, sse.status(), "the slots came back");
            sse.until(f -> "ai_score".equals(f.event()), WAIT);
        }
    }

    /**
     * Issue 18 item 7: the viewer leaves; after the grace the provider calls are cancelled, the
     * evaluation ends (ai_error for each, then ai_score, so a replay still ends) and the slot is back.
     */
    @Test
    void anEvaluationNoOneWatchesIsStoppedAndItsSlotFreed() throws Exception {
        providers.hold();
        String evaluation;
        int cancelledBefore = providers.cancelled.get();
        try {
            SseTestClient sse = open("dave", "dave leaves");
            assertEquals(200, sse.status());
            evaluation = sse.response().headers().firstValue("X-Evaluation-Id").orElseThrow();
            sse.next(f -> "ai_token".equals(f.event()), WAIT); // the twins have answered their first piece
            sse.close(); // the viewer goes away
            Await.until(WAIT, "the evaluation stopped", () -> count(history(evaluation, "dave"), "ai_score") == 1);
            List<JsonObject> events = history(evaluation, "dave");
            assertEquals(2, count(events, "ai_error"), events.toString());
            assertTrue(events.stream().filter(e -> "ai_error".equals(e.getString("type")))
                    .allMatch(e -> e.getJsonObject("data").getString("message").contains("no one was watching")), events.toString());
            Await.until(WAIT, "both provider calls cancelled", () -> providers.cancelled.get() >= cancelledBefore + 2);
            // Both of dave's slots are free again (the cap is 2): the stopped one no longer counts.
            try (SseTestClient one = open("dave", "dave 2"); SseTestClient two = open("dave", "dave 3")) {
                assertEquals(200, one.status());
                assertEquals(200, two.status());
                providers.release();
                one.until(f -> "ai_score".equals(f.event()), WAIT);
                two.until(f -> "ai_score".equals(f.event()), WAIT);
            }
        } finally {
            providers.release();
        }
    }

    /**
     * Issue 18 item 5: with the victim's cookie, a cross-site GET (an EventSource or an image of
     * another site), a HEAD and a cross-site form start nothing; the gateway's own page (which
     * sends Sec-Fetch-Site: same-origin, or its own Origin) and a caller with a bearer token do.
     */
    @Test
    void aRequestAForeignPageCanMakeStartsNoEvaluation() throws Exception {
        String cookie = "gateway_token=" + tokens.token("eve");
        int before = providers.requests("twin1");
        String evil = "https://evil.example";
        assertProblem(send("GET", path("x"), Map.of("Cookie", cookie, "Origin", evil)), 403, "forbidden");
        assertProblem(send("GET", path("x"), Map.of("Cookie", cookie)), 403, "forbidden"); // an <img>
        assertProblem(send("GET", path("x"), Map.of("Cookie", cookie, "Sec-Fetch-Site", "cross-site")), 403, "forbidden");
        assertProblem(send("GET", path("x"), Map.of("Cookie", cookie, "Sec-Fetch-Site", "same-site")), 403, "forbidden");
        assertEquals(405, send("HEAD", path("x"), Map.of("Cookie", cookie, "Origin", evil)).statusCode());
        assertEquals(405, send("HEAD", path("x"), Map.of("Cookie", cookie, "Sec-Fetch-Site", "same-origin")).statusCode());
        HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(http.uri("/api/stream/council-score"))
                .header("Cookie", cookie).header("Origin", evil).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("transcript=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(form, 403, "forbidden");
        assertEquals(before, providers.requests("twin1"), "no provider was asked");

        String own = "http://localhost:" + gateway.httpPort();
        for (Map<String, String> legitimate : List.of(Map.of("Cookie", cookie, "Sec-Fetch-Site", "same-origin"),
                Map.of("Cookie", cookie, "Origin", own), bearer("eve"))) {
            try (SseTestClient sse = SseTestClient.connect(http.uri(path("legitimate")), legitimate)) {
                assertEquals(200, sse.status(), legitimate.keySet().toString());
                List<SseFrame> frames = sse.until(f -> "ai_score".equals(f.event()), WAIT);
                assertTrue(frames.stream().anyMatch(f -> "ai_model_done".equals(f.event())));
                sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertEquals(before + 3, providers.requests("twin1"));
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(http.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
