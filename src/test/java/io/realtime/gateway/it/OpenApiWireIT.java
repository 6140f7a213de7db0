package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.Tokens;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document ({@code /openapi}) is true to the wire: every operation it documents is called
 * on a live gateway, the way it succeeds and the ways it is refused, and each answer's status must be
 * one the document lists for the operation, with the content type it lists for that status (none for
 * a 204); an event stream's first event must be one its documented description names. The calls
 * cover every documented operation and nothing else, so a route added without calls here (or
 * without documentation) fails this test.
 *
 * <p>The gateway checks tokens (so 401 and 403 are real answers) and has one AI provider, a local
 * stand-in speaking OpenAI's streaming format, so the council's streams start.
 */
class OpenApiWireIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static Tokens tokens;
    private static HttpServer provider;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        tokens = Tokens.generate();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Clear. SCORE: 70\"}}]}\n\n"
                        + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        provider.start();
        Map<String, String> env = new HashMap<>(tokens.gatewayEnv());
        env.put("GATEWAY_COUNCIL_PROVIDERS", "standin");
        env.put("GATEWAY_COUNCIL_STANDIN_KIND", "openai");
        env.put("GATEWAY_COUNCIL_STANDIN_BASE_URL", "http://127.0.0.1:" + provider.getAddress().getPort() + "/v1");
        env.put("GATEWAY_COUNCIL_STANDIN_API_KEY", "k-standin");
        env.put("GATEWAY_COUNCIL_STANDIN_MODEL", "standin-model");
        // Every start the test makes is its one user's: the per-user cap is not what it checks.
        env.put("GATEWAY_COUNCIL_MAX_PER_USER", "100");
        env.put("GATEWAY_COUNCIL_MAX_CONCURRENT", "100");
        // Presence (DESIGN §11) on for job and alerts: in memory here (no Redis).
        env.put("GATEWAY_NAMESPACE_JOB_PRESENCE", "true");
        env.put("GATEWAY_NAMESPACE_ALERTS_PRESENCE", "true");
        gateway = GatewayProcess.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (provider != null) {
                provider.stop(0);
            }
        }
    }

    /** One request, and the status it is meant to get (so a case cannot quietly test something else). */
    private record Call(String method, String path, String token, String contentType, String body, int expected) {
    }

    @Test
    void everyDocumentedOperationAnswersAsItsDocumentSays() throws Exception {
        GatewayHttp http = new GatewayHttp("http://localhost:" + gateway.httpPort());
        JsonObject doc = GatewayHttp.json(http.get("/openapi?format=JSON").body());
        Map<String, List<Call>> calls = calls();

        Set<String> documented = new TreeSet<>();
        doc.getJsonObject("paths").forEach((path, item) -> item.asJsonObject().keySet().stream()
                .filter(k -> Set.of("get", "post", "put", "delete", "patch").contains(k))
                .forEach(verb -> documented.add(verb.toUpperCase(Locale.ROOT) + " " + path)));
        assertEquals(documented, new TreeSet<>(calls.keySet()), "every documented operation is called, and only those");

        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, List<Call>> op : calls.entrySet()) {
            String[] key = op.getKey().split(" ", 2);
            JsonObject responses = doc.getJsonObject("paths").getJsonObject(key[1])
                    .getJsonObject(key[0].toLowerCase(Locale.ROOT)).getJsonObject("responses");
            for (Call call : op.getValue()) {
                Answer answer = send(call);
                String what = op.getKey() + " as " + call.path() + (call.token() == null ? " (no token)" : "")
                        + ": " + answer.status() + " " + answer.contentType();
                checked++;
                if (answer.status() != call.expected()) {
                    wrong.add(what + ": expected " + call.expected() + " " + answer.body());
                    continue;
                }
                JsonObject documentedResponse = resolve(doc, responses.get(String.valueOf(answer.status())));
                if (documentedResponse == null) {
                    wrong.add(what + ": status not documented (documented: " + responses.keySet() + ")");
                    continue;
                }
                JsonObject content = documentedResponse.getJsonObject("content");
                if (answer.contentType() == null) {
                    if (content != null && !content.isEmpty()) {
                        wrong.add(what + ": no body, documented " + content.keySet());
                    }
                    continue;
                }
                if (content == null || !content.containsKey(answer.contentType())) {
                    wrong.add(what + ": documented " + (content == null ? "no content" : content.keySet()));
                    continue;
                }
                if (answer.firstEvent() != null
                        && !documentedResponse.getString("description", "").contains("event: " + answer.firstEvent())) {
                    wrong.add(what + ": first event '" + answer.firstEvent() + "' not described: "
                            + documentedResponse.getString("description", ""));
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + checked + " answers differ from the document:\n"
                + String.join("\n", wrong));
    }

    /** What the document says for a status: the response itself, or the shared one it refers to. */
    private static JsonObject resolve(JsonObject doc, JsonValue response) {
        if (response == null) {
            return null;
        }
        JsonObject r = response.asJsonObject();
        if (r.containsKey("$ref")) {
            String name = r.getString("$ref").substring("#/components/responses/".length());
            return doc.getJsonObject("components").getJsonObject("responses").getJsonObject(name);
        }
        return r;
    }

    /** The calls of every operation, by "VERB /path" as the document names it. */
    private static Map<String, List<Call>> calls() throws Exception {
        String alice = tokens.token("alice");
        String publisher = tokens.token("svc-openapi", "publisher");
        String admin = tokens.token("root", "admin");
        String job = "job:openapi-" + UUID.randomUUID();
        Map<String, List<Call>> calls = new LinkedHashMap<>();

        calls.put("GET /api/stream", List.of(
                new Call("GET", "/api/stream?channel=" + job, alice, null, null, 200),
                new Call("GET", "/api/stream", alice, null, null, 400),
                new Call("GET", "/api/stream?channel=nowhere:1", alice, null, null, 404),
                new Call("GET", "/api/stream?channel=alerts:bob", alice, null, null, 403),
                new Call("GET", "/api/stream?channel=" + job, null, null, null, 401)));
        for (String[] seed : new String[][] {{"render-progress", "jobId"}, {"campaign-metrics", "campaignId"},
                {"ab-test-results", "testId"}}) {
            String base = "/api/stream/" + seed[0] + "/";
            calls.put("GET " + base + "{" + seed[1] + "}", List.of(
                    new Call("GET", base + "openapi-7", alice, null, null, 200),
                    new Call("GET", base + "bad%20id", alice, null, null, 400),
                    new Call("GET", base + "openapi-7", null, null, null, 401)));
        }
        String form = "application/x-www-form-urlencoded";
        // A start by GET with no token and nothing that proves its page's origin is what a foreign page
        // can make (an <img>): refused as such before anything else (DESIGN §7), so 403, not 401.
        calls.put("GET /api/stream/council-score", List.of(
                new Call("GET", "/api/stream/council-score?videoUrl=https%3A%2F%2Fcdn.example%2Fad.mp4", alice, null, null, 200),
                new Call("GET", "/api/stream/council-score", alice, null, null, 400),
                new Call("GET", "/api/stream/council-score?videoUrl=u", null, null, null, 403)));
        calls.put("POST /api/stream/council-score", List.of(
                new Call("POST", "/api/stream/council-score", alice, form, "transcript=Buy+now", 200),
                new Call("POST", "/api/stream/council-score", alice, form, "", 400),
                new Call("POST", "/api/stream/council-score", alice, form, "transcript=" + "x".repeat(120_000), 413),
                new Call("POST", "/api/stream/council-score", alice, "application/json", "{}", 415),
                new Call("POST", "/api/stream/council-score", null, form, "transcript=Buy+now", 401)));
        calls.put("GET /api/stream/evaluate-creative", List.of(
                new Call("GET", "/api/stream/evaluate-creative?headline=Summer+sale", alice, null, null, 200),
                new Call("GET", "/api/stream/evaluate-creative", alice, null, null, 400),
                new Call("GET", "/api/stream/evaluate-creative?headline=x", null, null, null, 403)));
        calls.put("POST /api/stream/evaluate-creative", List.of(
                new Call("POST", "/api/stream/evaluate-creative", alice, form, "headline=Summer+sale", 200),
                new Call("POST", "/api/stream/evaluate-creative", alice, form, "", 400),
                new Call("POST", "/api/stream/evaluate-creative", null, form, "headline=x", 401)));
        calls.put("GET /api/stream/council/{evaluationId}", List.of(
                new Call("GET", "/api/stream/council/" + UUID.randomUUID(), alice, null, null, 200),
                new Call("GET", "/api/stream/council/bad%20id", alice, null, null, 400),
                new Call("GET", "/api/stream/council/" + UUID.randomUUID(), null, null, null, 401)));

        String event = "{\"type\":\"job_log\",\"data\":{\"line\":\"hello\"}}";
        calls.put("POST /api/channels/{channel}/events", List.of(
                new Call("POST", "/api/channels/" + job + "/events", publisher, "application/json", event, 202),
                new Call("POST", "/api/channels/bad%20name/events", publisher, "application/json", event, 400),
                new Call("POST", "/api/channels/" + job + "/events", publisher, "application/json", "{\"data\":{}}", 422),
                new Call("POST", "/api/channels/nowhere:1/events", publisher, "application/json", event, 404),
                new Call("POST", "/api/channels/" + job + "/events", publisher, "text/plain", event, 415),
                new Call("POST", "/api/channels/" + job + "/events", alice, "application/json", event, 403),
                new Call("POST", "/api/channels/" + job + "/events", null, "application/json", event, 401)));
        String batch = "[{\"channel\":\"" + job + "\",\"type\":\"job_log\",\"data\":{}}]";
        calls.put("POST /api/events", List.of(
                new Call("POST", "/api/events", publisher, "application/json", batch, 202),
                new Call("POST", "/api/events", publisher, "application/json", "[{", 400),
                new Call("POST", "/api/events", alice, "application/json", batch, 403),
                new Call("POST", "/api/events", null, "application/json", batch, 401)));
        calls.put("GET /api/channels", List.of(
                new Call("GET", "/api/channels", admin, null, null, 200),
                new Call("GET", "/api/channels", alice, null, null, 403),
                new Call("GET", "/api/channels", null, null, null, 401)));
        calls.put("GET /api/channels/{channel}/presence", List.of(
                new Call("GET", "/api/channels/" + job + "/presence?limit=5", alice, null, null, 200),
                new Call("GET", "/api/channels/" + job + "/presence?limit=x", alice, null, null, 400),
                new Call("GET", "/api/channels/campaign:1/presence", alice, null, null, 404),
                new Call("GET", "/api/channels/alerts:bob/presence", alice, null, null, 403),
                new Call("GET", "/api/channels/" + job + "/presence", null, null, null, 401)));
        calls.put("GET /api/channels/{channel}/presence/stats", List.of(
                new Call("GET", "/api/channels/" + job + "/presence/stats", alice, null, null, 200),
                new Call("GET", "/api/channels/bad%20name/presence/stats", alice, null, null, 400),
                new Call("GET", "/api/channels/nowhere:1/presence/stats", alice, null, null, 404),
                new Call("GET", "/api/channels/alerts:bob/presence/stats", alice, null, null, 403),
                new Call("GET", "/api/channels/" + job + "/presence/stats", null, null, null, 401)));
        calls.put("GET /api/channels/{channel}/history", List.of(
                new Call("GET", "/api/channels/" + job + "/history?limit=5", alice, null, null, 200),
                new Call("GET", "/api/channels/" + job + "/history?limit=x", alice, null, null, 400),
                new Call("GET", "/api/channels/nowhere:1/history", alice, null, null, 404),
                new Call("GET", "/api/channels/alerts:bob/history", alice, null, null, 403),
                new Call("GET", "/api/channels/" + job + "/history", null, null, null, 401)));
        calls.put("GET /api/realtime/stats", List.of(
                new Call("GET", "/api/realtime/stats", null, null, null, 200)));
        calls.put("POST /api/admin/users/{userId}/disconnect", List.of(
                new Call("POST", "/api/admin/users/bob/disconnect", admin, null, "", 200),
                new Call("POST", "/api/admin/users/bob/disconnect", alice, null, "", 403),
                new Call("POST", "/api/admin/users/bob/disconnect", null, null, "", 401)));
        calls.put("POST /api/admin/revocations", List.of(
                new Call("POST", "/api/admin/revocations", admin, "application/json", "{\"jti\":\"openapi-1\"}", 200),
                new Call("POST", "/api/admin/revocations", admin, "application/json", "{}", 400),
                new Call("POST", "/api/admin/revocations", alice, "application/json", "{\"jti\":\"x\"}", 403),
                new Call("POST", "/api/admin/revocations", null, "application/json", "{\"jti\":\"x\"}", 401)));

        String rule = "{\"userId\":\"alice\",\"campaignId\":\"7\",\"metric\":\"cpc\",\"operator\":\"above\",\"threshold\":5}";
        String id = createRule(alice, rule);
        String other = createRule(alice, rule);
        calls.put("POST /api/alerts/rules", List.of(
                new Call("POST", "/api/alerts/rules", alice, "application/json", rule, 201),
                new Call("POST", "/api/alerts/rules", alice, "application/json", "{", 400),
                new Call("POST", "/api/alerts/rules", alice, "application/json", rule.replace("cpc", "nope"), 422),
                new Call("POST", "/api/alerts/rules", alice, "text/plain", rule, 415),
                new Call("POST", "/api/alerts/rules", alice, "application/json", rule.replace("alice", "bob"), 403),
                new Call("POST", "/api/alerts/rules", null, "application/json", rule, 401)));
        calls.put("GET /api/alerts/rules", List.of(
                new Call("GET", "/api/alerts/rules?userId=alice", alice, null, null, 200),
                new Call("GET", "/api/alerts/rules?userId=bob", alice, null, null, 403),
                new Call("GET", "/api/alerts/rules?userId=alice", null, null, null, 401)));
        calls.put("GET /api/alerts/rules/{id}", List.of(
                new Call("GET", "/api/alerts/rules/" + id, alice, null, null, 200),
                new Call("GET", "/api/alerts/rules/" + UUID.randomUUID(), alice, null, null, 404),
                new Call("GET", "/api/alerts/rules/" + id, tokens.token("bob"), null, null, 403),
                new Call("GET", "/api/alerts/rules/" + id, null, null, null, 401)));
        calls.put("DELETE /api/alerts/rules/{id}", List.of(
                new Call("DELETE", "/api/alerts/rules/" + other, tokens.token("bob"), null, null, 403),
                new Call("DELETE", "/api/alerts/rules/" + other, null, null, null, 401),
                new Call("DELETE", "/api/alerts/rules/" + other, alice, null, null, 204),
                new Call("DELETE", "/api/alerts/rules/" + other, alice, null, null, 404)));
        return calls;
    }

    private static String createRule(String token, String rule) throws Exception {
        Answer created = send(new Call("POST", "/api/alerts/rules", token, "application/json", rule, 201));
        assertEquals(201, created.status(), created.body());
        return GatewayHttp.json(created.body()).getString("id");
    }

    /** The status, the media type (no parameters; null with no body), the body, an event stream's first event. */
    private record Answer(int status, String contentType, String body, String firstEvent) {
    }

    private static Answer send(Call call) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.httpPort()
                + call.path())).timeout(WAIT);
        if (call.token() != null) {
            request.header("Authorization", "Bearer " + call.token());
        }
        if (call.contentType() != null) {
            request.header("Content-Type", call.contentType());
        }
        request.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(call.body()));
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String type = response.headers().firstValue("Content-Type")
                .map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse(null);
        try (InputStream in = response.body()) {
            if ("text/event-stream".equals(type)) {
                // A stream does not end by itself: read up to its first event, then hang up.
                return new Answer(response.statusCode(), type, "", firstEvent(in));
            }
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), body.isEmpty() && type == null ? null : type, body, null);
        }
    }

    private static String firstEvent(InputStream in) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        return line.substring("event:".length()).trim();
                    }
                }
                return null;
            } catch (Exception e) {
                return null;
            }
        });
        return event.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
