package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RawWebSocket;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading must not hold up the others, whatever the write path: with the async
 * remote its writes never complete, with a blocking write it would hold its writer inside the write.
 * With a single writer thread, the fast clients keep receiving (a writer blocked past the stuck limit
 * is replaced), and the stalled client, whose queue then overflows, is cut off as slow (1013).
 */
@OwnServers
class BlockedWriterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int EVENT_BYTES = 16_000;
    private static final int BATCH = 3;
    /** Socket buffers on loopback can hold a few MB; past this something is wrong. */
    private static final long GIVE_UP_BYTES = 96L << 20;

    private static GatewayProcess gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayProcess.start(Map.of("GATEWAY_OUTBOUND_QUEUE_SIZE", "64", "GATEWAY_DELIVERY_THREADS", "1",
                "GATEWAY_DELIVERY_STUCK_AFTER_MS", "500"));
        http = new GatewayHttp("http://localhost:" + gateway.httpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aWriterBlockedOnAStalledClientIsReplacedAndTheClientCutOffWhileOthersKeepReceiving() throws Exception {
        String channel = "job:blocked-writer-" + UUID.randomUUID();
        URI ws = URI.create("ws://localhost:" + gateway.httpPort() + "/ws");
        try (RawWebSocket stalled = RawWebSocket.connect("localhost", gateway.httpPort(), "/ws");
             WsTestClient fast = WsTestClient.connect(ws);
             WsTestClient other = WsTestClient.connect(ws)) {
            stalled.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            fast.subscribe(channel, null, WAIT);
            other.subscribe(channel, null, WAIT);
            Await.until(WAIT, "all three subscribed", () -> http.stat("subscriptions"), n -> n == 3);

            String pad = "x".repeat(EVENT_BYTES);
            List<String> published = new ArrayList<>();
            List<String> fastGot = new ArrayList<>();
            List<String> otherGot = new ArrayList<>();
            long bytes = 0;
            int afterCut = 0;
            boolean cutOff = false;
            // After each batch wait for both reading clients: only the stalled one can fall behind,
            // and with one writer they are served only if its stuck writer was replaced.
            while (afterCut < 10) {
                List<GatewayHttp.Item> items = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    items.add(new GatewayHttp.Item(channel, "frame", "{\"n\":" + (published.size() + i)
                            + ",\"pad\":\"" + pad + "\"}"));
                }
                published.addAll(http.publishBatch(items));
                bytes += (long) BATCH * EVENT_BYTES;
                for (JsonObject e : fast.events(BATCH, WAIT)) {
                    fastGot.add(e.getString("id"));
                }
                for (JsonObject e : other.events(BATCH, WAIT)) {
                    otherGot.add(e.getString("id"));
                }
                if (cutOff) {
                    afterCut++;
                } else {
                    cutOff = http.stats().getJsonObject("connections").getInt("websocket") == 2;
                }
                assertTrue(bytes < GIVE_UP_BYTES, "stalled client still connected after " + (bytes >> 20) + " MB: "
                        + http.stats());
            }

            assertEquals(published, fastGot, "a reading client got every event, in order");
            assertEquals(published, otherGot, "so did the other one");
            assertTrue(http.stat("events.dropped") > 0, "the stalled client's events are counted as dropped");
            assertEquals(2, http.stat("subscriptions"), "the stalled client's subscription is gone");
            // Once it reads again it finds the 1013 close after what it was sent.
            RawWebSocket.Frame close = stalled.awaitClose(WAIT);
            assertNotNull(close, "closed with a close frame, not just dropped");
            assertEquals(1013, close.closeCode(), "try again later");
            assertTrue(!fast.isClosed() && !other.isClosed(), "the reading clients are still connected");
        }
    }
}
