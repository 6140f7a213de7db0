package io.realtime.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.Problems;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The red team's findings of issue 18 that need two instances on a real Redis: a revocation and a
 * user disconnect made while Redis is down reach the other instance once it is back (DESIGN §7),
 * and an alert rule stops carrying a campaign's figures once its user may no longer read them (B
 * runs stricter namespace rules than A, as in a rollout of new settings).
 */
class RedTeamClusterIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    private static RedisServer redis;
    private static TwoGateways gateways;
    private static Tokens tokens;

    @RegisterExtension
    final TestWatcher logs = TwoGateways.dumpLogsOnFailure(() -> gateways);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        tokens = Tokens.generate();
        gateways = TwoGateways.start(redis.url(), new HashMap<>(tokens.gatewayEnv()),
                Map.of("GATEWAY_NAMESPACE_CAMPAIGN_SUBSCRIBE", "role:analyst"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gateways != null) {
                gateways.close();
            }
        } finally {
            redis.close();
        }
    }

    private static URI ws(GatewayHttp on) {
        return URI.create(on.uri("/ws").toString().replaceFirst("^http", "ws"));
    }

    private static Map<String, String> sse(String token) {
        Map<String, String> h = new LinkedHashMap<>(Tokens.bearer(token));
        h.put("Accept", "text/event-stream");
        return h;
    }

    @Test
    void revocationsAndDisconnectsMadeWhileRedisIsDownReachTheOtherInstanceWhenItIsBack() throws Exception {
        Tokens.Builder vicToken = tokens.builder("vic");
        String vic = vicToken.sign();
        String admin = tokens.token("root", "admin");
        try (WsTestClient vicOnB = WsTestClient.connect(ws(gateways.httpB), Tokens.bearer(vic));
             WsTestClient danOnB = WsTestClient.connect(ws(gateways.httpB), Tokens.bearer(tokens.token("dan")));
             SseTestClient vicSseOnB = SseTestClient.connect(gateways.httpB.uri("/api/stream?channel=alerts:vic"), sse(vic))) {
            vicOnB.subscribe("alerts:vic", null, WAIT);
            danOnB.subscribe("alerts:dan", null, WAIT);
            vicSseOnB.next(f -> "position".equals(f.event()), WAIT);

            redis.kill();
            var revoked = gateways.httpA.post("/api/admin/revocations", "{\"jti\":\"" + vicToken.jti() + "\",\"exp\":"
                    + vicToken.expEpochSeconds() + "}", Tokens.bearer(admin));
            assertEquals(200, revoked.statusCode(), revoked.body());
            assertEquals("held", GatewayHttp.json(revoked.body()).getString("cluster"), revoked.body());
            var disconnected = gateways.httpA.post("/api/admin/users/dan/disconnect", "", Tokens.bearer(admin));
            assertEquals(200, disconnected.statusCode(), disconnected.body());
            assertEquals("held", GatewayHttp.json(disconnected.body()).getString("cluster"));
            // Instance A refuses the token at once, from its own memory.
            Problems.assertProblem(gateways.httpA.get("/api/channels/alerts:vic/history", Tokens.bearer(vic)), 401, "unauthorized");
            // B, cut off from A, still has both users' sessions.
            vicOnB.sendOp("op", "ping");
            vicOnB.next("pong", WAIT);

            redis.restart();
            assertEquals(1008, vicOnB.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code());
            assertEquals(1008, danOnB.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code());
            vicSseOnB.next(f -> "unauthorized".equals(f.event()), WAIT);
            Problems.assertProblem(gateways.httpB.get("/api/channels/alerts:vic/history", Tokens.bearer(vic)), 401, "unauthorized");
        }
        // A disconnect ends the connections it found, not the user: dan may come back.
        try (WsTestClient danAgain = WsTestClient.connect(ws(gateways.httpB), Tokens.bearer(tokens.token("dan")))) {
            assertEquals("subscribed", danAgain.subscribe("alerts:dan", null, WAIT).getString("op"));
        }
        // Both stored in Redis, for an instance that starts or reconnects later.
        assertTrue(redis.command("ZSCORE rt:revoked " + vicToken.jti()).matches("\\$[1-9].*"), "the revocation is stored");
        assertTrue(redis.command("ZSCORE rt:disconnects dan").matches("\\$[1-9].*"), "the disconnect is stored");
    }

    @Test
    void anAlertRuleStopsCarryingFiguresItsUserMayNoLongerRead() throws Exception {
        String rule = "{\"userId\":\"%s\",\"campaignId\":\"c9\",\"metric\":\"spend\",\"operator\":\"above\",\"threshold\":-1}";
        String mal = tokens.token("mal");
        String ana = tokens.token("ana", "analyst");
        // Made on A, where any signed-in user may read campaigns.
        assertEquals(201, gateways.httpA.post("/api/alerts/rules", rule.formatted("mal"), Tokens.bearer(mal)).statusCode());
        assertEquals(201, gateways.httpA.post("/api/alerts/rules", rule.formatted("ana"), Tokens.bearer(ana)).statusCode());
        String publisher = tokens.token("svc-c9", "publisher");
        try (SseTestClient malAlerts = SseTestClient.connect(gateways.httpA.uri("/api/stream?channel=alerts:mal"), sse(mal));
             SseTestClient anaAlerts = SseTestClient.connect(gateways.httpA.uri("/api/stream?channel=alerts:ana"), sse(ana))) {
            malAlerts.next(f -> "position".equals(f.event()), WAIT);
            anaAlerts.next(f -> "position".equals(f.event()), WAIT);
            // The update lands on B, whose rules say campaigns are for analysts: B evaluates it.
            assertEquals(202, gateways.httpB.post("/api/channels/campaign:c9/events", "{\"type\":\"metrics_update\",\"data\":"
                    + "{\"impressions\":100,\"clicks\":1,\"spend\":5,\"conversions\":0}}", Tokens.bearer(publisher)).statusCode());
            JsonObject alert = anaAlerts.next(f -> "alert".equals(f.event()), WAIT).json().getJsonObject("data");
            assertEquals("c9", alert.getString("campaignId"));
            assertEquals(202, gateways.httpB.post("/api/channels/alerts:mal/events", "{\"type\":\"marker\",\"data\":{}}",
                    Tokens.bearer(publisher)).statusCode());
            List<SseFrame> malSaw = malAlerts.until(f -> "marker".equals(f.event()), WAIT);
            assertTrue(malSaw.stream().noneMatch(f -> "alert".equals(f.event())), "mal got campaign c9's figures: " + malSaw);
        }
    }
}
