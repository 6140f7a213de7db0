package io.realtime.gateway.cluster;

import static io.realtime.gateway.cluster.TwoGateways.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Two Liberty servers on their own ports sharing one redis-server, over real sockets: an event
 * published on A (HTTP, WebSocket, or the Lua script from a plain Redis client) reaches B's SSE and
 * WebSocket clients in order; a client resumes on B after missing events published on A; a trimmed
 * history gives a reset; Redis killed mid-stream and restarted; an instance stopped closes its
 * subscriber connection. The tests run in order: the last two kill Redis and stop B.
 *
 * <p>It starts every server it uses, but is not marked {@code OwnServers}: it runs in the other lane,
 * which keeps the two lanes about as long as each other (the quick profile leaves it out by its package).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossInstanceIT {

    private static final Logger LOG = Logger.getLogger(CrossInstanceIT.class.getName());
    private static RedisServer redis;
    private static TwoGateways gateways;

    @RegisterExtension
    final TestWatcher logs = TwoGateways.dumpLogsOnFailure(() -> gateways);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        // A small history in the abtest namespace, to see a trimmed stream give a reset.
        gateways = TwoGateways.start(redis.url(), Map.of("GATEWAY_NAMESPACE_ABTEST_HISTORY_SIZE", "5"));
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

    @Test
    @Order(1)
    void publishedOnAOverHttpWebSocketAndLuaArriveOnBOverSseAndWebSocketInOrder() throws Exception {
        String channel = "job:x1";
        try (SseTestClient sseB = TwoGateways.sse(gateways.httpB, channel, null);
             WsTestClient wsB = TwoGateways.ws(gateways.httpB, channel, null, null);
             WsTestClient wsA = WsTestClient.connect(java.net.URI.create(
                     gateways.httpA.uri("/ws").toString().replaceFirst("^http", "ws")));
             RedisClient worker = RedisClient.create(redis.url())) {
            TwoGateways.awaitPosition(sseB);
            List<String> published = new ArrayList<>();
            String script = TwoGateways.publishScript();
            for (int i = 0; i < 30; i++) {
                String data = "{\"jobId\":\"x1\",\"stage\":\"render\",\"frame\":" + i + ",\"totalFrames\":30}";
                switch (i % 3) {
                    case 0 -> {
                        HttpResponse<String> r = gateways.httpA.post("/api/channels/" + channel + "/events",
                                "application/json", "{\"type\":\"job_progress\",\"data\":" + data + "}");
                        assertEquals(202, r.statusCode(), r.body());
                        JsonObject body = GatewayHttp.json(r.body());
                        assertEquals("cluster", body.getString("delivery"));
                        published.add(body.getString("id"));
                    }
                    case 1 -> {
                        wsA.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"job_progress\","
                                + "\"data\":" + data + ",\"ref\":\"p" + i + "\"}");
                        published.add(wsA.next("ack", WAIT).getString("id"));
                    }
                    default -> {
                        Object reply = worker.eval(script,
                                List.of("rt:h:{" + channel + "}", "rt:c:{" + channel + "}"),
                                List.of(channel, "job_progress", data, "1000", "600"));
                        published.add(new String(asBytes(reply), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
            assertEquals(published, TwoGateways.ids(sseB.events("job_progress", 30, WAIT)), "SSE on B, in order");
            assertEquals(published, wsB.events(30, WAIT).stream().map(e -> e.getString("id")).toList(),
                    "WebSocket on B, in order");
        }
    }

    @Test
    @Order(2)
    void aClientResumesOnBAfterMissingEventsPublishedOnA() throws Exception {
        String channel = "campaign:r1";
        String seen;
        try (SseTestClient onA = TwoGateways.sse(gateways.httpA, channel, null)) {
            TwoGateways.awaitPosition(onA);
            for (int i = 0; i < 3; i++) {
                gateways.httpA.publish(channel, "metrics_update", metrics(i));
            }
            List<SseFrame> first = onA.events("metrics_update", 3, WAIT);
            seen = first.get(2).id();
        }
        List<String> missed = new ArrayList<>();
        for (int i = 3; i < 8; i++) {
            missed.add(gateways.httpA.publish(channel, "metrics_update", metrics(i)));
        }
        try (SseTestClient onB = TwoGateways.sse(gateways.httpB, channel, seen)) {
            List<SseFrame> replayed = onB.events("metrics_update", 5, WAIT);
            assertEquals(missed, TwoGateways.ids(replayed));
            String live = gateways.httpA.publish(channel, "metrics_update", metrics(8));
            assertEquals(List.of(live), TwoGateways.ids(onB.events("metrics_update", 1, WAIT)));
        }
        // The WebSocket form of the same resume, from the middle.
        JsonObject[] ack = new JsonObject[1];
        try (WsTestClient ws = TwoGateways.ws(gateways.httpB, channel, missed.get(1), ack)) {
            assertTrue(ack[0].getBoolean("recovered"), ack[0].toString());
            assertEquals(missed.subList(2, 5), ws.events(3, WAIT).stream().map(e -> e.getString("id")).toList().subList(0, 3));
        }
    }

    /**
     * A publisher that retries after a timeout, through another instance, with the same
     * Idempotency-Key: the retry publishes nothing and answers the first id; the subscribers of both
     * instances get the event once. The key is per channel: the same key elsewhere publishes.
     */
    @Test
    @Order(2)
    void anIdempotentRetryOnTheOtherInstancePublishesNothing() throws Exception {
        String channel = "job:idem-" + System.nanoTime();
        try (SseTestClient onA = TwoGateways.sse(gateways.httpA, channel, null);
             WsTestClient onB = TwoGateways.ws(gateways.httpB, channel, null, null)) {
            TwoGateways.awaitPosition(onA);
            String body = "{\"type\":\"job_progress\",\"data\":{\"frame\":1,\"totalFrames\":10}}";
            HttpResponse<String> first = gateways.httpA.post("/api/channels/" + channel + "/events", body,
                    Map.of("Idempotency-Key", "frame-1"));
            assertEquals(202, first.statusCode(), first.body());
            JsonObject firstBody = GatewayHttp.json(first.body());
            assertFalse(firstBody.containsKey("duplicate"));
            HttpResponse<String> retry = gateways.httpB.post("/api/channels/" + channel + "/events", body,
                    Map.of("Idempotency-Key", "frame-1"));
            assertEquals(202, retry.statusCode(), retry.body());
            JsonObject retryBody = GatewayHttp.json(retry.body());
            assertEquals(firstBody.getString("id"), retryBody.getString("id"), "the first publish's id");
            assertTrue(retryBody.getBoolean("duplicate"));
            assertEquals("cluster", retryBody.getString("delivery"));
            // A batch retry through A, with one new item: only the new one is published.
            String batch = "[{\"channel\":\"" + channel + "\",\"type\":\"job_progress\",\"data\":{\"frame\":1,\"totalFrames\":10},"
                    + "\"idempotencyKey\":\"frame-1\"},{\"channel\":\"" + channel
                    + "\",\"type\":\"job_progress\",\"data\":{\"frame\":2,\"totalFrames\":10},\"idempotencyKey\":\"frame-2\"}]";
            HttpResponse<String> batched = gateways.httpA.post("/api/events", "application/json", batch);
            assertEquals(202, batched.statusCode(), batched.body());
            JsonObject batchBody = GatewayHttp.json(batched.body());
            assertEquals(firstBody.getString("id"), batchBody.getJsonArray("ids").getString(0));
            assertEquals(List.of(0), batchBody.getJsonArray("duplicates").getValuesAs(jakarta.json.JsonNumber.class)
                    .stream().map(jakarta.json.JsonNumber::intValue).toList());
            String second = batchBody.getJsonArray("ids").getString(1);
            // The same key on another channel is another publish.
            String other = "job:idem-other-" + System.nanoTime();
            HttpResponse<String> elsewhere = gateways.httpB.post("/api/channels/" + other + "/events", body,
                    Map.of("Idempotency-Key", "frame-1"));
            assertFalse(GatewayHttp.json(elsewhere.body()).containsKey("duplicate"), elsewhere.body());
            String marker = gateways.httpB.publish(channel, "job_progress", "{\"frame\":3,\"totalFrames\":10}");

            List<String> expected = List.of(firstBody.getString("id"), second, marker);
            assertEquals(expected, TwoGateways.ids(onA.events("job_progress", 3, WAIT)), "SSE on A: each once");
            assertEquals(expected, onB.events(3, WAIT).stream().map(e -> e.getString("id")).toList(),
                    "WebSocket on B: each once");
        }
    }

    @Test
    @Order(3)
    void aResumeFromBeyondATrimmedHistoryGetsAReset() throws Exception {
        String channel = "abtest:t1";
        String first = gateways.httpA.publish(channel, "ab_test_update", abtest(0));
        StringBuilder batch = new StringBuilder("[");
        for (int i = 1; i < 300; i++) {
            batch.append(i > 1 ? "," : "").append("{\"channel\":\"").append(channel)
                    .append("\",\"type\":\"ab_test_update\",\"data\":").append(abtest(i)).append('}');
        }
        HttpResponse<String> r = gateways.httpA.post("/api/events", "application/json", batch.append(']').toString());
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("cluster", GatewayHttp.json(r.body()).getString("delivery"));
        try (SseTestClient onB = TwoGateways.sse(gateways.httpB, channel, first)) {
            SseFrame reset = onB.next(f -> "reset".equals(f.event()) || "ab_test_update".equals(f.event()), WAIT);
            assertEquals("reset", reset.event(), "history (5 per channel) no longer reaches the client's id");
            assertEquals(channel, reset.json().getString("channel"));
        }
        JsonObject[] ack = new JsonObject[1];
        try (WsTestClient ws = TwoGateways.ws(gateways.httpB, channel, first, ack)) {
            assertFalse(ack[0].getBoolean("recovered"));
        }
    }

    /**
     * What a worker writes into Redis that is not an event: the publish script refuses it (data not
     * JSON, JSON but not an object, an object cjson takes but clients' parsers refuse); written
     * without the script (XADD and PUBLISH from a script of the worker's own), it is skipped alike by
     * the live path and by the replay, so a client that resumes sees exactly what a live one saw,
     * and every envelope is JSON.
     */
    @Test
    @Order(3)
    void dataThatIsNotAnEventIsRefusedByTheScriptAndSkippedAlikeLiveAndReplayed() throws Exception {
        String channel = "job:w9";
        List<String> keys = List.of("rt:h:{" + channel + "}", "rt:c:{" + channel + "}");
        // A worker's own script: XADD and PUBLISH "<id> <type> <data>" without any check.
        String raw = "local f = {} for i = 1, #ARGV, 2 do f[#f + 1] = ARGV[i] f[#f + 1] = ARGV[i + 1] end "
                + "local id = redis.call('XADD', KEYS[1], '*', unpack(f)) "
                + "local t, d = '', '' for i = 1, #ARGV, 2 do if ARGV[i] == 't' then t = ARGV[i + 1] "
                + "elseif ARGV[i] == 'd' then d = ARGV[i + 1] end end "
                + "redis.call('PUBLISH', KEYS[2], id .. ' ' .. t .. (d == '' and '' or ' ' .. d)) return id";
        try (SseTestClient live = TwoGateways.sse(gateways.httpB, channel, null);
             RedisClient worker = RedisClient.create(redis.url())) {
            TwoGateways.awaitPosition(live);
            String script = TwoGateways.publishScript();
            String first = text(worker.eval(script, keys, List.of(channel, "job_progress", "{\"i\":1}", "1000", "600")));
            live.next(f -> first.equals(f.id()), WAIT);

            for (String data : List.of("hello", "[1,2]", "42", "\"text\"", "{oops}", "{\"a\":NaN}", "{\"a\":0x10}",
                    "{\"a\":1}{\"b\":2}", "{\"a\":\n1}", "{\"a\":\"tab\there\"}")) {
                JedisDataException refused = assertThrows(JedisDataException.class,
                        () -> worker.eval(script, keys, List.of(channel, "job_progress", data, "1000", "600")), data);
                assertTrue(refused.getMessage().contains("bad_data"), refused.getMessage());
            }
            List<List<String>> written = List.of(
                    List.of("t", "job_progress", "d", "hello"),
                    List.of("t", "job_progress", "d", "[1,2]"),
                    List.of("t", "job_progress", "d", "{\"a\":\n1}"),
                    List.of("t", "bad\"type", "d", "{\"a\":1}"),
                    List.of("t", "job_progress"),
                    List.of("d", "{\"a\":1}"));
            for (List<String> fields : written) {
                worker.eval(raw, keys, fields);
            }
            String last = text(worker.eval(script, keys, List.of(channel, "job_progress", "{\"i\":2}", "1000", "600")));

            List<SseFrame> seenLive = events(live.until(f -> last.equals(f.id()), WAIT));
            try (SseTestClient resumed = TwoGateways.sse(gateways.httpA, channel, first)) {
                List<SseFrame> replayed = events(resumed.until(f -> last.equals(f.id()), WAIT));
                assertEquals(List.of(last), TwoGateways.ids(seenLive), "live: " + seenLive);
                assertEquals(List.of(last), TwoGateways.ids(replayed), "replayed: " + replayed);
            }
            JsonObject[] ack = new JsonObject[1];
            try (WsTestClient ws = TwoGateways.ws(gateways.httpB, channel, first, ack)) {
                assertTrue(ack[0].getBoolean("recovered"), ack[0].toString());
                assertEquals(last, ws.events(1, WAIT).get(0).getString("id"));
            }
        }
    }

    /** The event frames among SSE frames (no comments, no position), each checked to be JSON. */
    private static List<SseFrame> events(List<SseFrame> frames) {
        List<SseFrame> events = new ArrayList<>();
        for (SseFrame f : frames) {
            if (f.isComment() || f.id() == null || "position".equals(f.event())) {
                continue;
            }
            assertEquals(f.id(), f.json().getString("id"), f.data());
            events.add(f);
        }
        return events;
    }

    private static String text(Object reply) {
        return new String(asBytes(reply), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    @Order(4)
    void redisKilledMidStreamLocalDeliveryGoesOnAndSubscribersCatchUpWhenItIsBack() throws Exception {
        String channel = "job:k1";
        try (SseTestClient onA = TwoGateways.sse(gateways.httpA, channel, null);
             SseTestClient onB = TwoGateways.sse(gateways.httpB, channel, null)) {
            TwoGateways.awaitPosition(onA);
            TwoGateways.awaitPosition(onB);
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                before.add(gateways.httpA.publish(channel, "job_progress", progress(i)));
            }
            assertEquals(before, TwoGateways.ids(onB.events("job_progress", 5, WAIT)));
            assertEquals(before, TwoGateways.ids(onA.events("job_progress", 5, WAIT)));

            redis.kill();
            Await.until(WAIT, "health says degraded", () -> degraded(gateways.httpA) && degraded(gateways.httpB));
            JsonObject ready = GatewayHttp.json(gateways.httpA.get("/health/ready").body());
            assertEquals("UP", ready.getString("status"), "local delivery still serves: " + ready);
            JsonObject stats = gateways.httpA.stats().getJsonObject("broker");
            assertFalse(stats.getBoolean("connected"), stats.toString());
            assertTrue(stats.getBoolean("degraded"), stats.toString());

            // Local delivery goes on, and the publisher is told.
            HttpResponse<String> local = gateways.httpA.post("/api/channels/" + channel + "/events?fallback=local",
                    "application/json", "{\"type\":\"job_progress\",\"data\":" + progress(50) + "}");
            assertEquals(202, local.statusCode(), local.body());
            assertEquals("local", GatewayHttp.json(local.body()).getString("delivery"));
            assertEquals(GatewayHttp.json(local.body()).getString("id"),
                    TwoGateways.ids(onA.events("job_progress", 1, WAIT)).get(0));
            HttpResponse<String> refused = gateways.httpA.post("/api/channels/" + channel + "/events?fallback=refuse",
                    "application/json", "{\"type\":\"job_progress\",\"data\":" + progress(51) + "}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

            long restart = System.nanoTime();
            redis.restart();
            // A publishes as soon as it can reach Redis again, whether or not B's subscriber link is
            // back yet: what reaches Redis meanwhile, B gets from the stream when it re-subscribes.
            Await.until(WAIT, "A reaches Redis again",
                    () -> gateways.httpA.stats().getJsonObject("broker").getBoolean("connected"));
            List<String> after = new ArrayList<>();
            for (int i = 5; i < 10; i++) {
                after.add(gateways.httpA.publish(channel, "job_progress", progress(i)));
            }
            assertEquals(after, TwoGateways.ids(onB.events("job_progress", 5, WAIT)), "B catches up, in order");
            long deliveredMs = (System.nanoTime() - restart) / 1_000_000;
            Await.until(WAIT, "health recovers", () -> healthy(gateways.httpA) && healthy(gateways.httpB));
            long healthyMs = (System.nanoTime() - restart) / 1_000_000;
            LOG.info("Two gateways after a Redis restart: healthy in " + healthyMs + " ms, cross-instance delivery in "
                    + deliveredMs + " ms");
            assertTrue(gateways.httpB.stats().getJsonObject("broker").getInt("reconnects") >= 1);
        }
    }

    @Test
    @Order(5)
    void stoppingAnInstanceClosesItsSubscriberConnection() throws Exception {
        // Each instance holds one subscriber connection, named so that it shows in CLIENT LIST.
        Await.until(WAIT, "one subscriber connection per instance", CrossInstanceIT::subscriberConnections, n -> n == 2);
        gateways.b.stop();
        Await.until(WAIT, "B's link closed with the application", CrossInstanceIT::subscriberConnections, n -> n == 1);
        assertFalse(gateways.b.log().contains("ended unexpectedly"), "B's link loop ended by the stop, not by a failure");
    }

    private static long subscriberConnections() {
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", redis.port())) {
            return jedis.clientList().lines().filter(l -> l.contains("name=rt-gateway-subscriber")).count();
        }
    }

    private static boolean degraded(GatewayHttp http) {
        JsonObject broker = http.stats().getJsonObject("broker");
        return broker.getBoolean("degraded") && !broker.getBoolean("connected");
    }

    private static boolean healthy(GatewayHttp http) {
        JsonObject broker = http.stats().getJsonObject("broker");
        return broker.getBoolean("connected") && broker.getBoolean("subscriberAlive") && !broker.getBoolean("degraded");
    }

    private static byte[] asBytes(Object reply) {
        return reply instanceof byte[] b ? b : reply.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String progress(int frame) {
        return "{\"jobId\":\"k1\",\"stage\":\"render\",\"frame\":" + frame + ",\"totalFrames\":100}";
    }

    private static String metrics(int i) {
        return "{\"campaignId\":\"r1\",\"impressions\":" + (100 * (i + 1)) + ",\"clicks\":" + (i + 1)
                + ",\"spend\":" + (i + 1) + ",\"conversions\":0}";
    }

    private static String abtest(int i) {
        return "{\"testId\":\"t1\",\"variants\":[{\"name\":\"a\",\"exposures\":" + (100 + i)
                + ",\"conversions\":" + i + "},{\"name\":\"b\",\"exposures\":100,\"conversions\":5}]}";
    }
}
