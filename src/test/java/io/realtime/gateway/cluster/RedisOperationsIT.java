package io.realtime.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.PrometheusText;
import io.realtime.gateway.testsupport.RedisServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway in cluster mode, with JSON logging switched on, while the Redis it uses (a real
 * redis-server this test started) is killed and started again: what readiness, the metrics and the
 * log say.
 */
@OwnServers
class RedisOperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void readinessMetricsAndLogsFollowRedisDownAndBack() throws Exception {
        try (RedisServer redis = RedisServer.start();
             GatewayProcess gateway = GatewayProcess.start(Map.of("REDIS_URL", redis.url(),
                     "WLP_LOGGING_CONSOLE_FORMAT", "JSON"))) {
            GatewayHttp http = new GatewayHttp("http://localhost:" + gateway.httpPort());
            JsonObject broker = brokerCheck(http);
            assertEquals("redis", broker.getJsonObject("data").getString("mode"));
            assertTrue(broker.getJsonObject("data").getBoolean("connected"));
            assertFalse(broker.getJsonObject("data").containsKey("reason"));
            assertEquals(1, scrape(http).value("gateway_broker_connected"));
            PrometheusText before = scrape(http);

            redis.kill();
            // Still ready (local delivery goes on; gateway.redis.required=false), but degraded, and says why.
            JsonObject down = Await.until(WAIT, "readiness to report Redis down", () -> brokerCheck(http),
                    c -> c.getJsonObject("data").getBoolean("degraded"));
            assertEquals("UP", down.getString("status"), down.toString());
            assertFalse(down.getJsonObject("data").getBoolean("connected") && down.getJsonObject("data").getBoolean("subscriberAlive"));
            String reason = down.getJsonObject("data").getString("reason");
            assertTrue(reason.contains("unreachable") || reason.contains("link down"), reason);
            assertEquals(200, http.get("/health/ready").statusCode());

            // A publish now is delivered locally, one refused on request: both counted.
            Await.until(WAIT, "the broker to see Redis unreachable", () -> scrape(http).value("gateway_broker_connected") == 0);
            HttpResponse<String> local = http.post("/api/channels/job:ops/events?fallback=local", "application/json",
                    "{\"type\":\"job_log\",\"data\":{}}");
            assertEquals(202, local.statusCode(), local.body());
            assertEquals("local", GatewayHttp.json(local.body()).getString("delivery"));
            HttpResponse<String> refused = http.post("/api/channels/job:ops/events?fallback=refuse", "application/json",
                    "{\"type\":\"job_log\",\"data\":{}}");
            assertEquals(503, refused.statusCode(), refused.body());
            PrometheusText during = Await.until(WAIT, "the broker's totals carried into the counters", () -> scrape(http),
                    s -> s.value("gateway_events_local_only_total") > before.value("gateway_events_local_only_total")
                            && s.value("gateway_events_refused_total") > before.value("gateway_events_refused_total"));
            assertEquals(1, during.value("gateway_events_local_only_total") - before.value("gateway_events_local_only_total"));
            assertEquals(1, during.value("gateway_events_refused_total") - before.value("gateway_events_refused_total"));
            assertEquals(1, during.value("gateway_rejections_total", "transport", "http", "code", "unavailable")
                    - before.valueOrZero("gateway_rejections_total", "transport", "http", "code", "unavailable"));
            assertEquals(1, during.value("gateway_broker_degraded"));

            redis.restart();
            JsonObject back = Await.until(Duration.ofSeconds(30), "readiness to report Redis back", () -> brokerCheck(http),
                    c -> !c.getJsonObject("data").getBoolean("degraded"));
            assertFalse(back.getJsonObject("data").containsKey("reason"), back.toString());
            PrometheusText after = Await.until(WAIT, "the reconnect counted", () -> scrape(http),
                    s -> s.value("gateway_redis_reconnects_total") > before.value("gateway_redis_reconnects_total"));
            assertEquals("counter", after.type("gateway_redis_reconnects_total"));
            assertEquals(1, after.value("gateway_broker_connected"));

            // The log: one JSON object a line, with the lifecycle lines among them.
            List<JsonObject> lines = gateway.log().lines().filter(l -> l.startsWith("{"))
                    .map(GatewayHttp::json).toList();
            assertTrue(lines.size() > 10, gateway.log());
            assertTrue(gateway.log().lines().noneMatch(l -> l.startsWith("[INFO") || l.startsWith("[WARNING")
                    || l.startsWith("[AUDIT")), "no plain-text log line: " + gateway.log());
            assertTrue(has(lines, "Gateway started: mode redis"), "start line");
            assertTrue(has(lines, "unreachable") || has(lines, "lost"), "Redis down line");
            assertTrue(has(lines, "reachable again") || has(lines, "re-established"), "Redis back line");
            assertTrue(has(lines, "Refused http client"), "the refused publish");
            JsonObject one = lines.stream().filter(l -> l.getString("message", "").startsWith("Gateway started"))
                    .findFirst().orElseThrow();
            assertTrue(one.containsKey("ibm_datetime") && one.containsKey("loglevel"), one.toString());
        }
    }

    private static boolean has(List<JsonObject> lines, String text) {
        return lines.stream().anyMatch(l -> l.getString("message", "").contains(text));
    }

    private static JsonObject brokerCheck(GatewayHttp http) {
        JsonObject ready = GatewayHttp.json(http.get("/health/ready").body());
        return ready.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> "broker".equals(c.getString("name"))).findFirst().orElseThrow();
    }

    private static PrometheusText scrape(GatewayHttp http) {
        return PrometheusText.parse(http.get("/metrics").body());
    }
}
