package io.realtime.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.Problems;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import io.realtime.gateway.testsupport.WsTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The admin API acts on every instance (DESIGN §7): a user disconnected through one instance loses
 * their connections on both; a token revoked through one is refused by the other.
 * These instances fetch the key from a JWKS URL (mp.jwt.verify.publickey.location), as from an
 * identity provider, and accept the query token (gateway.auth.query-token).
 */
@OwnServers
class AccessClusterIT {

    static final Duration WAIT = Duration.ofSeconds(20);

    private static RedisServer redis;
    private static TwoGateways gateways;
    private static Tokens tokens;
    private static com.sun.net.httpserver.HttpServer issuer;

    @RegisterExtension
    final TestWatcher logs = TwoGateways.dumpLogsOnFailure(() -> gateways);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        tokens = Tokens.generate();
        issuer = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = tokens.jwks().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        issuer.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        issuer.start();
        Map<String, String> env = new HashMap<>(Map.of(
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks.json",
                "MP_JWT_VERIFY_ISSUER", Tokens.ISSUER,
                "MP_JWT_VERIFY_AUDIENCES", Tokens.AUDIENCE));
        env.put("GATEWAY_AUTH_QUERY_TOKEN", "true");
        gateways = TwoGateways.start(redis.url(), env);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gateways != null) {
                gateways.close();
            }
        } finally {
            redis.close();
            if (issuer != null) {
                issuer.stop(0);
            }
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
    void aUserDisconnectedThroughOneInstanceLosesTheirConnectionsOnBoth() throws Exception {
        String nick = tokens.token("nick");
        try (WsTestClient onA = WsTestClient.connect(ws(gateways.httpA), Tokens.bearer(nick));
             SseTestClient onB = SseTestClient.connect(gateways.httpB.uri("/api/stream?channel=alerts:nick"), sse(nick));
             WsTestClient otherOnB = WsTestClient.connect(ws(gateways.httpB), Tokens.bearer(tokens.token("olga")))) {
            onA.subscribe("alerts:nick", null, WAIT);
            otherOnB.subscribe("alerts:olga", null, WAIT);
            onB.next(f -> "position".equals(f.event()), WAIT);
            var answer = gateways.httpA.post("/api/admin/users/nick/disconnect", "", Tokens.bearer(tokens.token("root", "admin")));
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(1008, onA.closed().get(20, TimeUnit.SECONDS).code());
            onB.next(f -> "unauthorized".equals(f.event()), WAIT);
            onB.ended().get(20, TimeUnit.SECONDS);
            otherOnB.sendOp("op", "ping");
            assertEquals("pong", otherOnB.next("pong", WAIT).getString("op"), "another user's connection stays");
        }
    }

    @Test
    void aTokenRevokedThroughOneInstanceIsRefusedByTheOther() throws Exception {
        Tokens.Builder builder = tokens.builder("pia");
        String pia = builder.sign();
        // The query token, enabled on these instances.
        try (SseTestClient onB = SseTestClient.connect(gateways.httpB.uri("/api/stream?channel=alerts:pia&access_token=" + pia),
                Map.of("Accept", "text/event-stream"))) {
            assertEquals(200, onB.status());
            onB.next(f -> "position".equals(f.event()), WAIT);
            var answer = gateways.httpA.post("/api/admin/revocations", "{\"jti\":\"" + builder.jti() + "\",\"exp\":"
                    + builder.expEpochSeconds() + "}", Tokens.bearer(tokens.token("root", "admin")));
            assertEquals(200, answer.statusCode(), answer.body());
            onB.ended().get(20, TimeUnit.SECONDS);
        }
        Problems.assertProblem(gateways.httpB.get("/api/stream?channel=alerts:pia", sse(pia)), 401, "unauthorized");
        Problems.assertProblem(gateways.httpA.get("/api/stream?channel=alerts:pia", sse(pia)), 401, "unauthorized");
    }
}
