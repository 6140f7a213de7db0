package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.RawWebSocket;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The WebSocket protocol on {@code /ws} against the build-started server (DESIGN §6). */
class WebSocketIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();
    private static final URI WS = URI.create("ws://localhost:" + GatewayHttp.testServerPort() + "/ws");

    @Test
    void subscribeReceivesEventsAndUnsubscribeStopsThem() throws Exception {
        String channel = SseIT.channel("ws-sub");
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            ws.sendOp("op", "subscribe", "channel", channel, "ref", "1");
            JsonObject subscribed = ws.next(WAIT);
            assertEquals("subscribed", subscribed.getString("op"), subscribed.toString());
            assertEquals(channel, subscribed.getString("channel"));
            assertEquals("1", subscribed.getString("ref"));
            assertFalse(subscribed.getBoolean("recovered"), "nothing to recover without since");
            assertNotNull(subscribed.getString("position"));

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(HTTP.publish(channel, "job_log", "{\"n\":" + i + "}"));
            }
            List<JsonObject> events = ws.events(30, WAIT);
            for (int i = 0; i < 30; i++) {
                JsonObject e = events.get(i);
                assertEquals(ids.get(i), e.getString("id"));
                assertEquals(channel, e.getString("channel"));
                assertEquals("job_log", e.getString("type"));
                assertNotNull(e.getString("ts"));
                assertEquals(i, e.getJsonObject("data").getInt("n"));
            }

            ws.sendOp("op", "unsubscribe", "channel", channel, "ref", "2");
            JsonObject unsubscribed = ws.next(WAIT);
            assertEquals("unsubscribed", unsubscribed.getString("op"), unsubscribed.toString());
            assertEquals(channel, unsubscribed.getString("channel"));
            assertEquals("2", unsubscribed.getString("ref"));

            HTTP.publish(channel, "job_log", "{\"n\":99}");
            ws.sendOp("op", "ping");
            // The pong comes after anything queued before it: no event slipped in between.
            assertEquals("pong", ws.next(WAIT).getString("op"));

            ws.sendOp("op", "unsubscribe", "channel", channel, "ref", "3");
            assertError(ws.next(WAIT), "not_subscribed", "3");
        }
    }

    @Test
    void subscribeWithSinceRecoversOrSaysItCouldNot() throws Exception {
        String channel = SseIT.channel("ws-since");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(HTTP.publish(channel, "tick", "{\"n\":" + i + "}"));
        }
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            ws.sendOp("op", "subscribe", "channel", channel, "since", ids.get(6), "ref", "r");
            JsonObject subscribed = ws.next(WAIT);
            assertEquals("subscribed", subscribed.getString("op"));
            assertTrue(subscribed.getBoolean("recovered"), subscribed.toString());
            assertEquals(ids.get(9), subscribed.getString("position"));
            assertEquals(ids.subList(7, 10), ws.events(3, WAIT).stream().map(e -> e.getString("id")).toList());
            String live = HTTP.publish(channel, "tick", "{\"n\":10}");
            assertEquals(live, ws.events(1, WAIT).get(0).getString("id"), "then live, no duplicate");
        }

        // Past what history holds (1,000 for job:): recovered is false; the live stream follows.
        String old = SseIT.channel("ws-gap");
        List<String> oldIds = new ArrayList<>();
        for (int batch = 0; batch < 2; batch++) {
            List<GatewayHttp.Item> items = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                items.add(new GatewayHttp.Item(old, "tick", "{}"));
            }
            oldIds.addAll(HTTP.publishBatch(items));
        }
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            JsonObject subscribed = ws.subscribe(old, oldIds.get(0), WAIT);
            assertFalse(subscribed.getBoolean("recovered"), subscribed.toString());
            String live = HTTP.publish(old, "after", "{}");
            JsonObject e;
            do {
                e = ws.next("event", WAIT);
            } while (!"after".equals(e.getString("type")));
            assertEquals(live, e.getString("id"));
        }
    }

    @Test
    void publishIsAcknowledgedWithItsIdAndDeliveredToSubscribers() throws Exception {
        String channel = SseIT.channel("ws-pub");
        try (WsTestClient publisher = WsTestClient.connect(WS); WsTestClient subscriber = WsTestClient.connect(WS)) {
            subscriber.subscribe(channel, null, WAIT);
            publisher.send("{\"op\":\"publish\",\"channel\":\"" + channel
                    + "\",\"type\":\"job_log\",\"data\":{\"frame\":3},\"ref\":\"p1\"}");
            JsonObject ack = publisher.next(WAIT);
            assertEquals("ack", ack.getString("op"), ack.toString());
            assertEquals("p1", ack.getString("ref"));
            String id = ack.getString("id");
            assertTrue(id.matches("\\d+-\\d+"), id);

            JsonObject event = subscriber.next("event", WAIT);
            assertEquals(id, event.getString("id"));
            assertEquals(channel, event.getString("channel"));
            assertEquals("job_log", event.getString("type"));
            assertEquals(3, event.getJsonObject("data").getInt("frame"));

            // Without data: data is {}; a numeric ref is echoed as it came.
            publisher.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"bare\",\"ref\":7}");
            JsonObject ack2 = publisher.next(WAIT);
            assertEquals("ack", ack2.getString("op"), ack2.toString());
            assertEquals(7, ack2.getInt("ref"));
            JsonObject event2 = subscriber.next("event", WAIT);
            assertEquals(ack2.getString("id"), event2.getString("id"));
            assertEquals(0, event2.getJsonObject("data").size());
            assertTrue(SseIT.compareIds(event2.getString("id"), id) > 0);
        }
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            ws.send("{\"op\":\"ping\"}");
            JsonObject pong = ws.next(WAIT);
            assertEquals("pong", pong.getString("op"), pong.toString());
        }
    }

    @Test
    void badFramesGetAnErrorAndTheConnectionStaysUsable() throws Exception {
        String channel = SseIT.channel("ws-bad");
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            ws.send("this is not json");
            assertError(ws.next(WAIT), "bad_json", null);
            ws.send("[1,2,3]");
            assertError(ws.next(WAIT), "bad_json", null);
            ws.send("{\"op\":\"subscribe\",");
            assertError(ws.next(WAIT), "bad_json", null);
            ws.send("{\"ref\":\"a\"}");
            assertError(ws.next(WAIT), "bad_op", "a");
            ws.send("{\"op\":\"dance\",\"ref\":\"b\"}");
            assertError(ws.next(WAIT), "bad_op", "b");
            ws.send("{\"op\":42,\"ref\":\"b2\"}");
            assertError(ws.next(WAIT), "bad_op", "b2");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"Job:x\",\"ref\":\"c\"}");
            assertError(ws.next(WAIT), "bad_channel", "c");
            ws.send("{\"op\":\"subscribe\",\"ref\":\"c2\"}");
            assertError(ws.next(WAIT), "bad_channel", "c2");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"job:" + "x".repeat(300) + "\",\"ref\":\"c3\"}");
            assertError(ws.next(WAIT), "bad_channel", "c3");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"nope:1\",\"ref\":\"d\"}");
            assertError(ws.next(WAIT), "unknown_namespace", "d");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"yesterday\",\"ref\":\"e\"}");
            assertError(ws.next(WAIT), "bad_since", "e");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":12,\"ref\":\"e2\"}");
            assertError(ws.next(WAIT), "bad_since", "e2");
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"data\":{},\"ref\":\"f\"}");
            assertError(ws.next(WAIT), "bad_type", "f");
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"a b\",\"ref\":\"g\"}");
            assertError(ws.next(WAIT), "bad_type", "g");
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":[1],\"ref\":\"h\"}");
            assertError(ws.next(WAIT), "bad_data", "h");
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":{\"x\":1e400},\"ref\":\"i\"}");
            assertError(ws.next(WAIT), "bad_data", "i");
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":"
                    + "{\"a\":".repeat(33) + "1" + "}".repeat(33) + ",\"ref\":\"j\"}");
            assertError(ws.next(WAIT), "bad_data", "j");
            ws.send("{\"op\":\"publish\",\"channel\":\"nope:1\",\"type\":\"t\",\"ref\":\"k\"}");
            assertError(ws.next(WAIT), "unknown_namespace", "k");
            // Nested deeper than the JSON parser goes: an error like any unreadable frame, not silence.
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":"
                    + "{\"a\":".repeat(1500) + "1" + "}".repeat(1500) + ",\"ref\":\"l\"}");
            assertError(ws.next(WAIT), "bad_json", null);

            // Still usable: subscribe, receive, ping.
            JsonObject subscribed = ws.subscribe(channel, null, WAIT);
            assertEquals(channel, subscribed.getString("channel"));
            String id = HTTP.publish(channel, "ok", "{}");
            assertEquals(id, ws.next("event", WAIT).getString("id"));
            ws.send("{\"op\":\"ping\"}");
            assertEquals("pong", ws.next("pong", WAIT).getString("op"));
            assertFalse(ws.isClosed());
        }
    }

    @Test
    void aSingleFrameOverTheSizeLimitClosesWith1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect("localhost", GatewayHttp.testServerPort(), "/ws")) {
            ws.sendText("{\"op\":\"ping\",\"pad\":\"" + "a".repeat(70_000) + "\"}");
            RawWebSocket.Frame close = ws.awaitClose(WAIT);
            assertNotNull(close, "a close frame, not a dropped connection");
            assertEquals(1009, close.closeCode());
        }
    }

    /**
     * The limit is on the message, not the frame: each fragment here is well under it. The client
     * stops sending once past the limit, so it reads the close instead of racing it.
     */
    @Test
    void aFragmentedMessageOverTheSizeLimitClosesWith1009() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(WS)) {
            // Just under the limit is fine (an error for the bad op, but the connection stays).
            String under = "{\"op\":\"x\",\"pad\":\"" + "a".repeat(65536 - 30) + "\"}";
            assertTrue(under.length() <= 65536);
            ws.send(under);
            assertError(ws.next(WAIT), "bad_op", null);
        }
        try (RawWebSocket ws = RawWebSocket.connect("localhost", GatewayHttp.testServerPort(), "/ws")) {
            ws.sendFragment("{\"op\":\"ping\",\"pad\":\"" + "a".repeat(40_000), true, false);
            ws.sendFragment("a".repeat(40_000), false, false);
            RawWebSocket.Frame close = ws.awaitClose(WAIT);
            assertNotNull(close, "a close frame, not a dropped connection");
            assertEquals(1009, close.closeCode());
        }
        // The limit is in bytes: 2 x 16,500 'é' are 66,000 bytes of UTF-8 in 33,000 characters.
        try (RawWebSocket ws = RawWebSocket.connect("localhost", GatewayHttp.testServerPort(), "/ws")) {
            ws.sendFragment("{\"op\":\"ping\",\"pad\":\"" + "é".repeat(16_500), true, false);
            ws.sendFragment("é".repeat(16_500), false, false);
            RawWebSocket.Frame close = ws.awaitClose(WAIT);
            assertNotNull(close, "a close frame, not a dropped connection");
            assertEquals(1009, close.closeCode());
        }
    }

    private static void assertError(JsonObject frame, String code, String ref) {
        assertNotNull(frame, "no frame");
        assertEquals("error", frame.getString("op"), frame.toString());
        assertEquals(code, frame.getString("code"), frame.toString());
        assertFalse(frame.getString("message").isBlank(), frame.toString());
        assertFalse(frame.getString("message").contains("Exception"), frame.toString());
        if (ref == null) {
            assertNull(frame.get("ref"), frame.toString());
        } else {
            assertEquals(ref, frame.getString("ref"), frame.toString());
        }
    }
}
