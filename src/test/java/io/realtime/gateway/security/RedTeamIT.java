package io.realtime.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.Problems;
import io.realtime.gateway.testsupport.PrometheusText;
import io.realtime.gateway.testsupport.RawWebSocket;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The red team's findings of issue 18, each replayed through the gateway's real interfaces against
 * one gateway with tokens on (one process for the class: a start costs more than every test here):
 * cross-site WebSocket hijacking on every path the container maps to the endpoint, huge bodies
 * without a token, alert rules past namespace permissions, forged control events, forged log lines,
 * error pages naming Java classes, out-of-range numbers, and the smaller items. What needs two
 * instances and Redis is in {@code cluster.RedTeamClusterIT}; the bounded fuzz run is
 * {@link #fuzzedOpsAndPublishesNeverFailTheServerOrABystander()}.
 */
class RedTeamIT {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String EVIL = "https://evil.example";
    /** How far a refused body may get before the answer: the socket buffers, never the body. */
    static final long EARLY_BYTES = 64L << 20;

    static Tokens tokens;
    static GatewayProcess gateway;
    static GatewayHttp http;
    static URI ws;
    static final HttpClient RAW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        tokens = Tokens.generate();
        Map<String, String> env = new HashMap<>(tokens.gatewayEnv());
        // Campaign figures are for analysts here: what an alert rule must not get round.
        env.put("GATEWAY_NAMESPACE_CAMPAIGN_SUBSCRIBE", "role:analyst");
        env.put("GATEWAY_NAMESPACE_CAMPAIGN_PRESENCE", "true");
        env.put("GATEWAY_WS_AUTH_TIMEOUT_SECONDS", "2");
        env.put("GATEWAY_LIMITS_CONNECTIONS_PER_USER", "2");
        gateway = GatewayProcess.start(env);
        http = new GatewayHttp("http://localhost:" + gateway.httpPort());
        ws = URI.create("ws://localhost:" + gateway.httpPort() + "/ws");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    static String own() {
        return "http://localhost:" + gateway.httpPort();
    }

    static Map<String, String> sse(String token) {
        Map<String, String> h = new LinkedHashMap<>(Tokens.bearer(token));
        h.put("Accept", "text/event-stream");
        return h;
    }

    // 1. Cross-site WebSocket hijacking ------------------------------------------------------------

    @Test
    void aForeignPageCannotOpenAWebSocketWithTheVictimsCookieOnAnyPath() throws Exception {
        String cookie = "gateway_token=" + tokens.token("alice");
        // The issue's variants (each routed to the endpoint, which the same-origin control below
        // proves), and others a container may map: case, an encoded slash, a query, dot segments.
        List<String> routed = List.of("/ws", "/ws/", "/ws//", "//ws/", "/ws;x=1/", "/./ws/", "/ws?x=1", "/x/../ws");
        List<String> others = List.of("/WS", "/Ws/", "/ws%2F", "/ws%2f", "/%77s", "/ws/.", "/ws;jsessionid=1",
                "/api/../ws", "/ws#x");
        for (String path : concat(routed, others)) {
            String head = refusedHead(path, Map.of("Origin", EVIL, "Cookie", cookie));
            assertFalse(head.startsWith("HTTP/1.1 101"), path + " upgraded for " + EVIL + ": " + head);
            assertTrue(head.startsWith("HTTP/1.1 4"), path + ": " + head);
        }
        for (String path : routed) {
            // The victim's own page on the same paths: upgraded, so the refusals above are the check's.
            try (RawWebSocket own = RawWebSocket.connect("localhost", gateway.httpPort(), path,
                    Map.of("Origin", own(), "Cookie", cookie))) {
                own.sendText("{\"op\":\"subscribe\",\"channel\":\"alerts:alice\",\"ref\":\"r\"}");
                RawWebSocket.Frame f = own.next(WAIT);
                assertTrue(f != null && f.text().contains("\"subscribed\""), path + ": " + (f == null ? null : f.text()));
            }
        }
        // The refusal is the problem document, before any upgrade.
        String refused = rawExchange("GET /ws/ HTTP/1.1\r\nHost: localhost\r\nOrigin: " + EVIL + "\r\nCookie: " + cookie
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 403"), refused);
        assertTrue(refused.contains("application/problem+json") && refused.contains("\"code\":\"forbidden\""), refused);
    }

    /** Sends a request as written and reads the answer until the server closes or goes quiet. */
    static String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("localhost", gateway.httpPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    if (text.contains("\r\n\r\n") && text.endsWith("}")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The answer's head to a handshake on {@code path}; fails if it upgraded and a frame came through. */
    private static String refusedHead(String path, Map<String, String> headers) throws IOException {
        try (RawWebSocket hijacked = RawWebSocket.connect("localhost", gateway.httpPort(), path, headers)) {
            hijacked.sendText("{\"op\":\"subscribe\",\"channel\":\"alerts:alice\",\"ref\":\"r\"}");
            RawWebSocket.Frame f = hijacked.next(Duration.ofSeconds(5));
            return "HTTP/1.1 101 (then " + (f == null ? "nothing" : f.text()) + ")";
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("handshake refused: ") ? m.substring("handshake refused: ".length()) : "HTTP/1.1 4xx " + m;
        }
    }

    @Test
    void aForeignPageCannotPublishThroughAnyPathVariantOfTheApi() throws Exception {
        String cookie = "gateway_token=" + tokens.token("svc-victim", "publisher");
        for (String path : List.of("/api/channels/job:cs/events", "//api/channels/job:cs/events",
                "/api//channels/job:cs/events", "/./api/channels/job:cs/events", "/x/../api/channels/job:cs/events",
                "/api;x=1/channels/job:cs/events", "/API/channels/job:cs/events", "/api/channels/job:cs/events/")) {
            String body = "{\"type\":\"t\",\"data\":{}}";
            String answer = rawExchange("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nOrigin: " + EVIL
                    + "\r\nCookie: " + cookie + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            assertTrue(answer.startsWith("HTTP/1.1 4"), path + ": " + answer);
            assertFalse(answer.contains("SRVE") || answer.contains("Exception"), path + ": " + answer);
        }
    }

    @Test
    void presenceAndDeclaredStreamsAnswerOnEveryPathVariantAsOnTheirOwnOrRefuseCleanly() throws Exception {
        // Campaigns are for analysts here: a variant that answered 200 to someone the canonical path
        // refuses would be a way round the check. A variant either works or is refused with a problem
        // (a 4xx, never a 5xx), for every caller, and never lets in one the canonical path refuses.
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("/api/channels/campaign:pv/presence", List.of("/api/channels/campaign:pv/presence/",
                "//api/channels/campaign:pv/presence", "/api/channels/campaign:pv//presence", "/api//channels/campaign:pv/presence"));
        variants.put("/api/channels/campaign:pv/presence/stats", List.of("/api/channels/campaign:pv/presence/stats/",
                "/api/channels/campaign:pv/presence//stats", "//api/channels/campaign:pv/presence/stats"));
        variants.put("/api/stream/campaign-metrics/pv", List.of("/api/stream/campaign-metrics/pv/",
                "//api/stream/campaign-metrics/pv", "/api/stream//campaign-metrics/pv", "/api/stream/campaign-metrics//pv"));
        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("no token", null);
        callers.put("a viewer", tokens.token("vic"));
        callers.put("an analyst", tokens.token("ana", "analyst"));
        for (Map.Entry<String, List<String>> route : variants.entrySet()) {
            for (Map.Entry<String, String> caller : callers.entrySet()) {
                int canonical = statusOf(route.getKey(), caller.getValue());
                assertTrue(canonical < 500, route.getKey() + " for " + caller.getKey() + ": " + canonical);
                for (String variant : route.getValue()) {
                    int status = statusOf(variant, caller.getValue());
                    String what = variant + " for " + caller.getKey() + ": " + status + " (canonical " + canonical + ")";
                    assertTrue(status < 500, what);
                    assertFalse(status / 100 == 2 && canonical / 100 != 2, "a way round the check: " + what);
                }
            }
        }
        assertEquals(200, statusOf("/api/channels/campaign:pv/presence", tokens.token("ana", "analyst")),
                "the canonical route itself answers an analyst");
    }

    /** The status of a GET (a stream's body is not read: the answer's head is enough); a 4xx must be a problem. */
    private static int statusOf(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.httpPort() + path))
                .timeout(WAIT).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response = RAW.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status >= 400) {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("")
                        .split(";")[0], path + " " + status + ": " + text);
                assertFalse(text.contains("SRVE") || text.contains("Exception"), path + ": " + text);
            }
            return status;
        }
    }

    // 2. Huge bodies without a token ----------------------------------------------------------------

    @Test
    void hugeBodiesAreRefusedBeforeTheyAreReadWithTheHeapBounded() throws Exception {
        PrometheusText before = metrics();
        double maxHeap = heap(before, "memory_maxHeap_bytes");
        String alice = tokens.token("alice");
        record Attempt(String path, boolean chunked, String token, int status) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("/api/alerts/rules", false, null, 401),
                new Attempt("/api/alerts/rules", true, null, 401),
                new Attempt("/api/alerts/rules", true, alice, 413),
                new Attempt("/api/channels/job:huge/events", true, null, 401),
                new Attempt("/api/events", true, null, 401),
                new Attempt("/api/events", false, tokens.token("svc-huge", "publisher"), 413),
                new Attempt("/api/admin/revocations", true, null, 401),
                new Attempt("/api/admin/revocations", true, tokens.token("root", "admin"), 413));
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong highestHeap = new AtomicLong();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (sending.get()) {
                try {
                    highestHeap.accumulateAndGet((long) heap(metrics(), "memory_usedHeap_bytes"), Math::max);
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Attempt a : attempts) {
                // 400 MB announced or streamed each, three at a time: what took the heap to 5.9 GB.
                results.add(pool.submit(() -> hugePost(a.path(), a.chunked(), a.token(), 400L << 20, a.status())));
            }
            for (Future<String> r : results) {
                String failure = r.get(3, TimeUnit.MINUTES);
                if (failure != null) {
                    fail(failure);
                }
            }
        } finally {
            sending.set(false);
            pool.shutdownNow();
            watcher.get(30, TimeUnit.SECONDS);
        }
        assertTrue(highestHeap.get() < 0.75 * maxHeap, "heap used " + highestHeap + " of " + maxHeap);
        assertEquals(200, http.get("/health/ready").statusCode());
        assertTrue(gateway.isAlive());
        assertFalse(gateway.messagesLog().contains("OutOfMemoryError"));
    }

    /**
     * Streams up to {@code total} bytes of JSON-looking body and stops as soon as an answer comes.
     *
     * @return null when the answer was {@code status} and came early, else what went wrong
     */
    static String hugePost(String path, boolean chunked, String token, long total, int status) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", gateway.httpPort()), 5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + total + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '[';
            byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                while (sent < total && in.available() == 0) {
                    if (chunked) {
                        out.write(chunkHead);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(chunk);
                    }
                    sent += chunk.length;
                }
            } catch (IOException e) {
                // the server closed its side: the answer is already there to read
            }
            socket.setSoTimeout(30_000);
            byte[] answer = in.readNBytes(Math.max(12, in.available()));
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 " + status)) {
                return path + (chunked ? " chunked" : "") + ": answered " + text.lines().findFirst().orElse("nothing")
                        + " after " + (sent >> 20) + " MB";
            }
            if (sent > EARLY_BYTES) {
                return path + ": " + (sent >> 20) + " MB went in before the answer " + status;
            }
            return null;
        }
    }

    /** A base heap gauge ({@code memory_usedHeap_bytes{mp_scope="base"}}, or with the older {@code base_} prefix). */
    static double heap(PrometheusText scrape, String name) {
        Map<String, Double> found = new java.util.TreeMap<>(scrape.samples(name));
        found.putAll(scrape.samples("base_" + name));
        return found.values().stream().findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
    }

    static PrometheusText metrics() {
        return PrometheusText.parse(http.get("/metrics").body());
    }

    // 3. Alert rules and namespace permissions -------------------------------------------------------

    @Test
    void anAlertRuleNeedsTheRightToReadItsCampaign() {
        String rule = "{\"userId\":\"%s\",\"campaignId\":\"secret-1\",\"metric\":\"spend\",\"operator\":\"above\",\"threshold\":-1}";
        Problems.assertProblem(http.get("/api/stream?channel=campaign:secret-1", sse(tokens.token("mallory"))), 403, "forbidden");
        Problems.assertProblem(http.post("/api/alerts/rules", rule.formatted("mallory"),
                Tokens.bearer(tokens.token("mallory"))), 403, "forbidden");
        // An admin vouches for the subject, not for roles the user may not have.
        Problems.assertProblem(http.post("/api/alerts/rules", rule.formatted("mallory"),
                Tokens.bearer(tokens.token("root", "admin"))), 403, "forbidden");
        HttpResponse<String> analyst = http.post("/api/alerts/rules", rule.formatted("ana"),
                Tokens.bearer(tokens.token("ana", "analyst")));
        assertEquals(201, analyst.statusCode(), analyst.body());
    }

    // 6. Reserved event types ------------------------------------------------------------------------

    @Test
    void theGatewaysOwnEventTypesCannotBePublished() throws Exception {
        String publisher = tokens.token("svc-forge", "publisher");
        try (SseTestClient bystander = SseTestClient.connect(http.uri("/api/stream?channel=job:forge"),
                sse(tokens.token("bystander")));
             WsTestClient socket = WsTestClient.connect(ws, Tokens.bearer(publisher))) {
            assertEquals(200, bystander.status());
            bystander.next(f -> "position".equals(f.event()), WAIT);
            for (String type : List.of("reset", "unauthorized", "shutdown", "position", "error", "open")) {
                Problems.assertProblem(http.post("/api/channels/job:forge/events",
                        "{\"type\":\"" + type + "\",\"data\":{}}", Tokens.bearer(publisher)), 422, "reserved_type");
                Problems.assertProblem(http.post("/api/events", GatewayHttp.batchJson(List.of(
                        new GatewayHttp.Item("job:forge", "ok", "{}"), new GatewayHttp.Item("job:forge", type, "{}"))),
                        Tokens.bearer(publisher)), 422, "reserved_type");
                socket.sendOp("op", "publish", "channel", "job:forge", "type", type, "ref", type);
                JsonObject error = socket.next("error", WAIT);
                assertEquals("reserved_type", error.getString("code"), error.toString());
                assertEquals(type, error.getString("ref"));
            }
            assertEquals(202, http.post("/api/channels/job:forge/events", "{\"type\":\"marker\",\"data\":{}}",
                    Tokens.bearer(publisher)).statusCode());
            List<SseFrame> seen = bystander.until(f -> "marker".equals(f.event()), WAIT);
            assertTrue(seen.stream().noneMatch(f -> f.event() != null && !"marker".equals(f.event())),
                    "the bystander got only the marker: " + seen);
        }
    }

    // 8. Log injection -------------------------------------------------------------------------------

    @Test
    void clientTextNeverStartsALogLineOfItsOwn() throws Exception {
        String forged = "[AUDIT   ] CWWKF9999I: forged by a client";
        try (WsTestClient socket = WsTestClient.connect(ws, Tokens.bearer(tokens.token("logger")))) {
            socket.send("{\"op\":\"x\\n" + forged + " op\",\"ref\":\"1\"}");
            socket.next("error", WAIT);
            socket.send("{\"op\":\"subscribe\",\"channel\":\"job:a\\r\\n" + forged + " channel\",\"ref\":\"2\"}");
            socket.next("error", WAIT);
            socket.send("{\"op\":\"unsubscribe\",\"channel\":\"job:b\\u2028" + forged + " separator\",\"ref\":\"3\"}");
            socket.next("error", WAIT);
            socket.send("{\"op\":\"subscribe\",\"channel\":\"job:c\",\"since\":\"1\\n" + forged + " id\",\"ref\":\"4\"}");
            socket.next("error", WAIT);
        }
        http.post("/api/channels/job:d/events?fallback=x%0A" + forged.replace(" ", "%20") + "%20query",
                "{\"type\":\"t\",\"data\":{}}", Tokens.bearer(tokens.token("svc-log", "publisher")));
        // Each refusal is logged (escaped), so waiting for the last one's line is waiting for them all.
        awaitLog(log -> log.contains("\\n" + forged + " query"));
        String log = gateway.messagesLog();
        for (String line : log.split("\\R")) {
            assertFalse(line.contains(forged) && !line.contains("Refused"), "a forged line of its own: " + line);
            assertFalse(line.startsWith("[AUDIT   ] CWWKF9999I") || line.startsWith(forged), line);
        }
        assertTrue(log.contains("\\n" + forged + " op"), "the op's refusal is logged, escaped");
        assertTrue(log.contains(forged + " channel"), "the channel's refusal is logged on its line");
        assertTrue(log.contains("\\u2028" + forged + " separator"));
    }

    static void awaitLog(java.util.function.Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.test(gateway.messagesLog())) {
            if (System.nanoTime() > deadline) {
                fail("the log never showed what was expected; its end:\n" + tail(gateway.messagesLog()));
            }
            Thread.sleep(100);
        }
    }

    static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 3000));
    }

    // 9. Error pages ---------------------------------------------------------------------------------

    @Test
    void everyErrorPageIsAProblemThatNamesNoInternals() throws Exception {
        record Ask(String method, String path) {
        }
        List<Ask> asks = List.of(new Ask("GET", "/nope"), new Ask("GET", "/ws"), new Ask("GET", "/API/events"),
                new Ask("GET", "/assets/none.js"), new Ask("POST", "/nope"), new Ask("DELETE", "/nope"),
                new Ask("GET", "/ws%2Fx"), new Ask("GET", "/_error"), new Ask("PUT", "/api/events"),
                new Ask("GET", "/api/nope"), new Ask("POST", "/ws"), new Ask("GET", "/WEB-INF/web.xml"),
                new Ask("GET", "/META-INF/MANIFEST.MF"), new Ask("PATCH", "/api/alerts/rules"));
        for (Ask ask : asks) {
            HttpResponse<String> r = RAW.send(HttpRequest.newBuilder(URI.create(own() + ask.path()))
                    .method(ask.method(), ask.method().equals("GET") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            String where = ask + " -> " + r.statusCode() + " " + r.headers().map() + " " + r.body();
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, where);
            Problems.assertProblem(r, r.statusCode(), null);
            assertFalse(r.body().contains("SRVE") || r.body().contains("java.") || r.body().contains("Exception"), where);
            assertTrue(r.headers().firstValue("$WSEP").isEmpty(), where);
            assertTrue(r.headers().firstValue("X-Powered-By").isEmpty(), where);
        }
    }

    // 10. Out-of-range numbers -----------------------------------------------------------------------

    @Test
    void numbersPastADoubleAre422AndDerivedFiguresFiniteOrNull() throws Exception {
        String ana = tokens.token("ana2", "analyst");
        Problems.assertProblem(http.post("/api/alerts/rules", "{\"userId\":\"ana2\",\"campaignId\":\"big\",\"metric\":\"spend\","
                + "\"operator\":\"above\",\"threshold\":1e400}", Tokens.bearer(ana)), 422, "bad_data");
        Problems.assertProblem(http.post("/api/alerts/rules", "{\"userId\":\"ana2\",\"campaignId\":\"big\",\"metric\":\"spend\","
                + "\"operator\":\"above\",\"threshold\":-1e400}", Tokens.bearer(ana)), 422, "bad_data");
        String publisher = tokens.token("svc-big", "publisher");
        Problems.assertProblem(http.post("/api/channels/campaign:big/events", "{\"type\":\"metrics_update\",\"data\":"
                + "{\"impressions\":1,\"clicks\":1,\"spend\":1e400,\"conversions\":0}}", Tokens.bearer(publisher)), 422, "bad_data");
        try (SseTestClient watcher = SseTestClient.connect(http.uri("/api/stream?channel=campaign:big"), sse(ana))) {
            assertEquals(200, watcher.status());
            watcher.next(f -> "position".equals(f.event()), WAIT);
            for (String update : List.of("{\"impressions\":1,\"clicks\":1,\"spend\":1e308,\"conversions\":0}",
                    "{\"impressions\":1,\"clicks\":1,\"spend\":0,\"conversions\":1}",
                    "{\"impressions\":9223372036854775807,\"clicks\":9223372036854775807,\"spend\":1.7e308,"
                            + "\"conversions\":9223372036854775807}")) {
                HttpResponse<String> r = http.post("/api/channels/campaign:big/events",
                        "{\"type\":\"metrics_update\",\"data\":" + update + "}", Tokens.bearer(publisher));
                assertEquals(202, r.statusCode(), update + " -> " + r.body());
                JsonObject metrics = watcher.next(f -> "metrics_update".equals(f.event()), WAIT).json()
                        .getJsonObject("data").getJsonObject("metrics");
                metrics.forEach((name, figure) -> figure.asJsonObject().forEach((k, v) -> assertTrue(
                        v.getValueType() != jakarta.json.JsonValue.ValueType.NUMBER
                                || Double.isFinite(((jakarta.json.JsonNumber) v).doubleValue()), name + "." + k + " " + v)));
            }
        }
        HttpResponse<String> ab = http.post("/api/channels/abtest:big/events", "{\"type\":\"abtest_update\",\"data\":{\"variants\":["
                + "{\"name\":\"a\",\"exposures\":9223372036854775807,\"conversions\":9223372036854775806},"
                + "{\"name\":\"b\",\"exposures\":9223372036854775807,\"conversions\":1}]}}", Tokens.bearer(publisher));
        assertTrue(ab.statusCode() < 500, ab.body());
    }

    // The smaller items ------------------------------------------------------------------------------

    @Test
    void aTokenIssuedInTheFutureIsRefusedInTheGatewaysOwnWords() {
        String ahead = tokens.builder("future").issuedAt(Instant.now().plus(Duration.ofDays(365))).sign();
        JsonObject problem = Problems.assertProblem(http.get("/api/channels/alerts:future/history", Tokens.bearer(ahead)),
                401, "unauthorized");
        assertTrue(problem.getString("detail").contains("future"), problem.toString());
        for (String bad : List.of(tokens.builder("x").expiresIn(Duration.ofMinutes(-10)).sign(),
                tokens.builder("x").audience("other").sign(), tokens.builder("x").issuer("https://other").sign(),
                tokens.builder("x").signedByStranger().sign(), tokens.builder("x").unsigned(), Tokens.tampered(tokens.token("x")))) {
            String detail = Problems.assertProblem(http.get("/api/channels/alerts:x/history", Tokens.bearer(bad)),
                    401, "unauthorized").getString("detail");
            // Nimbus says "Expired JWT", "JWT audience rejected", "Signed JWT rejected: ...".
            assertFalse(detail.contains("JWT") || detail.contains("rejected") || detail.contains(Tokens.ISSUER), detail);
        }
    }

    @Test
    void aRefreshedTokenWithFewerRightsEndsWhatItMayNoLongerRead() throws Exception {
        try (WsTestClient socket = WsTestClient.connect(ws, Tokens.bearer(tokens.token("rita", "analyst")))) {
            socket.subscribe("campaign:r1", null, WAIT);
            socket.subscribe("job:r1", null, WAIT);
            socket.sendOp("op", "auth", "token", tokens.token("rita"), "ref", "a");
            assertEquals("authenticated", socket.next("authenticated", WAIT).getString("op"));
            JsonObject error = socket.next("error", WAIT);
            assertEquals("forbidden", error.getString("code"));
            assertTrue(error.getString("message").contains("campaign:r1"), error.toString());
            String publisher = tokens.token("svc-r1", "publisher");
            http.post("/api/channels/campaign:r1/events", "{\"type\":\"note\",\"data\":{}}", Tokens.bearer(publisher));
            http.post("/api/channels/job:r1/events", "{\"type\":\"note\",\"data\":{}}", Tokens.bearer(publisher));
            JsonObject event = socket.next("event", WAIT);
            assertEquals("job:r1", event.getString("channel"), "only the channel it may still read: " + event);
        }
    }

    @Test
    void anAuthPastTheUsersLimitClosesWith1013() throws Exception {
        String lim = tokens.token("lim");
        try (WsTestClient one = WsTestClient.connect(ws, Tokens.bearer(lim));
             WsTestClient two = WsTestClient.connect(ws, Tokens.bearer(lim));
             WsTestClient third = WsTestClient.connect(ws)) {
            one.sendOp("op", "ping");
            one.next("pong", WAIT);
            two.sendOp("op", "ping");
            two.next("pong", WAIT);
            third.sendOp("op", "auth", "token", lim, "ref", "a");
            assertEquals(1013, third.closed().get(20, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void aWebSocketThatNeverAuthenticatesIsClosed() throws Exception {
        try (WsTestClient idle = WsTestClient.connect(ws)) {
            assertEquals(1008, idle.closed().get(30, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void clientChosenCloseCodesAreBucketed() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect("localhost", gateway.httpPort(), "/ws",
                Map.of("Authorization", "Bearer " + tokens.token("closer")))) {
            socket.sendClose(4321, "mine");
            socket.awaitClose(WAIT);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metrics().samples("gateway_websocket_closes_total").keySet().stream().noneMatch(k -> k.contains("\"4xxx\""))) {
            assertTrue(System.nanoTime() < deadline, "no close counted under 4xxx: "
                    + metrics().samples("gateway_websocket_closes_total"));
            Thread.sleep(100);
        }
        assertTrue(metrics().samples("gateway_websocket_closes_total").keySet().stream().noneMatch(k -> k.contains("4321")));
    }

    // The fuzz run -----------------------------------------------------------------------------------

    @Test
    void fuzzedOpsAndPublishesNeverFailTheServerOrABystander() throws Exception {
        new Fuzz(gateway, http, ws, tokens, 18L, 250).run();
    }
}
