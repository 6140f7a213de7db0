package io.realtime.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.Problems;
import io.realtime.gateway.testsupport.PrometheusText;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authentication and permissions (DESIGN §7) on a gateway that verifies RS256 tokens signed here,
 * through SSE, WebSocket and HTTP: who may subscribe and publish, which tokens are refused, what
 * happens when a token expires or is revoked during a live session.
 */
class SecurityIT {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String SSE = "text/event-stream";

    static Tokens tokens;
    static GatewayProcess gateway;
    static GatewayHttp http;
    static URI ws;

    @BeforeAll
    static void start() throws Exception {
        tokens = Tokens.generate();
        Map<String, String> env = new HashMap<>(tokens.gatewayEnv());
        env.put("GATEWAY_WS_PING_SECONDS", "2");
        env.put("GATEWAY_SSE_HEARTBEAT_SECONDS", "1");
        // Limits low enough to reach in a test; every other test here stays under them (its own
        // users and publishers: the per-user and per-publisher limits are each client's own).
        env.put("GATEWAY_LIMITS_CONNECTIONS_PER_IP", "12");
        env.put("GATEWAY_LIMITS_CONNECTIONS_PER_USER", "3");
        env.put("GATEWAY_WS_MAX_SUBSCRIPTIONS", "4");
        env.put("GATEWAY_SSE_MAX_CHANNELS", "4");
        env.put("GATEWAY_CHANNEL_MAX_LENGTH", "40");
        env.put("GATEWAY_LIMITS_PUBLISH_RATE", "5");
        env.put("GATEWAY_LIMITS_PUBLISH_BURST", "10");
        env.put("GATEWAY_PUBLISH_MAX_BATCH", "10");
        env.put("GATEWAY_PUBLISH_MAX_BODY_BYTES", "2048");
        env.put("GATEWAY_WS_MAX_FRAME_BYTES", "2048");
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

    static Map<String, String> bearer(String token) {
        Map<String, String> headers = new LinkedHashMap<>(Tokens.bearer(token));
        headers.put("Accept", SSE);
        return headers;
    }

    static HttpResponse<String> stream(String path, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Accept", SSE);
        return http.get(path, h);
    }

    static HttpResponse<String> publish(String channel, String token) {
        Map<String, String> headers = token == null ? Map.of() : Tokens.bearer(token);
        return http.post("/api/channels/" + channel + "/events", "{\"type\":\"t\",\"data\":{\"n\":1}}", headers);
    }

    @Test
    void subscribingNeedsATokenAndAlertsTheirUser() throws Exception {
        JsonObject problem = Problems.assertProblem(stream("/api/stream?channel=job:s1", Map.of()), 401, "unauthorized");
        assertTrue(problem.getString("detail").contains("job:s1"), problem.toString());
        assertEquals("Bearer realm=\"realtime-gateway\"",
                stream("/api/stream?channel=job:s1", Map.of()).headers().firstValue("WWW-Authenticate").orElse(null));
        Problems.assertProblem(stream("/api/stream/campaign-metrics/c1", Map.of()), 401, "unauthorized");
        Problems.assertProblem(stream("/api/stream/render-progress/j1", Map.of()), 401, "unauthorized");
        Problems.assertProblem(http.get("/api/channels/job:s1/history"), 401, "unauthorized");

        String alice = tokens.token("alice");
        Problems.assertProblem(stream("/api/stream?channel=alerts:bob", bearer(alice)), 403, "forbidden");
        Problems.assertProblem(stream("/api/stream?channel=job:s1&channel=alerts:bob", bearer(alice)), 403, "forbidden");
        Problems.assertProblem(http.get("/api/channels/alerts:bob/history", Tokens.bearer(alice)), 403, "forbidden");
        Problems.assertProblem(http.get("/api/channels", Tokens.bearer(alice)), 403, "forbidden");
        assertEquals(200, http.get("/api/channels/alerts:alice/history", Tokens.bearer(alice)).statusCode());

        String publisher = tokens.token("svc-alerts", "publisher");
        try (SseTestClient own = SseTestClient.connect(http.uri("/api/stream?channel=alerts:alice&channel=job:s1"), bearer(alice));
             SseTestClient admin = SseTestClient.connect(http.uri("/api/stream?channel=alerts:alice"),
                     bearer(tokens.token("root", "admin")))) {
            assertEquals(200, own.status());
            assertEquals(200, admin.status());
            own.next(f -> "position".equals(f.event()), WAIT);
            admin.next(f -> "position".equals(f.event()), WAIT);
            assertEquals(202, publish("alerts:alice", publisher).statusCode());
            assertEquals("t", own.next(f -> "t".equals(f.event()), WAIT).event());
            assertEquals("t", admin.next(f -> "t".equals(f.event()), WAIT).event());
        }
    }

    @Test
    void publishingNeedsThePublisherRole() throws Exception {
        Problems.assertProblem(publish("job:p1", null), 401, "unauthorized");
        Problems.assertProblem(publish("job:p1", tokens.token("carol")), 403, "forbidden");
        assertEquals(202, publish("job:p1", tokens.token("svc-p1", "publisher")).statusCode());
        Problems.assertProblem(http.post("/api/events", GatewayHttp.batchJson(List.of(
                new GatewayHttp.Item("job:p1", "t", "{}"))), Map.of()), 401, "unauthorized");
        assertEquals(202, http.post("/api/events", GatewayHttp.batchJson(List.of(new GatewayHttp.Item("job:p1", "t", "{}"))),
                Tokens.bearer(tokens.token("svc-p1b", "publisher"))).statusCode());

        // WebSocket: a user without the role hears forbidden and keeps the connection.
        try (WsTestClient carol = WsTestClient.connect(ws, Tokens.bearer(tokens.token("carol")))) {
            carol.sendOp("op", "publish", "channel", "job:p1", "type", "t", "ref", "p");
            JsonObject error = carol.next("error", WAIT);
            assertEquals("forbidden", error.getString("code"));
            assertEquals("p", error.getString("ref"));
            assertEquals("subscribed", carol.subscribe("job:p1", null, WAIT).getString("op"));
            assertFalse(carol.isClosed());
        }
        try (WsTestClient service = WsTestClient.connect(ws, Tokens.bearer(tokens.token("svc-ws", "publisher")))) {
            service.sendOp("op", "publish", "channel", "job:p1", "type", "t", "ref", "q");
            assertEquals("q", service.next("ack", WAIT).getString("ref"));
        }
        // An anonymous connection publishing where a token is needed is closed with 1008.
        try (WsTestClient anonymous = WsTestClient.connect(ws)) {
            anonymous.sendOp("op", "publish", "channel", "job:p1", "type", "t", "ref", "r");
            assertEquals(1008, anonymous.closed().get(15, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void badTokensAreRefusedEveryWay() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", tokens.builder("dave").expiresIn(Duration.ofMinutes(-5)).sign());
        bad.put("wrong issuer", tokens.builder("dave").issuer("https://elsewhere.test").sign());
        bad.put("wrong audience", tokens.builder("dave").audience("another-service").sign());
        bad.put("alg none", tokens.builder("dave").unsigned());
        bad.put("tampered", Tokens.tampered(tokens.token("dave")));
        bad.put("signed by another key", tokens.builder("dave").signedByStranger().sign());
        bad.put("not a JWT", "not-a-token");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            String why = e.getKey();
            HttpResponse<String> sse = stream("/api/stream?channel=job:b1", bearer(e.getValue()));
            assertEquals(401, sse.statusCode(), why + ": " + sse.body());
            // Even where no token is needed (an open namespace would be), a bad one is never anonymous.
            assertEquals(401, publish("job:b1", e.getValue()).statusCode(), why);
            try (WsTestClient socket = WsTestClient.connect(ws, Tokens.bearer(e.getValue()))) {
                assertEquals(1008, socket.closed().get(15, TimeUnit.SECONDS).code(), why);
            }
            try (WsTestClient socket = WsTestClient.connect(ws)) {
                socket.sendOp("op", "auth", "token", e.getValue());
                assertEquals(1008, socket.closed().get(15, TimeUnit.SECONDS).code(), why);
            }
        }
        Problems.assertProblem(http.get("/api/stream?channel=job:b1", Map.of("Accept", SSE, "Authorization", "Basic eDp5")),
                401, "unauthorized");
    }

    @Test
    void cookieAndAuthOpCarryTokensAndTheQueryDoesNotByDefault() throws Exception {
        String erin = tokens.token("erin");
        Map<String, String> cookie = Map.of("Cookie", "theme=dark; gateway_token=" + erin);
        try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream?channel=alerts:erin"), cookie)) {
            assertEquals(200, sse.status());
        }
        try (WsTestClient socket = WsTestClient.connect(ws, cookie)) {
            assertEquals("subscribed", socket.subscribe("alerts:erin", null, WAIT).getString("op"));
        }
        try (WsTestClient socket = WsTestClient.connect(ws)) {
            socket.sendOp("op", "auth", "token", erin, "ref", "a");
            JsonObject ok = socket.next("authenticated", WAIT);
            assertEquals("erin", ok.getString("subject"));
            assertEquals("a", ok.getString("ref"));
            assertEquals("subscribed", socket.subscribe("alerts:erin", null, WAIT).getString("op"));
            socket.sendOp("op", "subscribe", "channel", "alerts:frank", "ref", "f");
            assertEquals("forbidden", socket.next("error", WAIT).getString("code"));
            socket.sendOp("op", "ping");
            assertNotNull(socket.next("pong", WAIT), "a forbidden subscribe leaves the connection up");
            // A connection keeps its user.
            socket.sendOp("op", "auth", "token", tokens.token("frank"));
            assertEquals(1008, socket.closed().get(15, TimeUnit.SECONDS).code());
        }
        // Anonymous WebSocket subscribing where a token is needed: 1008.
        try (WsTestClient socket = WsTestClient.connect(ws)) {
            socket.sendOp("op", "subscribe", "channel", "job:q1", "ref", "s");
            assertEquals(1008, socket.closed().get(15, TimeUnit.SECONDS).code());
        }
        JsonObject refused = Problems.assertProblem(stream("/api/stream?channel=alerts:erin&access_token=" + erin, Map.of()),
                401, "unauthorized");
        assertTrue(refused.getString("detail").contains("URL"), refused.toString());
        try (WsTestClient socket = WsTestClient.connect(URI.create(ws + "?access_token=" + erin))) {
            assertEquals(1008, socket.closed().get(15, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void anExpiringTokenEndsTheSessionUnlessRefreshed() throws Exception {
        // Tokens that expire soon: the set-up (three connections, a refresh, two subscribes, a publish)
        // must finish before they do. On a machine too loaded for that, the same scenario runs again with
        // tokens that live longer: the outcome is asserted, never the time it took.
        for (Duration life : List.of(Duration.ofSeconds(8), Duration.ofSeconds(30), Duration.ofSeconds(120))) {
            if (expiringTokenScenario(life)) {
                return;
            }
        }
        fail("the set-up never finished within its tokens' life, even with 120 s");
    }

    /** True when the scenario passed; false when its set-up outlived the tokens (a loaded machine). */
    private boolean expiringTokenScenario(Duration life) throws Exception {
        String publisher = tokens.token("svc-expiry", "publisher");
        // Taken before any of them is signed: no token of this round expires earlier.
        Instant expiry = Instant.now().plus(life);
        try (WsTestClient refreshed = WsTestClient.connect(ws, Tokens.bearer(tokens.builder("gina").expiresIn(life).sign()));
             WsTestClient expiring = WsTestClient.connect(ws, Tokens.bearer(tokens.builder("gina").expiresIn(life).sign()));
             SseTestClient sse = SseTestClient.connect(http.uri("/api/stream?channel=alerts:gina"),
                     bearer(tokens.builder("gina").expiresIn(life).sign()))) {
            String first;
            try {
                refreshed.sendOp("op", "auth", "token", tokens.builder("gina").expiresIn(Duration.ofHours(1)).sign(), "ref", "r");
                assertEquals("r", refreshed.next("authenticated", WAIT).getString("ref"));
                expiring.subscribe("alerts:gina", null, WAIT);
                refreshed.subscribe("alerts:gina", null, WAIT);
                assertEquals(200, sse.status());
                sse.next(f -> "position".equals(f.event()), WAIT);
                first = GatewayHttp.json(publish("alerts:gina", publisher).body()).getString("id");
            } catch (Exception | AssertionError e) {
                if (outlived(expiry)) {
                    return false;
                }
                throw e;
            }
            if (outlived(expiry)) {
                return false;
            }

            WsTestClient.Close close = expiring.closed().get(30 + life.toSeconds(), TimeUnit.SECONDS);
            assertEquals(1008, close.code(), close.toString());
            SseFrame why = sse.next(f -> "unauthorized".equals(f.event()), WAIT.plus(life));
            assertNotNull(why, "the stream says why it ends");
            sse.ended().get(15, TimeUnit.SECONDS);

            String second = GatewayHttp.json(publish("alerts:gina", publisher).body()).getString("id");
            List<JsonObject> events = refreshed.events(2, WAIT);
            assertEquals(List.of(first, second), events.stream().map(e -> e.getString("id")).toList(),
                    "the refreshed connection goes on");
            // The SSE client reconnects with a fresh token and resumes where it was.
            Map<String, String> again = new LinkedHashMap<>(bearer(tokens.token("gina")));
            again.put("Last-Event-ID", first);
            try (SseTestClient resumed = SseTestClient.connect(http.uri("/api/stream?channel=alerts:gina"), again)) {
                assertEquals(second, resumed.next(f -> "t".equals(f.event()), WAIT).id());
            }
        }
        return true;
    }

    /** Whether the tokens may have expired already (a second's margin for the gateway's clock check). */
    private static boolean outlived(Instant expiry) {
        return Instant.now().isAfter(expiry.minusSeconds(1));
    }

    @Test
    void adminDisconnectsAUserAndRevokesATokenBeforeItExpires() throws Exception {
        String admin = tokens.token("root", "admin");
        Problems.assertProblem(http.post("/api/admin/users/henry/disconnect", "", Map.of()), 401, "unauthorized");
        Problems.assertProblem(http.post("/api/admin/users/henry/disconnect", "", Tokens.bearer(tokens.token("henry"))),
                403, "forbidden");
        Tokens.Builder henrys = tokens.builder("henry");
        String henry = henrys.sign();
        try (WsTestClient a = WsTestClient.connect(ws, Tokens.bearer(henry));
             SseTestClient b = SseTestClient.connect(http.uri("/api/stream?channel=alerts:henry"), bearer(henry));
             WsTestClient bystander = WsTestClient.connect(ws, Tokens.bearer(tokens.token("iris")))) {
            a.subscribe("alerts:henry", null, WAIT);
            bystander.subscribe("alerts:iris", null, WAIT);
            b.next(f -> "position".equals(f.event()), WAIT);
            JsonObject answer = GatewayHttp.json(http.post("/api/admin/users/henry/disconnect", "", Tokens.bearer(admin)).body());
            assertEquals(2, answer.getInt("disconnected"), answer.toString());
            assertEquals(1008, a.closed().get(15, TimeUnit.SECONDS).code());
            b.ended().get(15, TimeUnit.SECONDS);
            bystander.sendOp("op", "ping");
            assertNotNull(bystander.next("pong", WAIT));
        }
        // Disconnected, henry may come back; once his token is revoked, not with that token.
        try (WsTestClient a = WsTestClient.connect(ws, Tokens.bearer(henry))) {
            a.subscribe("alerts:henry", null, WAIT);
            HttpResponse<String> revoked = http.post("/api/admin/revocations",
                    "{\"jti\":\"" + henrys.jti() + "\",\"exp\":" + henrys.expEpochSeconds() + "}", Tokens.bearer(admin));
            assertEquals(200, revoked.statusCode(), revoked.body());
            assertEquals(1, GatewayHttp.json(revoked.body()).getInt("disconnected"));
            assertEquals(1008, a.closed().get(15, TimeUnit.SECONDS).code());
        }
        Problems.assertProblem(stream("/api/stream?channel=alerts:henry", bearer(henry)), 401, "unauthorized");
        try (SseTestClient fresh = SseTestClient.connect(http.uri("/api/stream?channel=alerts:henry"), bearer(tokens.token("henry")))) {
            assertEquals(200, fresh.status(), "another token of the same user still works");
        }
        Problems.assertProblem(http.post("/api/admin/revocations", "{\"exp\":1}", Tokens.bearer(admin)), 400, "bad_request");
    }

    @Test
    void eachLimitRefusesOnlyTheClientOverIt() throws Exception {
        String publisher = tokens.token("svc-bystander", "publisher");
        PrometheusText before = PrometheusText.parse(http.get("/metrics").body());
        List<String> published = new ArrayList<>();
        Runnable publishOne = () -> published.add(GatewayHttp.json(publish("job:lim", publisher).body()).getString("id"));
        try (WsTestClient bystander = WsTestClient.connect(ws, Tokens.bearer(tokens.token("kate")))) {
            bystander.subscribe("job:lim", null, WAIT);
            publishOne.run();

            // Connections per user (3): SSE answers 429, WebSocket closes 1013.
            String leo = tokens.token("leo");
            List<SseTestClient> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    streams.add(SseTestClient.connect(http.uri("/api/stream?channel=job:lim"), bearer(leo)));
                    assertEquals(200, streams.get(i).status());
                }
                Problems.assertProblem(stream("/api/stream?channel=job:lim", bearer(leo)), 429, "limit");
                try (WsTestClient fourth = WsTestClient.connect(ws, Tokens.bearer(leo))) {
                    assertEquals(1013, fourth.closed().get(15, TimeUnit.SECONDS).code());
                }
            } finally {
                streams.forEach(SseTestClient::close);
            }
            publishOne.run();

            // Subscriptions per connection (4): error limit, the connection stays.
            String mia = tokens.token("mia");
            try (WsTestClient many = WsTestClient.connect(ws, Tokens.bearer(mia))) {
                for (int i = 0; i < 4; i++) {
                    many.subscribe("job:m" + i, null, WAIT);
                }
                many.sendOp("op", "subscribe", "channel", "job:m4", "ref", "fifth");
                JsonObject error = many.next("error", WAIT);
                assertEquals("limit", error.getString("code"));
                assertEquals("fifth", error.getString("ref"));
                many.sendOp("op", "ping");
                assertNotNull(many.next("pong", WAIT));
                // A frame over the size limit (2,048 bytes) closes with 1009.
                many.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(3000) + "\"}");
                assertEquals(1009, many.closed().get(15, TimeUnit.SECONDS).code());
            }
            // Channels per SSE stream (4), channel name length (40), body size (2,048 bytes).
            Problems.assertProblem(stream("/api/stream?channel=job:c1&channel=job:c2&channel=job:c3&channel=job:c4"
                    + "&channel=job:c5", bearer(mia)), 429, "limit");
            String longName = "job:" + "x".repeat(37);
            Problems.assertProblem(publish(longName, tokens.token("svc-long", "publisher")), 400, "bad_channel");
            Problems.assertProblem(http.post("/api/channels/job:lim/events", "{\"type\":\"t\",\"data\":{\"s\":\""
                    + "x".repeat(3000) + "\"}}", Tokens.bearer(tokens.token("svc-big", "publisher"))), 413, "too_large");
            publishOne.run();

            // Publish rate (5 events a second, bursts of 10), per client: a batch of 10 takes the
            // whole burst, so a second one at once is refused (429, Retry-After); others are not slowed.
            String flooder = tokens.token("svc-flood", "publisher");
            String batch = GatewayHttp.batchJson(java.util.stream.IntStream.range(0, 10)
                    .mapToObj(i -> new GatewayHttp.Item("job:flood", "t", "{}")).toList());
            assertEquals(202, http.post("/api/events", batch, Tokens.bearer(flooder)).statusCode());
            HttpResponse<String> flood = http.post("/api/events", batch, Tokens.bearer(flooder));
            Problems.assertProblem(flood, 429, "limit");
            assertTrue(flood.headers().firstValue("Retry-After").isPresent());
            publishOne.run(); // another publisher is not slowed
            // The bucket refills (10 tokens at 5 a second): accepted again once it has, however long a
            // loaded machine takes; a refused try takes nothing from it.
            Await.until(Duration.ofSeconds(30), "the bucket refills",
                    () -> http.post("/api/events", batch, Tokens.bearer(flooder)).statusCode() == 202);

            // Connections per address (12): the bystander holds one; the 12th more is closed 1013.
            List<WsTestClient> sockets = new ArrayList<>();
            try {
                WsTestClient refusedSocket = null;
                for (int i = 0; i < 14 && refusedSocket == null; i++) {
                    WsTestClient socket = WsTestClient.connect(ws);
                    sockets.add(socket);
                    if (!answersPing(socket)) {
                        refusedSocket = socket;
                    }
                }
                assertNotNull(refusedSocket, "a connection past 12 from one address is refused");
                assertEquals(1013, refusedSocket.closed().get(15, TimeUnit.SECONDS).code());
                assertTrue(sockets.size() <= 12, sockets.size() + " connections before the refusal");
            } finally {
                sockets.forEach(WsTestClient::close);
            }
            publishOne.run();

            List<JsonObject> seen = bystander.events(published.size(), WAIT);
            assertEquals(published, seen.stream().map(e -> e.getString("id")).toList(),
                    "the bystander lost nothing while others were refused");
        }
        PrometheusText after = PrometheusText.parse(http.get("/metrics").body());
        for (String limit : List.of("connections_per_user", "subscriptions_per_connection", "frame_size",
                "channels_per_stream", "channel_name_length", "body_size", "publish_rate", "connections_per_ip")) {
            assertTrue(after.valueOrZero("gateway_limits_reached_total", "limit", limit)
                    > before.valueOrZero("gateway_limits_reached_total", "limit", limit), limit + " counted");
        }
    }

    /** True when the connection answers a ping; false when the server closed it instead. */
    private static boolean answersPing(WsTestClient socket) throws InterruptedException {
        try {
            socket.sendOp("op", "ping");
        } catch (RuntimeException closedAlready) {
            return false;
        }
        JsonObject reply = socket.next(Duration.ofSeconds(10));
        return reply != null && "pong".equals(reply.getString("op"));
    }

    @Test
    void statsAndReadinessSayTokensAreChecked() {
        assertEquals("jwt", http.stats().getString("auth"));
        JsonObject ready = GatewayHttp.json(http.get("/health/ready").body());
        JsonObject access = ready.getJsonArray("checks").stream().map(v -> v.asJsonObject())
                .filter(c -> "access".equals(c.getString("name"))).findFirst().orElseThrow();
        assertEquals("jwt", access.getJsonObject("data").getString("auth"));
        // The build's test server has no key: it runs open and says so.
        GatewayHttp open = GatewayHttp.testServer();
        assertEquals("open", open.stats().getString("auth"));
        Await.until(WAIT, "open server readiness", () -> open.get("/health/ready").body().contains("\"open\""));
    }
}
