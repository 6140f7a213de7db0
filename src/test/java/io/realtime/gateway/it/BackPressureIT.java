package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.event.EventId;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that stops reading is cut off once its bounded queue overflows, and a client that keeps
 * up on the same channel is not held back by it (DESIGN §1). On the delivery-bound classes' shared
 * gateway ({@link SharedGateway#SHORT_KEEPALIVES}): a queue of 64 frames, so that a few MB of events
 * overflow it.
 */
@OwnServers
class BackPressureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int EVENT_BYTES = 16_000;
    /** Three 16 KB events stay under the 64 KiB body limit. */
    private static final int BATCH = 3;
    /** Socket buffers on loopback can hold a few MB; past this something is wrong. */
    private static final long GIVE_UP_BYTES = 96L << 20;

    /**
     * A queue of 64 frames, and 1 s heartbeats, so that a stream a test closed is gone before the next
     * test counts: the shared gateway of the delivery-bound classes.
     */
    @RegisterExtension
    static final SharedGateway SHARED = SharedGateway.with(SharedGateway.SHORT_KEEPALIVES);

    private static GatewayProcess gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() {
        gateway = SHARED.process();
        http = SHARED.http();
    }

    @BeforeEach
    void quiet() {
        http.awaitIdle(Duration.ofSeconds(15));
    }

    /**
     * A resume replays from history, which is bounded by its own size: replaying more events than
     * the queue's bound is catching up, not falling behind, and must not cut the client off.
     */
    @Test
    void aResumeThatReplaysMoreThanTheQueueBoundIsNotCutOff() throws Exception {
        String a = "job:replay-a-" + UUID.randomUUID();
        String b = "job:replay-b-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        List<GatewayHttp.Item> items = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            items.add(new GatewayHttp.Item(i % 2 == 0 ? a : b, "tick", "{\"n\":" + i + "}"));
        }
        ids.addAll(http.publishBatch(items));
        String first = ids.get(0);
        try (SseTestClient sse = SseTestClient.connect(gateway.uri("/api/stream?channel=" + a + "&channel=" + b),
                Map.of("Last-Event-ID", first));
             WsTestClient ws = WsTestClient.connect(URI.create("ws://localhost:" + gateway.httpPort() + "/ws"))) {
            List<SseFrame> frames = sse.until(f -> "position".equals(f.event()), WAIT);
            List<String> replayed = frames.stream().filter(f -> "tick".equals(f.event()))
                    .map(f -> f.json().getString("id")).toList();
            // Ids are each channel's own: b's first event may have the very id of a's first (the same
            // millisecond, the same sequence), and is then not after it (DESIGN §5). All of a's but the
            // first are after it, so far more than the queue's 64 frames are replayed either way.
            EventId resumeFrom = EventId.parse(first);
            List<String> after = ids.stream().filter(id -> EventId.parse(id).isAfter(resumeFrom)).toList();
            assertEquals(after.size(), replayed.size(), "every event after the resume id, over both channels");
            assertTrue(replayed.containsAll(after));

            ws.subscribe(a, first, WAIT);
            assertEquals(149, ws.events(149, WAIT).size());
            // Both still live afterwards.
            String live = http.publish(a, "tick", "{}");
            assertEquals(live, sse.events("tick", 1, WAIT).get(0).json().getString("id"));
            assertEquals(live, ws.events(1, WAIT).get(0).getString("id"));
        }
    }

    @Test
    void stalledClientsAreCutOffWhileFastOnesOnTheSameChannelGetEverything() throws Exception {
        String channel = "job:backpressure-" + UUID.randomUUID();
        String stream = "/api/stream?channel=" + channel;
        try (RawSse stalledSse = RawSse.open("localhost", gateway.httpPort(), stream);
             RawWebSocket stalledWs = RawWebSocket.connect("localhost", gateway.httpPort(), "/ws");
             SseTestClient fastSse = SseTestClient.connect(gateway.uri(stream));
             WsTestClient fastWs = WsTestClient.connect(URI.create("ws://localhost:" + gateway.httpPort() + "/ws"))) {
            stalledWs.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            fastSse.next(f -> "position".equals(f.event()), WAIT);
            fastWs.subscribe(channel, null, WAIT);
            Await.until(WAIT, "all four subscribed", () -> http.stat("subscriptions"), n -> n == 4);
            assertEquals(2, http.stat("connections.sse"));
            assertEquals(2, http.stat("connections.websocket"));

            String pad = "x".repeat(EVENT_BYTES);
            List<String> published = new ArrayList<>();
            List<String> sseGot = new ArrayList<>();
            List<String> wsGot = new ArrayList<>();
            long bytes = 0;
            int batches = 0;
            boolean cutOff = false;
            int afterCut = 0;
            // Publish until both stalled clients are gone, then a little more; after each batch
            // wait for the fast clients, so only the stalled ones can fall behind.
            while (afterCut < 10) {
                List<GatewayHttp.Item> items = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    items.add(new GatewayHttp.Item(channel, "frame", "{\"n\":" + (published.size() + i)
                            + ",\"pad\":\"" + pad + "\"}"));
                }
                List<String> ids = http.publishBatch(items);
                published.addAll(ids);
                bytes += (long) BATCH * EVENT_BYTES;
                for (SseFrame f : fastSse.events("frame", BATCH, WAIT)) {
                    sseGot.add(f.id());
                }
                for (JsonObject e : fastWs.events(BATCH, WAIT)) {
                    wsGot.add(e.getString("id"));
                }
                batches++;
                if (cutOff) {
                    afterCut++;
                } else if (batches % 8 == 0) {
                    JsonObject connections = http.stats().getJsonObject("connections");
                    cutOff = connections.getInt("sse") == 1 && connections.getInt("websocket") == 1;
                }
                assertTrue(bytes < GIVE_UP_BYTES, "stalled clients still connected after " + (bytes >> 20) + " MB: "
                        + http.stats());
            }

            assertEquals(published, sseGot, "the fast SSE client got every event, in order");
            assertEquals(published, wsGot, "the fast WebSocket client got every event, in order");
            assertTrue(http.stat("events.dropped") > 0, "drops are counted: " + http.stats());
            assertEquals(2, http.stat("subscriptions"), "the stalled ones' subscriptions are gone");

            // Once it reads again, the stalled WebSocket finds a 1013 close after what it was sent.
            RawWebSocket.Frame close = stalledWs.awaitClose(WAIT);
            assertNotNull(close, "closed with a close frame, not just dropped");
            assertEquals(1013, close.closeCode(), "try again later");
            // And the stalled SSE stream ends.
            assertTrue(stalledSse.readToEnd(WAIT), "the stalled SSE stream ended");
            assertTrue(fastSse.ended().getNow(null) == null && !fastSse.ended().isDone(), "the fast stream is still open");
            assertTrue(!fastWs.isClosed(), "the fast WebSocket is still open");
        }
    }
}
