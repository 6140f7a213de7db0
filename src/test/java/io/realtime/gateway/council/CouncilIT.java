package io.realtime.gateway.council;

import static io.realtime.gateway.testsupport.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AI council against local stand-ins of the providers (their real streaming formats), through a
 * gateway launched with them configured: three models' tokens interleaved on one stream, one that
 * fails mid-stream, one rate-limited, one that stalls; the aggregate checked by hand; a second
 * viewer replays the whole evaluation from history. And the 503 of a gateway with no provider.
 */
class CouncilIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static StandInProviders providers;
    private static GatewayProcess gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() throws Exception {
        providers = new StandInProviders();
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_COUNCIL_PROVIDERS", "openai,anthropic,gemini,perplexity,limited,stalled");
        provider(env, "OPENAI", null, "openai", "k-openai", "gpt-test", "2", null);
        provider(env, "ANTHROPIC", null, "anthropic", "k-anthropic", "claude-test", null, null);
        provider(env, "GEMINI", null, "gemini", "k-gemini", "gemini-test", "1", null);
        provider(env, "PERPLEXITY", null, "perplexity", "k-pplx", "sonar-test", null, null);
        provider(env, "LIMITED", "openai", "limited", "k-limited", "gpt-test", null, null);
        provider(env, "STALLED", "anthropic", "stalled", "k-stalled", "claude-test", null, "1500");
        gateway = GatewayProcess.start(env);
        http = new GatewayHttp("http://localhost:" + gateway.httpPort());
    }

    private static void provider(Map<String, String> env, String name, String kind, String path, String key,
                                 String model, String weight, String timeoutMs) {
        String p = "GATEWAY_COUNCIL_" + name + "_";
        if (kind != null) {
            env.put(p + "KIND", kind);
        }
        env.put(p + "BASE_URL", providers.base(path));
        env.put(p + "API_KEY", key);
        env.put(p + "MODEL", model);
        if (weight != null) {
            env.put(p + "WEIGHT", weight);
        }
        if (timeoutMs != null) {
            env.put(p + "TIMEOUT_MS", timeoutMs);
        }
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

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void everyProviderStreamsIntoOneEvaluationAndTheAggregateIsTheWeightedMean() throws Exception {
        String evaluation;
        List<SseFrame> events;
        try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream/council-score?videoUrl=" + q("https://cdn.example/ad.mp4")
                + "&transcript=" + q("Stop scrolling! Fresh coffee in 10 minutes.") + "&features=" + q("hook,cta")))) {
            assertEquals(200, sse.status());
            evaluation = sse.response().headers().firstValue("X-Evaluation-Id").orElseThrow();
            events = sse.until(f -> "ai_score".equals(f.event()), WAIT).stream().filter(f -> f.event() != null
                    && f.event().startsWith("ai_")).toList();
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertTrue(providers.bodies.get("openai").contains("Stop scrolling! Fresh coffee in 10 minutes."),
                providers.bodies.get("openai"));
        assertTrue(providers.bodies.get("openai").contains("\"stream\":true"));

        // Tokens: each model's pieces, whole and in order, and the three good ones interleaved.
        Map<String, StringBuilder> text = new LinkedHashMap<>();
        Map<String, int[]> span = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            SseFrame f = events.get(i);
            JsonObject data = f.json().getJsonObject("data");
            if ("ai_token".equals(f.event())) {
                String model = data.getString("model");
                text.computeIfAbsent(model, m -> new StringBuilder()).append(data.getString("text"));
                int index = i;
                span.merge(model, new int[] {i, i}, (a, b) -> new int[] {a[0], index});
            }
        }
        assertEquals(String.join("", StandInProviders.OPENAI_TEXT), text.get("openai").toString());
        assertEquals(String.join("", StandInProviders.ANTHROPIC_TEXT), text.get("anthropic").toString());
        assertEquals(String.join("", StandInProviders.GEMINI_TEXT), text.get("gemini").toString());
        for (String a : List.of("openai", "anthropic", "gemini")) {
            for (String b : List.of("openai", "anthropic", "gemini")) {
                assertTrue(span.get(a)[0] < span.get(b)[1], a + " starts before " + b + " ends: interleaved");
            }
        }

        Map<String, JsonObject> done = byModel(events, "ai_model_done");
        assertEquals(80.0, done.get("openai").getJsonNumber("score").doubleValue());
        assertEquals(60.0, done.get("anthropic").getJsonNumber("score").doubleValue());
        assertEquals(90.0, done.get("gemini").getJsonNumber("score").doubleValue());
        assertEquals("Strong visuals but a weak call to action.", done.get("anthropic").getString("rationale"));

        Map<String, JsonObject> errors = byModel(events, "ai_error");
        assertEquals(List.of("limited", "perplexity", "stalled"), errors.keySet().stream().sorted().toList());
        assertTrue(errors.get("perplexity").getString("message").contains("upstream overloaded"), errors.toString());
        assertTrue(errors.get("limited").getString("message").contains("429"), errors.toString());
        assertTrue(errors.get("limited").getString("message").contains("retry after 7"), errors.toString());
        assertTrue(errors.get("stalled").getString("message").contains("stalled"), errors.toString());

        // (80·2 + 60·1 + 90·1) / (2 + 1 + 1) = 310 / 4 = 77.5; spread 90 − 60 = 30
        SseFrame last = events.get(events.size() - 1);
        assertEquals("ai_score", last.event());
        JsonObject score = last.json().getJsonObject("data");
        assertEquals(77.5, score.getJsonNumber("score").doubleValue(), 1e-9);
        assertEquals(30.0, score.getJsonNumber("spread").doubleValue(), 1e-9);
        JsonArray models = score.getJsonArray("models");
        assertEquals(3, models.size());
        assertEquals(2.0, models.getJsonObject(0).getJsonNumber("weight").doubleValue());

        // A second viewer, after the fact: the whole evaluation from history, then the end.
        try (SseTestClient replay = SseTestClient.connect(http.uri("/api/stream/council/" + evaluation))) {
            List<SseFrame> again = replay.until(f -> "ai_score".equals(f.event()), WAIT).stream()
                    .filter(f -> f.event() != null && f.event().startsWith("ai_")).toList();
            assertEquals(events.stream().map(SseFrame::id).toList(), again.stream().map(SseFrame::id).toList());
            replay.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aCreativeIsEvaluatedWithItsOwnPromptFromAPostedForm() throws Exception {
        String form = "headline=" + q("Coffee at your door in 10 minutes") + "&text=" + q("Order now & save 20%.")
                + "&audience=" + q("commuters");
        HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(http.uri("/api/stream/evaluate-creative"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        String body;
        try (java.io.InputStream in = r.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8); // the stream ends after ai_score
        }
        assertTrue(body.contains("event: ai_score"), body);
        String anthropic = providers.bodies.get("anthropic");
        assertTrue(anthropic.contains("Coffee at your door in 10 minutes") && anthropic.contains("single ad creative"), anthropic);
        assertTrue(anthropic.contains("Order now & save 20%."), anthropic);
    }

    @Test
    void badInputIsAProblemAndNoProviderIsA503() throws Exception {
        assertProblem(http.get("/api/stream/council-score?features=hook"), 400, "bad_request");
        assertProblem(http.get("/api/stream/evaluate-creative"), 400, "bad_request");
        GatewayHttp none = GatewayHttp.testServer();
        HttpResponse<String> r = none.get("/api/stream/council-score?transcript=hello");
        JsonObject problem = assertProblem(r, 503, "unavailable");
        assertTrue(problem.getString("detail").contains("No AI provider is configured"), problem.toString());
        assertProblem(none.get("/api/stream/evaluate-creative?headline=hi"), 503, "unavailable");
    }

    private static Map<String, JsonObject> byModel(List<SseFrame> events, String type) {
        return events.stream().filter(f -> type.equals(f.event())).map(f -> f.json().getJsonObject("data"))
                .collect(Collectors.toMap(d -> d.getString("model"), d -> d));
    }
}
