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
    private static final int MAX_FORM_BYTES = 65536;
    /** What the browser adds to an EventSource of the gateway's own page (DESIGN §7). */
    private static final Map<String, String> OWN_PAGE = Map.of("Sec-Fetch-Site", "same-origin");
    private static StandInProviders providers;
    private static GatewayProcess gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() throws Exception {
        providers = new StandInProviders();
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_COUNCIL_PROVIDERS", "openai,anthropic,gemini,perplexity,limited,stalled,cut,retried");
        provider(env, "OPENAI", null, "openai", "k-openai", "gpt-test", "2", null);
        provider(env, "ANTHROPIC", null, "anthropic", "k-anthropic", "claude-test", null, null);
        provider(env, "GEMINI", null, "gemini", "k-gemini", "gemini-test", "1", null);
        provider(env, "PERPLEXITY", null, "perplexity", "k-pplx", "sonar-test", null, null);
        provider(env, "LIMITED", "openai", "limited", "k-limited", "gpt-test", null, null);
        provider(env, "STALLED", "anthropic", "stalled", "k-stalled", "claude-test", null, "1500");
        provider(env, "CUT", "openai", "cut", "k-cut", "gpt-test", null, null);
        provider(env, "RETRIED", "openai", "retried", "k-retried", "gpt-test", null, null);
        env.put("GATEWAY_COUNCIL_MAX_FORM_BYTES", String.valueOf(MAX_FORM_BYTES));
        env.put("GATEWAY_COUNCIL_MAX_PER_USER", "50"); // every test here is one user (one address)
        env.put("GATEWAY_COUNCIL_MAX_CONCURRENT", "50");
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
        providers.resetSteps();
        int retriedBefore = providers.requests("retried");
        int limitedBefore = providers.requests("limited");
        try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream/council-score?videoUrl=" + q("https://cdn.example/ad.mp4")
                + "&transcript=" + q("Stop scrolling! Fresh coffee in 10 minutes. " + StandInProviders.IN_STEP)
                + "&features=" + q("hook,cta")), OWN_PAGE)) {
            assertEquals(200, sse.status());
            evaluation = sse.response().headers().firstValue("X-Evaluation-Id").orElseThrow();
            // Each token seen lets the stand-ins take their next step: they interleave by construction.
            events = sse.until(f -> {
                if ("ai_token".equals(f.event())) {
                    providers.seen(f.json().getJsonObject("data").getString("model"));
                }
                return "ai_score".equals(f.event());
            }, WAIT).stream().filter(f -> f.event() != null && f.event().startsWith("ai_")).toList();
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
        assertEquals(List.of("anthropic", "cut", "gemini", "openai", "perplexity", "retried", "stalled"),
                text.keySet().stream().sorted().toList(), () -> "tokens of every model that sent text; the events: "
                        + events.stream().map(f -> f.event() + " " + f.json().getJsonObject("data")).toList());
        for (String a : List.of("openai", "anthropic", "gemini")) {
            for (String b : List.of("openai", "anthropic", "gemini")) {
                assertTrue(span.get(a)[0] < span.get(b)[1], a + " starts before " + b + " ends: interleaved");
            }
        }

        Map<String, JsonObject> done = byModel(events, "ai_model_done");
        assertEquals(80.0, done.get("openai").getJsonNumber("score").doubleValue());
        assertEquals(60.0, done.get("anthropic").getJsonNumber("score").doubleValue());
        assertEquals(90.0, done.get("gemini").getJsonNumber("score").doubleValue());
        // A 429 with a short Retry-After is asked again, within the budget, and answers the second time.
        assertEquals(70.0, done.get("retried").getJsonNumber("score").doubleValue());
        assertEquals(retriedBefore + 2, providers.requests("retried"), "one 429, then the answer");
        assertEquals("Strong visuals but a weak call to action.", done.get("anthropic").getString("rationale"));

        Map<String, JsonObject> errors = byModel(events, "ai_error");
        assertEquals(List.of("cut", "limited", "perplexity", "stalled"), errors.keySet().stream().sorted().toList());
        assertTrue(errors.get("perplexity").getString("message").contains("upstream overloaded"), errors.toString());
        // A wait past the evaluation's time budget is not waited for: one request, the error names it.
        assertTrue(errors.get("limited").getString("message").contains("429"), errors.toString());
        assertTrue(errors.get("limited").getString("message").contains("retry after 3600"), errors.toString());
        assertEquals(limitedBefore + 1, providers.requests("limited"));
        // "SCORE: 9" and then the connection closed, no [DONE]: not a score of 9.
        assertTrue(errors.get("cut").getString("message").contains("ended before its end (data: [DONE])"), errors.toString());
        assertTrue(errors.get("stalled").getString("message").contains("stalled"), errors.toString());

        // (80·2 + 60·1 + 90·1 + 70·1) / (2 + 1 + 1 + 1) = 380 / 5 = 76; spread 90 − 60 = 30
        SseFrame last = events.get(events.size() - 1);
        assertEquals("ai_score", last.event());
        assertEquals(1, events.stream().filter(f -> "ai_score".equals(f.event())).count());
        JsonObject score = last.json().getJsonObject("data");
        assertEquals(76.0, score.getJsonNumber("score").doubleValue(), 1e-9);
        assertEquals(30.0, score.getJsonNumber("spread").doubleValue(), 1e-9);
        JsonArray models = score.getJsonArray("models");
        assertEquals(4, models.size());
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
        assertProblem(http.get("/api/stream/council-score?features=hook", OWN_PAGE), 400, "bad_request");
        assertProblem(http.get("/api/stream/evaluate-creative", OWN_PAGE), 400, "bad_request");
        GatewayHttp none = GatewayHttp.testServer();
        HttpResponse<String> r = none.get("/api/stream/council-score?transcript=hello", OWN_PAGE);
        JsonObject problem = assertProblem(r, 503, "unavailable");
        assertTrue(problem.getString("detail").contains("No AI provider is configured"), problem.toString());
        assertProblem(none.get("/api/stream/evaluate-creative?headline=hi", OWN_PAGE), 503, "unavailable");
    }

    /** Issue 25 item 4: a form without a charset (as browsers and curl send it) is UTF-8. */
    @Test
    void aFormWithoutACharsetIsReadAsUtf8() throws Exception {
        String form = "headline=" + q("Café €3 — naïve") + "&text=" + q("Crème brûlée 🍮") + "&audience=" + q("gourmets");
        HttpResponse<String> r = http.post("/api/stream/evaluate-creative", "application/x-www-form-urlencoded", form);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("event: ai_score"), r.body());
        String sent = providers.bodies.get("openai");
        assertTrue(sent.contains("Headline: Café €3 — naïve") && sent.contains("Crème brûlée 🍮"), sent);
    }

    /**
     * Issue 18 item 2: a form is bounded before it is read: one announced too large is refused at
     * once (this one never sends its 200 MB), one sent chunked is refused at the first byte past
     * the bound; neither starts anything.
     */
    @Test
    void aFormIsBoundedBeforeItIsRead() throws Exception {
        int before = providers.requests("openai");
        RawAnswer lying = raw("POST /api/stream/council-score HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 209715200\r\n\r\n",
                "transcript=hello&".getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, lying.status(), lying.toString());
        assertTrue(lying.head().toLowerCase(java.util.Locale.ROOT).contains("application/problem+json"), lying.toString());
        assertTrue(lying.body().contains("\"too_large\"") && lying.body().contains("max-form-bytes"), lying.toString());

        StringBuilder chunked = new StringBuilder();
        String piece = "transcript=" + "a".repeat(1000) + "&";
        for (int sent = 0; sent <= MAX_FORM_BYTES; sent += piece.length()) {
            chunked.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        RawAnswer unannounced = raw("POST /api/stream/evaluate-creative HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
                chunked.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, unannounced.status(), unannounced.toString());
        assertTrue(unannounced.body().contains("\"too_large\""), unannounced.toString());
        assertEquals(before, providers.requests("openai"), "no evaluation started");
    }

    /**
     * Issue 25 item 7: a reconnect (an EventSource after the end of its stream) never starts a new
     * evaluation, and a stream that has ended answers 204 to a client that saw its end, which makes
     * an EventSource stop; one that missed the end gets the tail, end included, and the end.
     */
    @Test
    void aReconnectNeverStartsAnEvaluationAndAnEndedStreamAnswers204() throws Exception {
        String start = "/api/stream/evaluate-creative?headline=" + q("Reconnect me");
        List<SseFrame> events;
        String evaluation;
        try (SseTestClient sse = SseTestClient.connect(http.uri(start), OWN_PAGE)) {
            assertEquals(200, sse.status());
            evaluation = sse.response().headers().firstValue("X-Evaluation-Id").orElseThrow();
            events = sse.until(f -> "ai_score".equals(f.event()), WAIT).stream()
                    .filter(f -> f.event() != null && f.event().startsWith("ai_")).toList();
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        String last = events.get(events.size() - 1).id();
        int before = providers.requests("openai");
        Map<String, String> reconnect = new HashMap<>(OWN_PAGE);
        reconnect.put("Last-Event-ID", last);
        HttpResponse<String> again = http.get(start, reconnect);
        assertEquals(204, again.statusCode(), again.body());
        assertEquals(before, providers.requests("openai"), "a reconnect starts no evaluation");
        reconnect.put("Last-Event-ID", events.get(0).id()); // even one that missed the end: it cannot say which evaluation
        assertEquals(204, http.get(start, reconnect).statusCode());
        assertEquals(before, providers.requests("openai"));

        String replay = "/api/stream/council/" + evaluation;
        assertEquals(204, http.get(replay, Map.of("Last-Event-ID", last)).statusCode());
        HttpResponse<String> tail = http.get(replay, Map.of("Last-Event-ID", events.get(events.size() - 2).id()));
        assertEquals(200, tail.statusCode());
        assertTrue(tail.body().contains("id: " + last + "\nevent: ai_score") || tail.body().contains("event: ai_score"), tail.body());

        // The seed's job stream alike: the end once, then 204.
        String job = "job:reconnect-" + System.nanoTime();
        String progress = http.publish(job, "job_progress", "{\"frame\":1,\"totalFrames\":2}");
        String completed = http.publish(job, "job_completed", "{\"outputUrl\":\"https://cdn.example/out.mp4\"}");
        String path = "/api/stream/render-progress/" + job.substring("job:".length());
        HttpResponse<String> first = http.get(path);
        assertEquals(200, first.statusCode());
        assertTrue(first.body().contains("event: job_completed"), first.body()); // and the stream ended
        assertEquals(204, http.get(path, Map.of("Last-Event-ID", completed)).statusCode());
        assertEquals(204, http.get(path + "?lastEventId=" + completed).statusCode());
        HttpResponse<String> missed = http.get(path, Map.of("Last-Event-ID", progress));
        assertEquals(200, missed.statusCode());
        assertTrue(missed.body().contains("event: job_completed"), missed.body());
    }

    private record RawAnswer(int status, String head, String body) {
    }

    /** One request on a socket of its own, written as given; the answer's head and body (by its Content-Length or chunks). */
    private static RawAnswer raw(String head, byte[] body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", gateway.httpPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            StringBuilder h = new StringBuilder();
            while (!h.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                h.append((char) b);
            }
            String answerHead = h.toString();
            int status = Integer.parseInt(answerHead.substring(9, 12));
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(answerHead);
            byte[] content;
            if (length.find()) {
                content = new byte[Integer.parseInt(length.group(1))];
                in.readFully(content);
            } else {
                java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
                while (true) {
                    StringBuilder line = new StringBuilder();
                    int b;
                    while ((b = in.read()) >= 0 && b != '\n') {
                        line.append((char) b);
                    }
                    int size = Integer.parseInt(line.toString().trim().split(";")[0], 16);
                    if (size == 0) {
                        break;
                    }
                    byte[] chunk = new byte[size];
                    in.readFully(chunk);
                    chunks.write(chunk);
                    in.readLine(); // the CRLF after the chunk
                }
                content = chunks.toByteArray();
            }
            return new RawAnswer(status, answerHead, new String(content, StandardCharsets.UTF_8));
        }
    }

    private static Map<String, JsonObject> byModel(List<SseFrame> events, String type) {
        return events.stream().filter(f -> type.equals(f.event())).map(f -> f.json().getJsonObject("data"))
                .collect(Collectors.toMap(d -> d.getString("model"), d -> d));
    }
}
