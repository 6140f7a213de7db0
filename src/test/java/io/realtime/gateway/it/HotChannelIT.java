package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The hot channel (issue 19): one channel published to as fast as the publisher can, read by several
 * subscribers. Over the WebSocket {@code publish} op with many publishes in flight (pipelined) the acks
 * come back in the order sent, one each, and every subscriber gets every event once, in that order;
 * over HTTP batches sent back to back without waiting for the subscribers, nothing is lost either.
 * The rates are measured by the bench harness (bench/lib/scenarios/hot.js), not here.
 */
class HotChannelIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();
    private static final URI WS = URI.create("ws://localhost:" + GatewayHttp.testServerPort() + "/ws");
    private static final int SUBSCRIBERS = 10;
    /** Under the test server's publish burst (gateway.limits.publish-burst, 10,000) with the batch test. */
    private static final int PIPELINED = 1_000;
    private static final int BATCHED = 4_000;
    /** Each batch body stays under the 64 KiB limit. */
    private static final int BATCH = 500;

    @Test
    void pipelinedWebSocketPublishesAreAckedInOrderAndReachEverySubscriberInOrder() throws Exception {
        String channel = SseIT.channel("hot-ws");
        List<WsTestClient> subscribers = subscribe(channel, 3);
        try (WsTestClient publisher = WsTestClient.connect(WS)) {
            // Every publish is written before any ack is read: all of them are in flight at once.
            for (int i = 0; i < PIPELINED; i++) {
                publisher.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"hot\",\"data\":{\"n\":"
                        + i + "},\"ref\":\"p" + i + "\"}");
            }
            List<String> ids = new ArrayList<>(PIPELINED);
            for (int i = 0; i < PIPELINED; i++) {
                JsonObject ack = publisher.next("ack", WAIT);
                assertEquals("p" + i, ack.getString("ref"), "ack " + i + " answers publish " + i);
                ids.add(ack.getString("id"));
            }
            assertEquals(PIPELINED, ids.stream().distinct().count(), "one id per publish");
            assertEverySubscriberGotAllInOrder(subscribers, channel, ids);
        } finally {
            subscribers.forEach(WsTestClient::close);
        }
    }

    @Test
    void batchesSentBackToBackReachTenSubscribersWholeAndInOrder() throws Exception {
        String channel = SseIT.channel("hot-batch");
        List<WsTestClient> subscribers = subscribe(channel, SUBSCRIBERS);
        try {
            // Two publishers' requests overlap, as a busy producer's would; each keeps its own order,
            // and the ids the server answered say the order the channel has.
            List<CompletableFuture<List<String>>> halves = List.of(
                    CompletableFuture.supplyAsync(() -> publish(channel, 0, BATCHED / 2)),
                    CompletableFuture.supplyAsync(() -> publish(channel, BATCHED / 2, BATCHED)));
            List<String> ids = new ArrayList<>(BATCHED);
            for (CompletableFuture<List<String>> half : halves) {
                ids.addAll(half.join());
            }
            assertEquals(BATCHED, ids.stream().distinct().count(), "one id per event");
            for (WsTestClient ws : subscribers) {
                List<JsonObject> events = ws.events(BATCHED, WAIT);
                List<String> got = events.stream().map(e -> e.getString("id")).toList();
                assertEquals(BATCHED, got.stream().distinct().count(), "each event once");
                assertEquals(Set.copyOf(ids), Set.copyOf(got), "every published event arrived");
                // Within each publisher's run the order is the order it sent in.
                int lastFirst = -1;
                int lastSecond = BATCHED / 2 - 1;
                for (JsonObject e : events) {
                    int n = e.getJsonObject("data").getInt("n");
                    if (n < BATCHED / 2) {
                        assertEquals(lastFirst + 1, n, "first publisher's events in order");
                        lastFirst = n;
                    } else {
                        assertEquals(lastSecond + 1, n, "second publisher's events in order");
                        lastSecond = n;
                    }
                }
                assertEquals(BATCHED / 2 - 1, lastFirst);
                assertEquals(BATCHED - 1, lastSecond);
            }
        } finally {
            subscribers.forEach(WsTestClient::close);
        }
    }

    private static List<String> publish(String channel, int from, int to) {
        List<String> ids = new ArrayList<>(to - from);
        for (int start = from; start < to; start += BATCH) {
            List<GatewayHttp.Item> items = new ArrayList<>(BATCH);
            for (int n = start; n < Math.min(to, start + BATCH); n++) {
                items.add(new GatewayHttp.Item(channel, "hot", "{\"n\":" + n + "}"));
            }
            ids.addAll(HTTP.publishBatch(items));
        }
        return ids;
    }

    private static List<WsTestClient> subscribe(String channel, int count) throws InterruptedException {
        List<WsTestClient> subscribers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            WsTestClient ws = WsTestClient.connect(WS);
            subscribers.add(ws);
            ws.subscribe(channel, null, WAIT);
        }
        return subscribers;
    }

    private static void assertEverySubscriberGotAllInOrder(List<WsTestClient> subscribers, String channel,
                                                           List<String> ids) throws InterruptedException {
        for (WsTestClient ws : subscribers) {
            List<JsonObject> events = ws.events(ids.size(), WAIT);
            for (int i = 0; i < ids.size(); i++) {
                JsonObject e = events.get(i);
                assertEquals(ids.get(i), e.getString("id"), "event " + i);
                assertEquals(channel, e.getString("channel"));
                assertEquals(i, e.getJsonObject("data").getInt("n"));
            }
        }
    }
}
