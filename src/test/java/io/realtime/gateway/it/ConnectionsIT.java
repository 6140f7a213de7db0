package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RawSse;
import io.realtime.gateway.testsupport.RawWebSocket;
import io.realtime.gateway.testsupport.SharedGateway;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections coming and going, as stats (DESIGN §8) and the keep-alives (§5 heartbeat, §6 pings)
 * see them. On the delivery-bound classes' shared gateway ({@link SharedGateway#SHORT_KEEPALIVES}: 1 s SSE
 * heartbeats and WebSocket pings), so that a client that went away is noticed within seconds; each test
 * starts once the gateway has no connection left, so the counts are its own.
 */
@OwnServers
class ConnectionsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A few heartbeats or ping timeouts, with room for a loaded machine. */
    private static final Duration NOTICED = Duration.ofSeconds(20);

    @RegisterExtension
    static final SharedGateway SHARED = SharedGateway.with(SharedGateway.SHORT_KEEPALIVES);
    /** The shared gateway's WebSocket ping interval. */
    private static final long PING_MS =
            Long.parseLong(SharedGateway.SHORT_KEEPALIVES.get("GATEWAY_WS_PING_SECONDS")) * 1000;

    private static GatewayProcess gateway;
    private static GatewayHttp http;
    private static URI ws;

    @BeforeAll
    static void start() {
        gateway = SHARED.process();
        http = SHARED.http();
        ws = SHARED.ws();
    }

    /** Each test starts from no connection: the previous test's clients have been noticed gone. */
    @BeforeEach
    void quiet() {
        http.awaitIdle(NOTICED);
    }

    @Test
    void statsFollowConnectionsSubscriptionsAndEvents() throws Exception {
        JsonObject before = http.stats();
        assertEquals("local", before.getJsonObject("broker").getString("mode"));
        assertTrue(before.getJsonObject("broker").getBoolean("connected"));
        long uptime = before.getJsonNumber("uptimeSeconds").longValue();
        assertTrue(uptime >= 0);
        long published = before.getJsonObject("events").getJsonNumber("published").longValue();
        long delivered = before.getJsonObject("events").getJsonNumber("delivered").longValue();

        String a = "job:stats-a-" + UUID.randomUUID();
        String b = "job:stats-b-" + UUID.randomUUID();
        String c = "campaign:stats-c-" + UUID.randomUUID();
        try (SseTestClient one = SseTestClient.connect(gateway.uri("/api/stream?channel=" + a));
             SseTestClient two = SseTestClient.connect(gateway.uri("/api/stream?channel=" + a + "&channel=" + b));
             WsTestClient three = WsTestClient.connect(ws)) {
            one.next(f -> "position".equals(f.event()), WAIT);
            two.next(f -> "position".equals(f.event()), WAIT);
            three.subscribe(a, null, WAIT);
            three.subscribe(c, null, WAIT);

            JsonObject open = http.stats();
            assertEquals(2, open.getJsonObject("connections").getInt("sse"), open.toString());
            assertEquals(1, open.getJsonObject("connections").getInt("websocket"), open.toString());
            assertEquals(3, open.getJsonObject("connections").getInt("total"), open.toString());
            assertEquals(5, open.getInt("subscriptions"), open.toString());
            assertEquals(3, open.getInt("channels"), open.toString());

            for (int i = 0; i < 10; i++) {
                http.publish(a, "tick", "{\"n\":" + i + "}");
            }
            one.events("tick", 10, WAIT);
            two.events("tick", 10, WAIT);
            three.events(10, WAIT);
            assertEquals(published + 10, http.stat("events.published"));
            Await.until(WAIT, "30 deliveries counted (10 events, 3 subscribers)", () -> http.stat("events.delivered"),
                    n -> n == delivered + 30);

            three.sendOp("op", "unsubscribe", "channel", c, "ref", "u");
            three.next("unsubscribed", WAIT);
            JsonObject fewer = http.stats();
            assertEquals(4, fewer.getInt("subscriptions"), fewer.toString());
            assertEquals(2, fewer.getInt("channels"), fewer.toString());
        }
        // All three left: the WebSocket at once (a close frame), the SSE streams at the next heartbeats.
        JsonObject after = Await.until(NOTICED, "every connection gone", http::stats,
                s -> s.getJsonObject("connections").getInt("total") == 0);
        assertEquals(0, after.getJsonObject("connections").getInt("sse"));
        assertEquals(0, after.getJsonObject("connections").getInt("websocket"));
        assertEquals(0, after.getInt("subscriptions"));
        assertEquals(0, after.getInt("channels"));
        Await.until(WAIT, "uptime moves", () -> http.stat("uptimeSeconds"), n -> n > uptime);

        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("gateway_events_published_total"), "metrics carry the counters too");
    }

    @Test
    void sseHeartbeatArrivesAndAClientThatWentAwayIsRemoved() throws Exception {
        String channel = "job:heartbeat-" + UUID.randomUUID();
        try (SseTestClient sse = SseTestClient.connect(gateway.uri("/api/stream?channel=" + channel))) {
            SseFrame ping = sse.next(f -> "ping".equals(f.comment()), Duration.ofSeconds(10));
            assertTrue(ping.isComment(), "a heartbeat is a comment, not an event: " + ping);
            assertTrue(ping.event() == null && ping.data() == null);
        }
        Await.until(NOTICED, "the closed stream is noticed", () -> http.stat("connections.sse"), n -> n == 0);

        // A client whose socket just closes, without a word: found out by the heartbeat writes.
        RawSse gone = RawSse.open("localhost", gateway.httpPort(), "/api/stream?channel=" + channel);
        gone.readUntil("event: position", WAIT);
        assertEquals(1, http.stat("connections.sse"));
        assertEquals(1, http.stat("subscriptions"));
        gone.close();
        Await.until(NOTICED, "the gone client removed", http::stats,
                s -> s.getJsonObject("connections").getInt("sse") == 0 && s.getInt("subscriptions") == 0);
    }

    /**
     * A WebSocket client that never answers pings (a bare socket that never reads) is closed after
     * two missed intervals; one that answers (the JDK client does, by itself) stays.
     */
    @Test
    void aWebSocketThatMissesPingsIsClosedAndOneThatAnswersStays() throws Exception {
        try (RawWebSocket silent = RawWebSocket.connect("localhost", gateway.httpPort(), "/ws");
             WsTestClient answering = WsTestClient.connect(ws)) {
            long connected = System.nanoTime();
            Await.until(WAIT, "both connected", () -> http.stat("connections.websocket"), n -> n == 2);
            Await.until(NOTICED, "the silent one closed", () -> http.stat("connections.websocket"), n -> n == 1);
            long silentFor = (System.nanoTime() - connected) / 1_000_000;
            assertTrue(silentFor >= 2 * PING_MS, "closed after two missed pings (" + PING_MS + " ms apart), not before: "
                    + silentFor + " ms");

            RawWebSocket.Frame close = silent.awaitClose(WAIT);
            assertNotNull(close, "a close frame after the pings: " + close);
            assertEquals(1001, close.closeCode());

            // Open as long as the silent one took to be closed (past the ping timeout), and a while
            // longer: the answering client is still there.
            assertThrows(TimeoutException.class, () -> answering.closed().get(3, TimeUnit.SECONDS),
                    () -> "closed: " + answering.closed().getNow(null));
            answering.send("{\"op\":\"ping\"}");
            assertEquals("pong", answering.next("pong", WAIT).getString("op"));
            assertFalse(answering.isClosed());
            assertEquals(1, http.stat("connections.websocket"));
        }
    }
}
