package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bursts: what waits for a client goes out together (several messages in one WebSocket frame, a
 * run of SSE events), and arrives whole, in order, each event once.
 */
class BurstDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();
    private static final URI WS = URI.create("ws://localhost:" + GatewayHttp.testServerPort() + "/ws");
    /** Eight batches of 250 (each under the 64 KiB body limit), published back to back. */
    private static final int BURST = 2_000;
    private static final int BATCH = 250;

    @Test
    void aWebSocketBurstArrivesWholeAndInOrderInFewerFramesThanMessages() throws Exception {
        String channel = SseIT.channel("burst-ws");
        try (WsTestClient first = WsTestClient.connect(WS); WsTestClient second = WsTestClient.connect(WS)) {
            for (WsTestClient ws : List.of(first, second)) {
                ws.sendOp("op", "subscribe", "channel", channel, "ref", "s");
                assertEquals("subscribed", ws.next("subscribed", WAIT).getString("op"));
            }
            int framesBefore = first.framesReceived();
            List<String> ids = publishBurst(channel);
            // The fan-out runs after the 202s: a marker published after the burst and seen by the second
            // client says the whole burst is in the first client's queue too. A ping sent then is
            // answered after all of it: order holds across frames, replies and events alike.
            String marker = HTTP.publishBatch(List.of(new GatewayHttp.Item(channel, "marker", "{}"))).get(0);
            assertBurst(second.events(BURST, WAIT), ids, channel);
            assertEquals(marker, second.next("event", WAIT).getString("id"));
            first.sendOp("op", "ping");

            assertBurst(first.events(BURST, WAIT), ids, channel);
            assertEquals(marker, first.next(WAIT).getString("id"), "the marker after the burst");
            assertEquals("pong", first.next(WAIT).getString("op"), "nothing after the burst but the pong");
            int frames = first.framesReceived() - framesBefore;
            assertTrue(frames < BURST, "a burst of " + BURST + " events came in " + frames + " frames");
        }
    }

    @Test
    void anSseBurstArrivesWholeAndInOrderOnSingleAndMultiChannelStreams() throws Exception {
        String channel = SseIT.channel("burst-sse");
        String other = SseIT.channel("burst-sse-other");
        try (SseTestClient single = SseTestClient.connect(HTTP.uri("/api/stream?channel=" + channel));
             SseTestClient multi = SseTestClient.connect(
                     HTTP.uri("/api/stream?channel=" + channel + "&channel=" + other))) {
            single.next(f -> "position".equals(f.event()), WAIT);
            multi.next(f -> "position".equals(f.event()), WAIT);
            List<String> ids = publishBurst(channel);

            List<SseFrame> onSingle = single.events("burst", BURST, WAIT);
            List<SseFrame> onMulti = multi.events("burst", BURST, WAIT);
            List<String> cursors = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                JsonObject a = onSingle.get(i).json();
                JsonObject b = onMulti.get(i).json();
                assertEquals(ids.get(i), a.getString("id"), "event " + i);
                assertEquals(ids.get(i), onSingle.get(i).id(), "a single-channel stream's id is the event id");
                assertEquals(a, b, "the same envelope on both streams");
                assertEquals(i, a.getJsonObject("data").getInt("n"));
                cursors.add(onMulti.get(i).id());
            }
            assertEquals(BURST, cursors.stream().distinct().count(), "every frame of the multi-channel stream moves its cursor");
        }
    }

    private static void assertBurst(List<JsonObject> events, List<String> ids, String channel) {
        for (int i = 0; i < BURST; i++) {
            JsonObject e = events.get(i);
            assertEquals(ids.get(i), e.getString("id"), "event " + i);
            assertEquals(channel, e.getString("channel"));
            assertEquals("burst", e.getString("type"));
            assertEquals(i, e.getJsonObject("data").getInt("n"));
            assertEquals("x".repeat(i % 50), e.getJsonObject("data").getString("pad"));
        }
    }

    private static List<String> publishBurst(String channel) {
        List<String> ids = new ArrayList<>(BURST);
        for (int batch = 0; batch < BURST / BATCH; batch++) {
            List<GatewayHttp.Item> items = new ArrayList<>(BATCH);
            for (int i = batch * BATCH; i < (batch + 1) * BATCH; i++) {
                items.add(new GatewayHttp.Item(channel, "burst", "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}"));
            }
            ids.addAll(HTTP.publishBatch(items));
        }
        return ids;
    }
}
