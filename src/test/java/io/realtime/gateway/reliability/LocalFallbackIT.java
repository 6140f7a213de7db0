package io.realtime.gateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.event.EventId;
import io.realtime.gateway.testsupport.FreePorts;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Defect 1: a gateway in cluster mode whose Redis is unreachable delivers locally (the default
 * fallback), and under concurrent publishers some events it answered {@code 202 "local"} for never
 * reached the subscriber: ids were made under a lock but fired outside it, so a higher id could be
 * fired first and the lower one was then dropped by the core's "only ids above the last" rule.
 */
@OwnServers
class LocalFallbackIT {

    private static final int PUBLISHERS = 16;
    private static final int ROUNDS = 40;
    private static final int BATCH = 5;

    @Test
    void concurrentLocalFallbackPublishesAllReachTheSubscriberInIdOrder() throws Exception {
        // A port nothing listens on: Redis is unreachable from the start.
        String deadRedis = "redis://127.0.0.1:" + FreePorts.next();
        try (GatewayProcess gateway = GatewayProcess.start(Map.of("REDIS_URL", deadRedis));
             WsTestClient ws = WsTestClient.connect(URI.create("ws://localhost:" + gateway.httpPort() + "/ws"))) {
            GatewayHttp http = new GatewayHttp("http://localhost:" + gateway.httpPort());
            String channel = "job:fallback-order";
            ws.subscribe(channel, null, Duration.ofSeconds(30));
            ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                results.add(publishers.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        List<GatewayHttp.Item> items = new ArrayList<>();
                        for (int i = 0; i < BATCH; i++) {
                            items.add(new GatewayHttp.Item(channel, "tick",
                                    "{\"p\":" + publisher + ",\"r\":" + round + ",\"i\":" + i + "}"));
                        }
                        HttpResponse<String> r = http.post("/api/events", "application/json",
                                GatewayHttp.batchJson(items));
                        assertEquals(202, r.statusCode(), r.body());
                        JsonObject body = GatewayHttp.json(r.body());
                        assertEquals("local", body.getString("delivery"), r.body());
                        body.getJsonArray("ids").getValuesAs(jakarta.json.JsonString.class)
                                .forEach(id -> ids.add(id.getString()));
                    }
                    return ids;
                }));
            }
            Set<String> accepted = new HashSet<>();
            for (Future<List<String>> f : results) {
                accepted.addAll(f.get());
            }
            publishers.shutdown();
            int total = PUBLISHERS * ROUNDS * BATCH;
            assertEquals(total, accepted.size(), "every publish answered with its own id");

            List<JsonObject> events = ws.events(total, Duration.ofSeconds(60));
            Set<String> received = new HashSet<>();
            String previous = null;
            for (JsonObject e : events) {
                String id = e.getString("id");
                received.add(id);
                if (previous != null) {
                    assertTrue(EventId.parse(id).isAfter(EventId.parse(previous)),
                            "in id order: " + previous + " then " + id);
                }
                previous = id;
            }
            assertEquals(accepted, received, "every accepted event reached the subscriber");
        }
    }
}
