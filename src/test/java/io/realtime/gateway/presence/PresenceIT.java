package io.realtime.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayGroup;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RawWebSocket;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import redis.clients.jedis.RedisClient;

/**
 * Presence (DESIGN §11) across two instances sharing one real Redis, through HTTP, SSE and
 * WebSocket, with tokens on: {@code job} has presence with join/leave, {@code campaign} presence
 * only, {@code alerts} presence for owners. The servers are shared by the tests, which run in order:
 * the last ones kill Redis, then instance A.
 */
@OwnServers
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    /** The member TTL the servers run with: a crashed instance's members go within it plus a refresh. */
    static final int TTL_SECONDS = 4;

    private static RedisServer redis;
    private static GatewayGroup group;
    private static final Tokens TOKENS = Tokens.generate();

    @RegisterExtension
    final TestWatcher logs = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (group != null) {
                java.util.logging.Logger.getLogger(PresenceIT.class.getName()).severe(group.logs(150));
            }
        }
    };

    /** gateway.presence.flush-ms (the default, set here so the bound below reads it): joins gather this long before they go to Redis together. */
    private static final long FLUSH_MS = 25;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        Map<String, String> env = new HashMap<>(TOKENS.gatewayEnv());
        env.put("GATEWAY_NAMESPACE_JOB_PRESENCE", "true");
        env.put("GATEWAY_NAMESPACE_JOB_JOIN_LEAVE", "true");
        env.put("GATEWAY_NAMESPACE_CAMPAIGN_PRESENCE", "true");
        env.put("GATEWAY_NAMESPACE_ALERTS_PRESENCE", "true");
        env.put("GATEWAY_PRESENCE_TTL_SECONDS", Integer.toString(TTL_SECONDS));
        env.put("GATEWAY_PRESENCE_REFRESH_SECONDS", "1");
        env.put("GATEWAY_PRESENCE_FLUSH_MS", Long.toString(FLUSH_MS));
        env.put("GATEWAY_PRESENCE_INFO_MAX_BYTES", "64");
        env.put("GATEWAY_WS_PING_SECONDS", "2");
        group = GatewayGroup.start(2, i -> redis.url(), env, i -> Map.of("GATEWAY_PRESENCE_INSTANCE", i == 0 ? "a" : "b"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (group != null) {
                group.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    @Order(1)
    void membersOnBothInstancesAreReadFromEitherAndJoinAndLeaveReachTheOthers() throws Exception {
        String channel = "job:p1";
        try (WsTestClient wsA = ws(0, "ana");
             SseTestClient sseB = sse(1, channel, "bob")) {
            sseB.next(f -> "position".equals(f.event()), WAIT);
            subscribe(wsA, channel, "{\"name\":\"Ana\"}");

            // The SSE subscriber on B hears A's WebSocket join, with the member as presence shows it.
            JsonObject join = sseB.next(f -> "join".equals(f.event()), WAIT).json();
            assertEquals(channel, join.getString("channel"));
            JsonObject member = join.getJsonObject("member");
            assertEquals("ana", member.getString("user"));
            assertEquals("websocket", member.getString("transport"));
            assertEquals("a", member.getString("instance"));
            assertEquals("Ana", member.getJsonObject("info").getString("name"));

            // Both are members, read from either instance, over HTTP and WebSocket.
            for (int i = 0; i < 2; i++) {
                JsonObject page = awaitMembers(i, channel, "bob", 2);
                assertFalse(page.getBoolean("partial"), page.toString());
                Set<String> seen = new HashSet<>();
                for (JsonValue m : page.getJsonArray("members")) {
                    seen.add(m.asJsonObject().getString("user") + "/" + m.asJsonObject().getString("transport")
                            + "/" + m.asJsonObject().getString("instance"));
                }
                assertEquals(Set.of("ana/websocket/a", "bob/sse/b"), seen);
                JsonObject stats = json(group.http(i).get("/api/channels/" + channel + "/presence/stats", bearer("bob")));
                assertEquals(2, stats.getInt("connections"));
                assertEquals(2, stats.getInt("users"));
            }
            wsA.send("{\"op\":\"presence_stats\",\"channel\":\"" + channel + "\",\"ref\":7}");
            JsonObject stats = wsA.next("presence_stats", WAIT);
            assertEquals(2, stats.getInt("connections"));
            assertEquals(7, stats.getInt("ref"));
            wsA.send("{\"op\":\"presence\",\"channel\":\"" + channel + "\",\"limit\":1,\"ref\":\"p\"}");
            JsonObject first = wsA.next("presence", WAIT);
            assertEquals(1, first.getJsonArray("members").size());
            assertEquals("p", first.getString("ref"));
            wsA.send("{\"op\":\"presence\",\"channel\":\"" + channel + "\",\"limit\":1,\"after\":\""
                    + first.getString("next") + "\"}");
            JsonObject second = wsA.next("presence", WAIT);
            assertEquals(1, second.getJsonArray("members").size());
            assertTrue(second.isNull("next"), second.toString());
            assertNotEquals(first.getJsonArray("members").get(0), second.getJsonArray("members").get(0));

            // A third member on B: A's WebSocket hears the join; its own join never came to it.
            try (WsTestClient wsB = ws(1, "cid")) {
                subscribe(wsB, channel, null);
                JsonObject joined = wsA.next("join", WAIT);
                assertEquals("cid", joined.getJsonObject("member").getString("user"));
                assertEquals("b", joined.getJsonObject("member").getString("instance"));
                assertEquals("cid", sseB.next(f -> "join".equals(f.event()), WAIT).json()
                        .getJsonObject("member").getString("user"));
                // An unsubscribe is a leave, heard on both instances.
                wsB.send("{\"op\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
                assertEquals("cid", wsA.next("leave", WAIT).getJsonObject("member").getString("user"));
                assertEquals("cid", sseB.next(f -> "leave".equals(f.event()), WAIT).json()
                        .getJsonObject("member").getString("user"));
            }
            // Joins and leaves are no events of the channel: its history stays empty.
            JsonObject history = json(group.http(0).get("/api/channels/" + channel + "/history", bearer("ana")));
            assertEquals(0, history.getJsonArray("events").size(), history.toString());
        }
        // Both gone: the channel has no members left, as seen from either instance.
        awaitMembers(0, channel, "ana", 0);
        awaitMembers(1, channel, "ana", 0);
    }

    @Test
    @Order(2)
    void clientInfoOverTheLimitIsRefusedAndPresenceOffIsNotFound() throws Exception {
        try (WsTestClient ws = ws(0, "ana")) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"job:p2\",\"ref\":\"big\",\"info\":{\"note\":\""
                    + "x".repeat(80) + "\"}}");
            JsonObject error = ws.next("error", WAIT);
            assertEquals("too_large", error.getString("code"), error.toString());
            assertEquals("big", error.getString("ref"));
            ws.send("{\"op\":\"subscribe\",\"channel\":\"job:p2\",\"ref\":\"arr\",\"info\":[1]}");
            assertEquals("bad_request", ws.next("error", WAIT).getString("code"));
            // The connection stays and holds nothing: no member was made.
            assertEquals(0, json(group.http(0).get("/api/channels/job:p2/presence/stats", bearer("ana")))
                    .getInt("connections"));
            ws.send("{\"op\":\"presence\",\"channel\":\"system\",\"ref\":\"off\"}");
            JsonObject off = ws.next("error", WAIT);
            assertEquals("not_found", off.getString("code"), off.toString());
        }
        HttpResponse<String> off = group.http(1).get("/api/channels/council:1/presence", bearer("ana"));
        assertEquals(404, off.statusCode(), off.body());
        assertTrue(off.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        HttpResponse<String> badLimit = group.http(1).get("/api/channels/job:p2/presence?limit=0", bearer("ana"));
        assertEquals(400, badLimit.statusCode(), badLimit.body());
    }

    @Test
    @Order(3)
    void whoMayNotSubscribeMayNotReadPresence() throws Exception {
        try (WsTestClient owner = ws(0, "ana")) {
            subscribe(owner, "alerts:ana", null);
            awaitMembers(1, "alerts:ana", "ana", 1);
            HttpResponse<String> other = group.http(1).get("/api/channels/alerts:ana/presence", bearer("bob"));
            assertEquals(403, other.statusCode(), other.body());
            HttpResponse<String> nobody = group.http(1).get("/api/channels/alerts:ana/presence/stats");
            assertEquals(401, nobody.statusCode(), nobody.body());
            try (WsTestClient bob = ws(1, "bob")) {
                bob.send("{\"op\":\"presence\",\"channel\":\"alerts:ana\",\"ref\":1}");
                assertEquals("forbidden", bob.next("error", WAIT).getString("code"));
            }
        }
    }

    @Test
    @Order(4)
    void aClientThatDropsWithoutACloseFrameLeaves() throws Exception {
        String channel = "job:p4";
        try (WsTestClient watcher = ws(1, "bob")) {
            subscribe(watcher, channel, null);
            RawWebSocket raw = RawWebSocket.connect("127.0.0.1", group.process(0).httpPort(), "/ws",
                    bearer("dan"));
            raw.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"r\"}");
            assertEquals("dan", watcher.next("join", WAIT).getJsonObject("member").getString("user"));
            raw.reset();
            assertEquals("dan", watcher.next("leave", WAIT).getJsonObject("member").getString("user"));
            awaitMembers(0, channel, "bob", 1);
        }
    }

    @Test
    @Order(5)
    void aThousandJoinsInABurstTakeFewRedisRoundTrips() throws Exception {
        String channel = "campaign:burst";
        int n = 1000;
        // Real WebSocket clients (they answer the server's pings), opened 8 at a time over one HTTP client
        // and authenticated first; 20 users of 50 connections each: under the per-user connection limit.
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService opener = Executors.newFixedThreadPool(8);
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            tokens.add(TOKENS.token("u" + u));
        }
        List<Future<WsTestClient>> opening = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            opening.add(opener.submit(() -> {
                URI uri = URI.create(group.http(k % 2).uri("/ws").toString().replaceFirst("^http", "ws"));
                WsTestClient c = WsTestClient.connect(http, uri);
                c.send("{\"op\":\"auth\",\"token\":\"" + tokens.get(k % 20) + "\"}");
                c.next("authenticated", WAIT);
                return c;
            }));
        }
        List<WsTestClient> sockets = new ArrayList<>(n);
        try {
            for (Future<WsTestClient> f : opening) {
                sockets.add(f.get(120, TimeUnit.SECONDS));
            }
            // The burst: every subscribe sent at once, so the joins reach the gateways together.
            long before = scriptCalls();
            long updatesBefore = commandCalls("pexpire");
            long startedAt = System.nanoTime();
            for (WsTestClient c : sockets) {
                c.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            }
            for (WsTestClient c : sockets) {
                c.next("subscribed", WAIT);
            }
            int[] reads = {0};
            Await.until(WAIT, n + " members", () -> {
                reads[0]++;
                return stats(0, channel).getInt("connections") == n;
            });
            long calls = scriptCalls() - before - reads[0];
            // Each presence-update script call ends with two PEXPIREs (commands run by scripts count in
            // commandstats); nothing else the gateway runs during the burst does (the subscribes' history
            // reads are EVALSHAs too, one per subscribe: the total above includes them).
            long updates = (commandCalls("pexpire") - updatesBefore) / 2;
            long ms = Duration.ofNanos(System.nanoTime() - startedAt).toMillis();
            JsonObject stats = stats(1, channel);
            assertEquals(n, stats.getInt("connections"));
            assertEquals(20, stats.getInt("users"));
            System.out.println("presence burst: " + n + " joins on 2 instances, all in Redis after " + ms + " ms: "
                    + updates + " presence-update script calls (refreshes included); " + calls
                    + " EVALSHA/EVAL in all (with the " + n + " subscribes' history reads, without the test's "
                    + reads[0] + " reads)");
            // Batched, the calls are bounded by time, not by joins: per instance at most one flush per
            // flush-ms window (25 ms) plus one per 200 members it carries, a flush before each of the test's
            // reads, and each refresh (every second here) re-adding the instance's members 200 a call. The
            // bound holds on any machine; on a quick one it is far below n (one call per join).
            long windows = ms / FLUSH_MS + 1;
            long refreshes = ms / 1_000 + 1;
            long bound = 2 * windows + n / 200 + reads[0] + 2 * refreshes * (n / 2 / 200 + 1);
            assertTrue(updates <= bound, updates + " presence-update calls for " + n + " joins in " + ms
                    + " ms; batching allows at most " + bound);
            JsonObject page = json(group.http(1).get("/api/channels/" + channel + "/presence?limit=1000", bearer("u1")));
            assertEquals(n, page.getJsonArray("members").size());
            assertTrue(page.isNull("next"));
            JsonObject capped = json(group.http(1).get("/api/channels/" + channel + "/presence", bearer("u1")));
            assertEquals(100, capped.getJsonArray("members").size());
            assertFalse(capped.isNull("next"));
        } finally {
            opener.shutdownNow();
            for (WsTestClient s : sockets) {
                s.close();
            }
        }
        Await.until(WAIT, "the burst's members gone", () -> stats(1, channel).getInt("connections") == 0);
    }

    @Test
    @Order(6)
    void whileRedisIsDownReadsArePartialAndCorrectOnceItIsBack() throws Exception {
        String channel = "job:p6";
        try (WsTestClient wsA = ws(0, "ana"); WsTestClient wsB = ws(1, "bob")) {
            subscribe(wsA, channel, null);
            subscribe(wsB, channel, null);
            awaitMembers(1, channel, "bob", 2);
            redis.kill();
            JsonObject partial = Await.until(WAIT, "a partial read", () -> stats(1, channel),
                    s -> s.getBoolean("partial"));
            assertEquals(1, partial.getInt("connections"), partial.toString()); // B knows its own member only
            redis.restart(); // empty: the instances put their members back
            JsonObject whole = Await.until(WAIT, "a whole read", () -> stats(1, channel),
                    s -> !s.getBoolean("partial") && s.getInt("connections") == 2);
            assertEquals(2, whole.getInt("users"));
            JsonObject fromA = Await.until(WAIT, "a whole read on A", () -> stats(0, channel),
                    s -> !s.getBoolean("partial") && s.getInt("connections") == 2);
            assertEquals(2, fromA.getInt("connections"));
        }
    }

    @Test
    @Order(6)
    void aConnectionThatSubscribedAndThenReadsFindsItself() throws Exception {
        // It is never told of its own join, so a read that ran ahead of the join's batch (flush-ms)
        // would leave it out for good. The read comes at once, inside the batch's 25 ms, every round.
        for (int round = 0; round < 10; round++) {
            String channel = "job:p-self-" + round;
            try (SseTestClient self = sse(0, channel, "eve")) {
                self.next(f -> "position".equals(f.event()), WAIT);
                JsonObject page = json(group.http(0).get("/api/channels/" + channel + "/presence", bearer("eve")));
                assertEquals(1, page.getJsonArray("members").size(), "round " + round + ": " + page);
                assertEquals("eve", page.getJsonArray("members").getJsonObject(0).getString("user"));
                assertEquals(1, stats(0, channel).getInt("connections"), "round " + round);
            }
        }
    }

    @Test
    @Order(7)
    void aKilledInstancesMembersExpireWithOneLeaveEach() throws Exception {
        String channel = "job:p7";
        try (WsTestClient watcher = ws(1, "bob")) {
            subscribe(watcher, channel, null);
            List<WsTestClient> onA = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                WsTestClient c = ws(0, "k" + i);
                onA.add(c);
                subscribe(c, channel, null);
                ids.add(watcher.next("join", WAIT).getJsonObject("member").getString("id"));
            }
            awaitMembers(1, channel, "bob", 4);
            long killedAt = System.nanoTime();
            group.process(0).kill();
            List<String> leaves = new ArrayList<>();
            while (leaves.size() < 3) {
                leaves.add(watcher.next("leave", WAIT).getJsonObject("member").getString("id"));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.println("presence: a killed instance's 3 members left after " + took.toMillis() + " ms (TTL "
                    + TTL_SECONDS + " s)");
            assertEquals(ids, new HashSet<>(leaves));
            // No second leave: after two more refresh periods of B, an event published now comes with nothing before it.
            Await.until(WAIT, "B alone", () -> stats(1, channel).getInt("connections") == 1);
            publishAs(1, channel);
            JsonObject next = watcher.next(WAIT);
            while (next != null && !"event".equals(next.getString("op", ""))) {
                assertNotEquals("leave", next.getString("op", ""), "a second leave: " + next);
                next = watcher.next(WAIT);
            }
            onA.forEach(WsTestClient::close);
        }
    }

    // --- helpers ---

    private static Map<String, String> bearer(String user) {
        return Tokens.bearer(TOKENS.token(user, "publisher"));
    }

    private static WsTestClient ws(int instance, String user) {
        URI uri = URI.create(group.http(instance).uri("/ws").toString().replaceFirst("^http", "ws"));
        return WsTestClient.connect(uri, bearer(user));
    }

    private static SseTestClient sse(int instance, String channel, String user) throws Exception {
        SseTestClient client = SseTestClient.connect(group.http(instance).uri("/api/stream?channel=" + channel),
                bearer(user));
        assertEquals(200, client.status());
        return client;
    }

    private static JsonObject subscribe(WsTestClient ws, String channel, String info) throws InterruptedException {
        ws.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"sub\""
                + (info == null ? "" : ",\"info\":" + info) + "}");
        return ws.next("subscribed", WAIT);
    }

    private static JsonObject awaitMembers(int instance, String channel, String user, int n) {
        return Await.until(WAIT, n + " members of " + channel + " seen from instance " + instance,
                () -> json(group.http(instance).get("/api/channels/" + channel + "/presence", bearer(user))),
                p -> p.getJsonArray("members").size() == n);
    }

    private static JsonObject stats(int instance, String channel) {
        return json(group.http(instance).get("/api/channels/" + channel + "/presence/stats", bearer("admin")));
    }

    private static void publishAs(int instance, String channel) {
        HttpResponse<String> r = group.http(instance).post("/api/channels/" + channel + "/events",
                "{\"type\":\"marker\",\"data\":{}}", with(bearer("pub"), "Content-Type", "application/json"));
        assertEquals(202, r.statusCode(), r.body());
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new HashMap<>(m);
        out.put(k, v);
        return out;
    }

    private static JsonObject json(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError(response.statusCode() + " " + response.body());
        }
        return GatewayHttp.json(response.body());
    }

    /** How many times Redis ran a command (INFO commandstats), from clients or from scripts. */
    private static long commandCalls(String command) {
        try (RedisClient admin = RedisClient.create(redis.url())) {
            Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(admin.info("commandstats"));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }
    }

    /** Presence scripts and publishes Redis ran (INFO commandstats): each EVALSHA is one call a client made. */
    private static long scriptCalls() {
        try (RedisClient admin = RedisClient.create(redis.url())) {
            String info = admin.info("commandstats");
            long calls = 0;
            Matcher m = Pattern.compile("cmdstat_(evalsha|eval):calls=(\\d+)").matcher(info);
            while (m.find()) {
                calls += Long.parseLong(m.group(2));
            }
            return calls;
        }
    }
}
