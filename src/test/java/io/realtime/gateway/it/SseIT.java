package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.Problems;
import io.realtime.gateway.testsupport.RawSse;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Server-Sent Events against the build-started server (DESIGN §5): order, envelope, headers, the
 * multi-channel cursor, resume while publishing goes on, reset past history, refusals.
 */
class SseIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final GatewayHttp HTTP = GatewayHttp.testServer();

    @Test
    void eventsArriveInOrderWithTheirEnvelopeAndTheStreamHeaders() throws Exception {
        String channel = channel("order");
        try (SseTestClient sse = connect(List.of(channel), Map.of())) {
            assertEquals(200, sse.status());
            var headers = sse.response().headers();
            assertTrue(headers.firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                    headers.map().toString());
            assertEquals("no-cache", headers.firstValue("Cache-Control").orElse(null));
            assertEquals("no", headers.firstValue("X-Accel-Buffering").orElse(null));

            List<SseFrame> opening = sse.until(f -> "position".equals(f.event()), WAIT);
            SseFrame position = opening.get(opening.size() - 1);
            assertNotNull(position.id(), "the position frame carries the resume id");
            assertEquals(position.id(), position.json().getString("position"));
            assertNotNull(position.retry(), "retry: comes with the position frame");

            List<String> published = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                published.add(HTTP.publish(channel, "job_log", "{\"n\":" + i + ",\"text\":\"é\\u2028x\"}"));
            }
            List<SseFrame> frames = sse.until(f -> published.get(199).equals(f.id()), WAIT);
            List<SseFrame> events = frames.stream().filter(f -> f.event() != null).toList();
            assertEquals(200, events.size(), "only the 200 events, nothing else named");

            String previous = position.id();
            for (int i = 0; i < 200; i++) {
                SseFrame frame = events.get(i);
                JsonObject envelope = frame.json();
                assertEquals("job_log", frame.event());
                assertEquals(published.get(i), frame.id(), "the SSE id of a one-channel stream is the event id");
                assertEquals(published.get(i), envelope.getString("id"));
                assertEquals(channel, envelope.getString("channel"));
                assertEquals("job_log", envelope.getString("type"));
                Instant ts = Instant.parse(envelope.getString("ts"));
                assertTrue(Duration.between(ts, Instant.now()).abs().toMinutes() < 5, "ts " + ts);
                assertEquals(i, envelope.getJsonObject("data").getInt("n"));
                assertEquals("é\u2028x", envelope.getJsonObject("data").getString("text"));
                assertTrue(compareIds(frame.id(), previous) > 0, frame.id() + " after " + previous);
                previous = frame.id();
            }
            List<SseFrame> all = new ArrayList<>(opening);
            all.addAll(frames);
            assertEquals(1, all.stream().filter(f -> f.retry() != null).count(), "retry: is sent once");
        }
    }

    @Test
    void oneStreamCarriesSeveralChannelsWithACursorAsItsId() throws Exception {
        String a = channel("multi-a");
        String b = channel("multi-b");
        try (SseTestClient sse = connect(List.of(a, b), Map.of())) {
            SseFrame position = sse.next(f -> "position".equals(f.event()), WAIT);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add(HTTP.publish(i % 2 == 0 ? a : b, "tick", "{\"n\":" + i + "}"));
            }
            List<SseFrame> events = sse.events("tick", 20, WAIT);
            Map<String, List<String>> byChannel = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                JsonObject envelope = events.get(i).json();
                assertEquals(i, envelope.getJsonObject("data").getInt("n"), "publish order kept across channels");
                assertEquals(i % 2 == 0 ? a : b, envelope.getString("channel"));
                assertEquals(expected.get(i), envelope.getString("id"), "the envelope keeps the channel's own id");
                assertNotEquals(envelope.getString("id"), events.get(i).id(), "the SSE id is the stream's cursor");
                assertTrue(events.get(i).id().matches("[A-Za-z0-9._~-]+"), "URL-safe: " + events.get(i).id());
                byChannel.computeIfAbsent(envelope.getString("channel"), k -> new ArrayList<>()).add(envelope.getString("id"));
            }
            assertEquals(10, byChannel.get(a).size());
            assertEquals(10, byChannel.get(b).size());
            assertNotEquals(position.id(), events.get(19).id(), "the cursor moves");
        }
    }

    /**
     * The client sees 20 events and leaves; 50 more are published; it comes back with its last id
     * while a publisher keeps publishing. It must get the 50, then every later event, once each.
     */
    @Test
    void resumeWithLastEventIdReplaysTheMissedEventsWhilePublishingGoesOn() throws Exception {
        String channel = channel("resume");
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        String lastSeen;
        try (SseTestClient first = connect(List.of(channel), Map.of())) {
            first.next(f -> "position".equals(f.event()), WAIT);
            for (int i = 0; i < 20; i++) {
                published.add(HTTP.publish(channel, "tick", "{\"n\":" + i + "}"));
            }
            List<SseFrame> seen = first.events("tick", 20, WAIT);
            lastSeen = seen.get(19).id();
            assertEquals(published.get(19), lastSeen);
        }
        for (int i = 20; i < 70; i++) {
            published.add(HTTP.publish(channel, "tick", "{\"n\":" + i + "}"));
        }
        List<String> missed = List.copyOf(published.subList(20, 70));

        AtomicBoolean keepPublishing = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            int n = 70;
            while (keepPublishing.get()) {
                published.add(HTTP.publish(channel, "tick", "{\"n\":" + n++ + "}"));
            }
        }, "publisher");
        publisher.start();
        try (SseTestClient resumed = connect(List.of(channel), Map.of("Last-Event-ID", lastSeen))) {
            List<SseFrame> replay = resumed.events("tick", 50, WAIT);
            assertEquals(missed, replay.stream().map(SseFrame::id).toList(), "exactly the 50 missed, in order");
            // Let live events flow for a while through the resumed stream, then stop and drain.
            List<SseFrame> live = resumed.events("tick", 100, WAIT);
            keepPublishing.set(false);
            publisher.join(WAIT.toMillis());
            assertFalse(publisher.isAlive());
            String end = published.get(published.size() - 1);
            List<String> got = new ArrayList<>(replay.stream().map(SseFrame::id).toList());
            live.forEach(f -> got.add(f.id()));
            // The last event may already be among the live ones: delivery can beat the 202.
            if (!got.contains(end)) {
                resumed.until(f -> end.equals(f.id()), WAIT).stream().filter(f -> "tick".equals(f.event()))
                        .forEach(f -> got.add(f.id()));
            }
            assertEquals(List.copyOf(published.subList(20, published.size())), got,
                    "every id after the client's last one, once, in order, up to the end");
        } finally {
            keepPublishing.set(false);
            publisher.join(WAIT.toMillis());
        }
    }

    @Test
    void theCursorOfAMultiChannelStreamResumesEveryChannel() throws Exception {
        String a = channel("cursor-a");
        String b = channel("cursor-b");
        String cursor;
        try (SseTestClient first = connect(List.of(a, b), Map.of())) {
            first.next(f -> "position".equals(f.event()), WAIT);
            HTTP.publish(a, "tick", "{\"n\":0}");
            HTTP.publish(b, "tick", "{\"n\":1}");
            HTTP.publish(a, "tick", "{\"n\":2}");
            cursor = first.events("tick", 3, WAIT).get(2).id();
        }
        List<String> missedA = new ArrayList<>();
        List<String> missedB = new ArrayList<>();
        for (int i = 3; i < 13; i++) {
            (i % 3 == 0 ? missedB : missedA).add(HTTP.publish(i % 3 == 0 ? b : a, "tick", "{\"n\":" + i + "}"));
        }
        try (SseTestClient resumed = connect(List.of(a, b), Map.of("Last-Event-ID", cursor))) {
            List<SseFrame> frames = resumed.until(f -> "position".equals(f.event()), WAIT);
            assertTrue(frames.stream().noneMatch(f -> "reset".equals(f.event())), "no reset: " + frames);
            List<JsonObject> replay = frames.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::json).toList();
            assertEquals(missedA, ids(replay, a), "channel a resumed");
            assertEquals(missedB, ids(replay, b), "channel b resumed");
            // And the stream goes live afterwards, on both channels.
            String liveB = HTTP.publish(b, "tick", "{\"n\":99}");
            assertEquals(liveB, resumed.events("tick", 1, WAIT).get(0).json().getString("id"));
        }
    }

    /**
     * A multi-channel stream whose first channel replays or receives events before the others are
     * subscribed must still work (the cursor then names channels not yet subscribed).
     */
    @Test
    void aMultiChannelStreamOpensWhileItsChannelsAreBusy() throws Exception {
        List<String> channels = IntStream.range(0, 8).mapToObj(i -> channel("busy" + i)).toList();
        AtomicBoolean keepPublishing = new AtomicBoolean(true);
        List<String> errors = new CopyOnWriteArrayList<>();
        Thread publisher = new Thread(() -> {
            int n = 0;
            while (keepPublishing.get()) {
                try {
                    HTTP.publish(channels.get(n % channels.size()), "tick", "{\"n\":" + n++ + "}");
                } catch (AssertionError | RuntimeException e) {
                    errors.add(String.valueOf(e.getMessage()));
                }
            }
        }, "publisher");
        publisher.start();
        try {
            for (int round = 0; round < 10; round++) {
                try (SseTestClient sse = connect(channels, Map.of())) {
                    sse.next(f -> "position".equals(f.event()), WAIT);
                    sse.events("tick", 8, WAIT);
                }
            }
        } finally {
            keepPublishing.set(false);
            publisher.join(WAIT.toMillis());
        }
        assertEquals(List.of(), errors, "publishing never fails because of a subscriber");
    }

    @Test
    void lastEventIdQueryParameterResumesAFirstConnection() throws Exception {
        String channel = channel("query");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(HTTP.publish(channel, "tick", "{\"n\":" + i + "}"));
        }
        String query = "?channel=" + channel + "&lastEventId=" + ids.get(3);
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream" + query))) {
            List<SseFrame> frames = sse.until(f -> "position".equals(f.event()), WAIT);
            assertEquals(ids.subList(4, 10), frames.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::id).toList());
            assertEquals(ids.get(9), frames.get(frames.size() - 1).id(), "the position is the last event");
        }
        // The header wins over the query parameter: it is the browser's fresher id on reconnect.
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri("/api/stream" + query), Map.of("Last-Event-ID", ids.get(7)))) {
            List<SseFrame> frames = sse.until(f -> "position".equals(f.event()), WAIT);
            assertEquals(ids.subList(8, 10), frames.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::id).toList());
        }
    }

    @Test
    void resumingPastHistorySendsResetFirstThenWhatHistoryStillHolds() throws Exception {
        String channel = channel("reset");
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < 2; batch++) {
            List<GatewayHttp.Item> items = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                items.add(new GatewayHttp.Item(channel, "tick", "{\"n\":" + (batch * 600 + i) + "}"));
            }
            ids.addAll(HTTP.publishBatch(items));
        }
        assertEquals(1200, ids.size());
        try (SseTestClient sse = connect(List.of(channel), Map.of("Last-Event-ID", ids.get(5)))) {
            List<SseFrame> frames = sse.until(f -> "position".equals(f.event()), WAIT);
            List<SseFrame> named = frames.stream().filter(f -> f.event() != null).toList();
            SseFrame reset = named.get(0);
            assertEquals("reset", reset.event(), "reset comes first: " + named.get(0));
            assertEquals(channel, reset.json().getString("channel"));
            assertEquals("history_gap", reset.json().getString("reason"));
            List<String> replayed = named.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::id).toList();
            assertEquals(ids.subList(200, 1200), replayed, "then the 1,000 events history still holds, in order");
            assertEquals(1, named.stream().filter(f -> "reset".equals(f.event())).count());
        }
        // From an id history still reaches: no reset.
        try (SseTestClient sse = connect(List.of(channel), Map.of("Last-Event-ID", ids.get(1100)))) {
            List<SseFrame> frames = sse.until(f -> "position".equals(f.event()), WAIT);
            assertTrue(frames.stream().noneMatch(f -> "reset".equals(f.event())));
            assertEquals(ids.subList(1101, 1200), frames.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::id).toList());
        }
    }

    /** On a stream of several channels the reset names the channel with the gap; the others resume. */
    @Test
    void aCursorPastOneChannelsHistoryResetsThatChannelOnly() throws Exception {
        String gap = channel("gap");
        String kept = channel("kept");
        String cursor;
        try (SseTestClient first = connect(List.of(gap, kept), Map.of())) {
            first.next(f -> "position".equals(f.event()), WAIT);
            HTTP.publish(gap, "tick", "{}");
            HTTP.publish(kept, "tick", "{}");
            cursor = first.events("tick", 2, WAIT).get(1).id();
        }
        List<String> gapIds = new ArrayList<>();
        for (int batch = 0; batch < 2; batch++) {
            List<GatewayHttp.Item> items = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                items.add(new GatewayHttp.Item(gap, "tick", "{}"));
            }
            gapIds.addAll(HTTP.publishBatch(items));
        }
        List<String> keptIds = List.of(HTTP.publish(kept, "tick", "{}"), HTTP.publish(kept, "tick", "{}"));
        try (SseTestClient resumed = connect(List.of(gap, kept), Map.of("Last-Event-ID", cursor))) {
            List<SseFrame> frames = resumed.until(f -> "position".equals(f.event()), WAIT);
            List<SseFrame> resets = frames.stream().filter(f -> "reset".equals(f.event())).toList();
            assertEquals(1, resets.size(), "one reset: " + resets);
            assertEquals(gap, resets.get(0).json().getString("channel"));
            List<JsonObject> ticks = frames.stream().filter(f -> "tick".equals(f.event())).map(SseFrame::json).toList();
            assertEquals(gapIds.subList(200, 1200), ids(ticks, gap), "what history still holds of the gap channel");
            assertEquals(keptIds, ids(ticks, kept), "the other channel resumed exactly");
            int resetAt = frames.indexOf(resets.get(0));
            int firstGapEvent = frames.indexOf(frames.stream().filter(f -> "tick".equals(f.event())
                    && gap.equals(f.json().getString("channel"))).findFirst().orElseThrow());
            assertTrue(resetAt < firstGapEvent, "the reset comes before that channel's events");
        }
    }

    @Test
    void malformedResumeIdsAndBadStreamRequestsAreProblems() {
        String channel = channel("refused");
        String stream = "/api/stream?channel=" + channel;
        Map<String, String> accept = Map.of("Accept", "text/event-stream");
        for (String bad : List.of("garbage", "12", "-1", "1-", "a-1", "1-2-3", "99999999999999999999-0", "1 -2")) {
            Map<String, String> headers = new HashMap<>(accept);
            headers.put("Last-Event-ID", bad);
            Problems.assertProblem(HTTP.get(stream, headers), 400, "bad_since");
            Problems.assertProblem(HTTP.get(stream + "&lastEventId=" + enc(bad), accept), 400, "bad_since");
        }
        // A cursor of another set of channels is refused rather than misread.
        String other = "/api/stream?channel=" + channel + "&channel=" + channel("other");
        Map<String, String> foreign = new HashMap<>(accept);
        foreign.put("Last-Event-ID", "abc.1-0.2-0");
        Problems.assertProblem(HTTP.get(other, foreign), 400, "bad_since");

        Problems.assertProblem(HTTP.get("/api/stream", accept), 400, "bad_channel");
        Problems.assertProblem(HTTP.get("/api/stream?channel=" + enc("Job:x"), accept), 400, "bad_channel");
        Problems.assertProblem(HTTP.get("/api/stream?channel=" + enc("job:a b"), accept), 400, "bad_channel");
        Problems.assertProblem(HTTP.get("/api/stream?channel=job", accept), 400, "bad_channel");
        Problems.assertProblem(HTTP.get("/api/stream?channel=nope:1", accept), 404, "unknown_namespace");
        String tooMany = IntStream.range(0, 33).mapToObj(i -> "channel=" + channel + "-" + i)
                .collect(Collectors.joining("&", "/api/stream?", ""));
        Problems.assertProblem(HTTP.get(tooMany, accept), 429, "limit");
        String enough = IntStream.range(0, 32).mapToObj(i -> "channel=" + channel + "-" + i)
                .collect(Collectors.joining("&", "/api/stream?", ""));
        try (SseTestClient sse = SseTestClient.connect(HTTP.uri(enough))) {
            assertEquals(200, sse.status(), "32 channels is the limit, not over it");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theBareSystemChannelStreams() throws Exception {
        try (SseTestClient sse = connect(List.of("system"), Map.of())) {
            sse.next(f -> "position".equals(f.event()), WAIT);
            String id = HTTP.publish("system", "system", "{\"notice\":\"" + UUID.randomUUID() + "\"}");
            SseFrame frame = sse.next(f -> id.equals(f.id()), WAIT);
            assertEquals("system", frame.json().getString("channel"));
            assertNull(frame.comment());
        }
    }

    /**
     * On the wire (DESIGN §5) an event is its name line, its id line and its envelope as one data line,
     * then a blank line: what any SSE parser reads, whichever way the server puts the lines together.
     */
    @Test
    void anEventIsItsNameItsIdAndOneDataLineOnTheWire() throws Exception {
        String channel = channel("wire");
        URI server = HTTP.uri("/");
        try (RawSse raw = RawSse.open(server.getHost(), server.getPort(), "/api/stream?channel=" + enc(channel))) {
            raw.readUntil("event: position", WAIT);
            // A line break and a letter outside ASCII in the payload: the envelope's JSON escapes the one
            // and keeps the other, and neither may split the data line.
            String id = HTTP.publish(channel, "job_log", "{\"text\":\"two\\nlines, \u00e9\"}");
            String next = HTTP.publish(channel, "job_log", "{\"text\":\"next\"}");
            String wire = raw.readUntil("id: " + next + "\n", WAIT);
            Matcher frame = Pattern.compile("\nevent: job_log\nid: " + Pattern.quote(id) + "\ndata: ([^\n]*)\n\n")
                    .matcher(wire);
            assertTrue(frame.find(), wire);
            JsonObject envelope = new SseFrame(id, "job_log", frame.group(1), null, null).json();
            assertEquals(id, envelope.getString("id"));
            assertEquals("two\nlines, \u00e9", envelope.getJsonObject("data").getString("text"));
        }
    }

    /**
     * A resume from the start of history: the replay comes in a burst, whose frames go out several to a
     * write (DESIGN §5's wire is the same whichever way they are put together). Read line by line, every
     * replayed event is its name, its id and one data line with its envelope, then a blank line, in order.
     */
    @Test
    void aReplayedBurstIsEveryEventWholeAndInOrderLineByLine() throws Exception {
        String channel = channel("burst");
        List<GatewayHttp.Item> items = IntStream.range(0, 300)
                .mapToObj(i -> new GatewayHttp.Item(channel, "job_log", "{\"n\":" + i + ",\"text\":\"line " + i + "\"}"))
                .toList();
        List<String> ids = HTTP.publishBatch(items);
        HttpRequest request = HttpRequest.newBuilder(HTTP.uri("/api/stream?channel=" + enc(channel) + "&lastEventId=0-0"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Stream<String> body = response.body()) {
            Iterator<String> it = body.iterator();
            // The position frame follows the replay; closing the body ends a read that waits past the bound.
            CompletableFuture.runAsync(() -> {
                while (it.hasNext()) {
                    String line = it.next();
                    lines.add(line);
                    if (line.equals("event: position")) {
                        return;
                    }
                }
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no position frame after the replay within " + WAIT + ": " + lines.size() + " lines", e);
        }
        int first = lines.indexOf("event: job_log");
        assertTrue(first >= 0, String.join("\n", lines));
        for (int i = 0; i < ids.size(); i++) {
            List<String> frame = lines.subList(first + 4 * i, first + 4 * i + 4);
            assertEquals("event: job_log", frame.get(0), "frame " + i + ": " + frame);
            assertEquals("id: " + ids.get(i), frame.get(1), "frame " + i + ": " + frame);
            assertTrue(frame.get(2).startsWith("data: "), "frame " + i + ": " + frame);
            JsonObject envelope = new SseFrame(ids.get(i), "job_log", frame.get(2).substring(6), null, null).json();
            assertEquals(i, envelope.getJsonObject("data").getInt("n"), "frame " + i + ": " + frame);
            assertEquals("", frame.get(3), "frame " + i + " ends with a blank line: " + frame);
        }
    }

    // --- helpers ---

    static String channel(String what) {
        return "job:it-" + what + "-" + UUID.randomUUID();
    }

    private static SseTestClient connect(List<String> channels, Map<String, String> headers) throws Exception {
        String query = channels.stream().map(c -> "channel=" + enc(c)).collect(Collectors.joining("&"));
        return SseTestClient.connect(HTTP.uri("/api/stream?" + query), headers);
    }

    private static List<String> ids(List<JsonObject> envelopes, String channel) {
        return envelopes.stream().filter(e -> channel.equals(e.getString("channel"))).map(e -> e.getString("id")).toList();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Orders {@code <ms>-<seq>} ids as the gateway does. */
    static int compareIds(String x, String y) {
        String[] a = x.split("-");
        String[] b = y.split("-");
        int c = Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(a[1]), Long.parseLong(b[1]));
    }
}
