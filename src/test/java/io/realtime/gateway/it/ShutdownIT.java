package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop (SIGTERM) says goodbye: SSE streams get {@code event: shutdown} and end,
 * WebSockets close with 1001, and what was accepted before reaches them first.
 */
@OwnServers
class ShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        // A drain time (default 2 s) with room for a loaded machine: the test is about order and
        // completeness, not about how much fits in the default.
        gateway = GatewayProcess.start(Map.of("GATEWAY_SHUTDOWN_DRAIN_MS", "10000"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aGracefulStopDeliversWhatWasAcceptedThenSaysGoodbye() throws Exception {
        GatewayHttp http = new GatewayHttp("http://localhost:" + gateway.httpPort());
        String channel = "job:shutdown-" + UUID.randomUUID();
        try (SseTestClient sse = SseTestClient.connect(gateway.uri("/api/stream?channel=" + channel));
             WsTestClient ws = WsTestClient.connect(URI.create("ws://localhost:" + gateway.httpPort() + "/ws"))) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            ws.subscribe(channel, null, WAIT);

            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                accepted.add(http.publish(channel, "tick", "{\"n\":" + i + "}"));
            }
            assertEquals(accepted, sse.events("tick", 10, WAIT).stream().map(SseFrame::id).toList());
            assertEquals(accepted, ws.events(10, WAIT).stream().map(e -> e.getString("id")).toList());

            // A burst accepted right before the stop: it must still reach both before the goodbye.
            for (int batch = 0; batch < 5; batch++) {
                List<GatewayHttp.Item> items = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    items.add(new GatewayHttp.Item(channel, "tick", "{\"pad\":\"" + "x".repeat(100) + "\"}"));
                }
                accepted.addAll(http.publishBatch(items));
            }
            // Stopped by itself (SIGTERM, never killed), the drain done within the product's deadlines: had
            // Liberty's 30 s quiesce given up on the streams or left threads running, the server says so
            // (CWWKE1102W, CWWKE1107W). The wait is a bound for a loaded machine, not the deadline itself.
            assertTrue(gateway.stop(Duration.ofSeconds(120)), "the gateway stopped by itself");
            assertFalse(gateway.isAlive());
            List<String> gaveUp = gateway.log().lines()
                    .filter(l -> l.contains("CWWKE1102W") || l.contains("CWWKE1107W")).toList();
            assertTrue(gaveUp.isEmpty(), "stopped within the quiesce time, nothing left running: " + gaveUp);

            List<SseFrame> frames = sse.until(f -> "shutdown".equals(f.event()), WAIT);
            assertEquals(accepted.subList(10, accepted.size()),
                    frames.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::id).toList(),
                    "every accepted event before the goodbye");
            SseFrame goodbye = frames.get(frames.size() - 1);
            assertEquals("server_shutdown", goodbye.json().getString("reason"));
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(sse.drain().stream().noneMatch(f -> f.event() != null), "nothing after the goodbye");

            List<String> wsIds = new ArrayList<>();
            for (JsonObject e : ws.events(accepted.size() - 10, WAIT)) {
                wsIds.add(e.getString("id"));
            }
            assertEquals(accepted.subList(10, accepted.size()), wsIds, "every accepted event before the close");
            WsTestClient.Close close = ws.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(1001, close.code(), "going away: " + close);
        }
    }
}
