package io.realtime.gateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.LinkProxy;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Redis comes back: as soon as the gateway's subscriber link is up again, a client that resumes on
 * it is replayed what it missed from the Redis history, not given a reset from the instance's local
 * position while the broker waits for its next ping (here two minutes apart, to make that wait plain).
 */
@OwnServers
class RedisReturnIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aResumeRightAfterTheLinkIsBackIsReplayedFromRedis() throws Exception {
        try (RedisServer redis = RedisServer.start();
             LinkProxy proxy = new LinkProxy(redis.port());
             GatewayProcess gateway = GatewayProcess.start(Map.of(
                     "REDIS_URL", proxy.url(),
                     "GATEWAY_REDIS_PING_INTERVAL_MS", "120000",
                     "GATEWAY_REDIS_DEAD_AFTER_MS", "360000",
                     "GATEWAY_REDIS_RECONNECT_MIN_MS", "100",
                     "GATEWAY_REDIS_RECONNECT_MAX_MS", "300",
                     "GATEWAY_REDIS_TIMEOUT_MS", "1000"));
             RedisClient worker = RedisClient.create(redis.url())) {
            GatewayHttp http = new GatewayHttp("http://localhost:" + gateway.httpPort());
            String channel = "job:back1";
            String seen = http.publish(channel, "job_progress", progress(1));

            proxy.cut();
            // A publish while cut off tells the gateway Redis is gone (its ping would, 30 s later).
            HttpResponse<String> local = http.post("/api/channels/" + channel + "/events?fallback=local",
                    "application/json", "{\"type\":\"job_progress\",\"data\":" + progress(2) + "}");
            assertEquals(202, local.statusCode(), local.body());
            assertEquals("local", GatewayHttp.json(local.body()).getString("delivery"));
            Await.until(WAIT, "the gateway sees Redis unreachable", () -> !broker(http).getBoolean("connected"));
            // What a worker publishes meanwhile is in the Redis history only.
            String missed = new String(asBytes(worker.eval(publishScript(),
                    List.of("rt:h:{" + channel + "}", "rt:c:{" + channel + "}"),
                    List.of(channel, "job_progress", progress(3), "1000", "600"))), StandardCharsets.UTF_8);
            proxy.restore();
            Await.until(WAIT, "the subscriber link is back", () -> broker(http).getBoolean("subscriberAlive"));

            // The broker takes Redis as reachable again because the link is back, not at its next
            // ping (two minutes away here, far past WAIT: the old behaviour fails this wait). Then
            // the first resume from the last id seen is replayed from Redis.
            Await.until(WAIT, "Redis reachable again with the link, before the next ping",
                    () -> broker(http), b -> b.getBoolean("connected") && b.getBoolean("subscriberAlive"));
            SseFrame first;
            try (SseTestClient resumed = SseTestClient.connect(
                    http.uri("/api/stream?channel=" + channel), Map.of("Last-Event-ID", seen))) {
                assertEquals(200, resumed.status());
                first = resumed.next(f -> "reset".equals(f.event()) || "job_progress".equals(f.event()), WAIT);
            }
            assertEquals("job_progress", first.event(), "replayed from Redis, not a reset");
            assertEquals(missed, first.id());
        }
    }

    private static String progress(int frame) {
        return "{\"jobId\":\"back1\",\"frame\":" + frame + ",\"totalFrames\":10}";
    }

    private static JsonObject broker(GatewayHttp http) {
        return http.stats().getJsonObject("broker");
    }

    private static String publishScript() throws java.io.IOException {
        try (InputStream in = RedisReturnIT.class.getResourceAsStream("/redis/publish.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] asBytes(Object reply) {
        return reply instanceof byte[] b ? b : reply.toString().getBytes(StandardCharsets.UTF_8);
    }
}
