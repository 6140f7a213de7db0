package io.realtime.gateway.cluster;

import static io.realtime.gateway.cluster.TwoGateways.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The product streams' derived state with two instances sharing one Redis: consecutive job frames
 * and metrics updates landing on different instances derive as if they had landed on one; an alert
 * rule fires once per crossing whichever instance gets the update, even when two instances get a
 * crossing update at the same moment; the rules are kept in Redis.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@OwnServers
class StreamsCrossInstanceIT {

    private static RedisServer redis;
    private static TwoGateways gateways;

    @RegisterExtension
    final TestWatcher logs = TwoGateways.dumpLogsOnFailure(() -> gateways);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        gateways = TwoGateways.start(redis.url(), Map.of());
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
    void jobProgressDerivedFromFramesThatArriveOnAlternatingInstances() throws Exception {
        String job = "x-" + System.nanoTime();
        try (SseTestClient sse = SseTestClient.connect(gateways.httpB.uri("/api/stream/render-progress/" + job))) {
            TwoGateways.awaitPosition(sse);
            for (int i = 0; i < 6; i++) {
                GatewayHttp on = i % 2 == 0 ? gateways.httpA : gateways.httpB;
                // 12 frames every 400 ms: 30 fps
                on.publish("job:" + job, "job_progress", "{\"stage\":\"encode\",\"frame\":" + (12 * (i + 1))
                        + ",\"totalFrames\":120,\"timestamp\":" + (5_000_000 + 400L * i) + "}");
            }
            List<SseFrame> frames = sse.events("job_progress", 6, WAIT);
            assertTrue(frames.get(0).json().getJsonObject("data").isNull("fps"));
            for (int i = 1; i < 6; i++) {
                JsonObject data = frames.get(i).json().getJsonObject("data");
                assertEquals(30.0, data.getJsonNumber("fps").doubleValue(), 1e-9, "frame " + i + ": " + data);
                assertEquals((120 - 12 * (i + 1)) / 30.0, data.getJsonNumber("etaSeconds").doubleValue(), 1e-9);
            }
            gateways.httpA.publish("job:" + job, "job_completed", "{}");
            sse.ended().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void aCampaignUpdateOnBIsComparedWithThePreviousOneOnA() throws Exception {
        String channel = "campaign:x-" + System.nanoTime();
        gateways.httpA.publish(channel, "metrics_update", "{\"impressions\":100,\"clicks\":4,\"spend\":8,\"conversions\":1}");
        try (SseTestClient sse = TwoGateways.sse(gateways.httpA, channel, null)) {
            TwoGateways.awaitPosition(sse);
            gateways.httpB.publish(channel, "metrics_update", "{\"impressions\":300,\"clicks\":5,\"spend\":10,\"conversions\":1}");
            JsonObject m = sse.events("metrics_update", 1, WAIT).get(0).json().getJsonObject("data").getJsonObject("metrics");
            assertEquals(200.0, m.getJsonObject("impressions").getJsonNumber("delta").doubleValue(), 1e-9);
            assertEquals(0.0, m.getJsonObject("cpc").getJsonNumber("delta").doubleValue(), 1e-9);
            assertEquals("down", m.getJsonObject("ctr").getString("direction"));
        }
    }

    @Test
    @Order(3)
    void anAlertFiresOncePerCrossingWhicheverInstanceGetsTheUpdate() throws Exception {
        String user = "u-" + System.nanoTime();
        String campaign = "c-" + System.nanoTime();
        HttpResponse<String> created = gateways.httpA.post("/api/alerts/rules", "application/json",
                "{\"userId\":\"" + user + "\",\"campaignId\":\"" + campaign
                        + "\",\"metric\":\"ctr\",\"operator\":\"below\",\"threshold\":0.005}");
        assertEquals(201, created.statusCode(), created.body());
        String ruleId = GatewayHttp.json(created.body()).getString("id");
        assertEquals(ruleId, GatewayHttp.json(gateways.httpB.get("/api/alerts/rules?userId=" + user).body())
                .getJsonArray("rules").getJsonObject(0).getString("id"), "B sees the rule made on A");

        try (SseTestClient sse = TwoGateways.sse(gateways.httpB, "alerts:" + user, null)) {
            TwoGateways.awaitPosition(sse);
            // CTR 1% (fine) on A, then 0.4% on A and on B at the same moment: one crossing, one alert.
            metrics(gateways.httpA, campaign, 10);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> onA = CompletableFuture.runAsync(() -> awaitThen(go, () -> metrics(gateways.httpA, campaign, 4)));
            CompletableFuture<Void> onB = CompletableFuture.runAsync(() -> awaitThen(go, () -> metrics(gateways.httpB, campaign, 4)));
            go.countDown();
            CompletableFuture.allOf(onA, onB).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            metrics(gateways.httpB, campaign, 3); // still below: nothing
            metrics(gateways.httpA, campaign, 8); // back above
            metrics(gateways.httpB, campaign, 2); // crosses again
            gateways.httpA.publish("alerts:" + user, "marker", "{}");
            List<JsonObject> alerts = sse.until(f -> "marker".equals(f.event()), WAIT).stream()
                    .filter(f -> "alert".equals(f.event())).map(f -> f.json().getJsonObject("data")).toList();
            assertEquals(2, alerts.size(), "one alert per crossing: " + alerts);
            assertEquals(0.004, alerts.get(0).getJsonNumber("value").doubleValue(), 1e-12);
            assertEquals(0.002, alerts.get(1).getJsonNumber("value").doubleValue(), 1e-12);
            assertEquals("CTR below 0.50%", alerts.get(0).getString("title"));
        }
    }

    @Test
    @Order(4)
    void alertRulesAreKeptInRedis() {
        String user = "r-" + System.nanoTime();
        HttpResponse<String> created = gateways.httpB.post("/api/alerts/rules", "application/json",
                "{\"userId\":\"" + user + "\",\"campaignId\":\"c1\",\"metric\":\"spend\",\"operator\":\"above\",\"threshold\":100}");
        assertEquals(201, created.statusCode(), created.body());
        String id = GatewayHttp.json(created.body()).getString("id");
        // What a restarted instance reads them from (every instance reads them there, as the test above shows).
        try (RedisClient client = RedisClient.create(redis.url())) {
            assertEquals(GatewayHttp.json(created.body()), GatewayHttp.json(client.hget("rt:s:alert-rules", id)));
        }
    }

    @Test
    @Order(5)
    void aWorkerPublishesThroughTheRedisInboxAndGetsTheSameDerivation() throws Exception {
        String job = "in-" + System.nanoTime();
        try (SseTestClient sse = SseTestClient.connect(gateways.httpB.uri("/api/stream/render-progress/" + job));
             RedisClient worker = RedisClient.create(redis.url())) {
            TwoGateways.awaitPosition(sse);
            for (int i = 1; i <= 5; i++) {
                worker.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", "job:" + job,
                        "type", "job_progress", "data", "{\"frame\":" + (10 * i) + ",\"totalFrames\":100,\"timestamp\":" + (1000L * i) + "}"));
            }
            worker.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", "job:" + job,
                    "type", "job_progress", "data", "{\"frame\":1}"));
            List<SseFrame> frames = sse.events("job_progress", 5, WAIT);
            for (int i = 0; i < 5; i++) {
                JsonObject data = frames.get(i).json().getJsonObject("data");
                assertEquals(10 * (i + 1), data.getInt("frame"), "in the order added");
                if (i > 0) {
                    assertEquals(10.0, data.getJsonNumber("fps").doubleValue(), 1e-9);
                }
            }
            List<StreamEntry> rejected = io.realtime.gateway.testsupport.Await.until(WAIT,
                    "the bad entry in rt:in:rejected", () -> worker.xrange("rt:in:rejected", "-", "+"), r -> !r.isEmpty());
            assertTrue(rejected.get(0).getFields().get("error").startsWith("bad_data"), rejected.toString());
        }
    }

    /**
     * A worker's burst: the gateway publishes the inbox's entries in batches of a read each, so this
     * checks what batching could break. Every accepted entry arrives once and in the order added, job
     * frames among them derive their frame rate as if alone (a batch refused for one frame moved no
     * state), the refused ones (a deriver's refusal, bad JSON, a bad channel, data past the publish
     * size limit) are set aside with their reasons and nothing else is, and the inbox is left empty.
     */
    @Test
    @Order(6)
    void aBurstThroughTheInboxArrivesWholeInOrderWithTheRefusedSetAside() throws Exception {
        String job = "burst-" + System.nanoTime();
        String channel = "job:" + job;
        int ticks = 2_000;
        try (SseTestClient sse = SseTestClient.connect(gateways.httpB.uri("/api/stream?channel=" + channel));
             Jedis worker = new Jedis(URI.create(redis.url()))) {
            TwoGateways.awaitPosition(sse);
            Pipeline burst = worker.pipelined();
            for (int i = 1; i <= ticks; i++) {
                burst.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", channel, "type", "tick", "data", "{\"seq\":" + i + "}"));
                if (i >= 700 && i < 703) {
                    int k = i - 699; // frames 10, 20, 30 a second apart: 10 fps from the second on
                    burst.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", channel, "type", "job_progress",
                            "data", "{\"frame\":" + (10 * k) + ",\"totalFrames\":100,\"timestamp\":" + (1000L * k) + "}"));
                    if (k == 3) {
                        // Refused by the deriver, read with the good frames: they must not be counted twice.
                        burst.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", channel, "type", "job_progress",
                                "data", "{\"frame\":1}"));
                    }
                } else if (i == 1000) {
                    burst.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", channel, "type", "tick", "data", "{not json"));
                } else if (i == 1500) {
                    burst.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", "no namespace " + job, "type", "tick",
                            "data", "{}"));
                } else if (i == 1800) {
                    // Past gateway.publish.max-body-bytes (64 KiB), as an HTTP body may not be: refused unparsed.
                    burst.xadd("rt:in", StreamEntryID.NEW_ENTRY, Map.of("channel", channel, "type", "tick",
                            "data", "{\"pad\":\"" + "x".repeat(70_000) + "\"}"));
                }
            }
            burst.sync();
            List<SseFrame> received = sse.until(f -> "tick".equals(f.event())
                    && f.json().getJsonObject("data").getInt("seq") == ticks, WAIT.multipliedBy(3));
            List<Integer> seqs = received.stream().filter(f -> "tick".equals(f.event()))
                    .map(f -> f.json().getJsonObject("data").getInt("seq")).toList();
            assertEquals(java.util.stream.IntStream.rangeClosed(1, ticks).boxed().toList(), seqs, "once each, in the order added");
            List<JsonObject> frames = received.stream().filter(f -> "job_progress".equals(f.event()))
                    .map(f -> f.json().getJsonObject("data")).toList();
            assertEquals(3, frames.size(), frames.toString());
            assertTrue(frames.get(0).isNull("fps"), frames.toString());
            assertEquals(10.0, frames.get(1).getJsonNumber("fps").doubleValue(), 1e-9, frames.toString());
            assertEquals(10.0, frames.get(2).getJsonNumber("fps").doubleValue(), 1e-9, frames.toString());
            List<String> errors = io.realtime.gateway.testsupport.Await.until(WAIT, "the four refused entries set aside",
                    () -> worker.xrange("rt:in:rejected", (StreamEntryID) null, (StreamEntryID) null).stream()
                            .filter(e -> e.getFields().get("channel").contains(job))
                            .map(e -> e.getFields().get("error")).toList(),
                    r -> r.size() >= 4);
            assertEquals(4, errors.size(), errors.toString());
            assertTrue(errors.get(0).startsWith("bad_data"), errors.toString());
            assertTrue(errors.get(1).startsWith("bad_json"), errors.toString());
            assertTrue(errors.get(2).startsWith("bad_channel"), errors.toString());
            assertTrue(errors.get(3).startsWith("too_large"), errors.toString());
            io.realtime.gateway.testsupport.Await.until(WAIT, "the inbox emptied", () -> worker.xlen("rt:in"), n -> n == 0);
        }
    }

    private static void metrics(GatewayHttp on, String campaign, int clicks) {
        on.publish("campaign:" + campaign, "metrics_update",
                "{\"impressions\":1000,\"clicks\":" + clicks + ",\"spend\":10,\"conversions\":0}");
    }

    private static void awaitThen(CountDownLatch go, Runnable action) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        action.run();
    }
}
