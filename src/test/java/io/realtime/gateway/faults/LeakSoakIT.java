package io.realtime.gateway.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.ProcessProbe;
import io.realtime.gateway.testsupport.RawSse;
import io.realtime.gateway.testsupport.RawWebSocket;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Leaks and endurance (issue 9): a gateway in cluster mode soaked with connect/disconnect churn
 * over SSE and WebSocket (clean closes, resets on the first byte, sockets dropped without a
 * close, unsubscribes, resumes from history) while events flow. Afterwards its threads, open file
 * descriptors, subscriptions, channels and live heap after a full GC come back to where they were
 * before the soak, and a graceful stop with clients still connected ends the process promptly with
 * no thread left running past Liberty's quiesce (no CWWKE1107W) and no leak warning.
 */
@OwnServers
class LeakSoakIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CHURNERS = 6;
    private static final int CHANNELS = 12;
    /** Threads a warm server may still add or retire (pools sized on demand, timers). */
    private static final int THREAD_SLACK = 10;
    private static final int FD_SLACK = 10;
    private static final long HEAP_SLACK_BYTES = 16L << 20;
    /** What Liberty says when a thread outlives the quiesce stage, and any leak warning. */
    private static final Pattern STOP_WARNINGS = Pattern.compile("CWWKE1107W|CWWKE1102W|(?i:leak)");

    @Test
    void churnLeavesNoThreadFileSubscriptionOrHeapBehindAndTheServerStopsCleanly() throws Exception {
        try (RedisServer redis = RedisServer.start();
             GatewayProcess gateway = GatewayProcess.start(Map.of("REDIS_URL", redis.url(),
                     // dead clients are found within seconds, so "back to the start" is quick to see
                     "GATEWAY_SSE_HEARTBEAT_SECONDS", "1", "GATEWAY_WS_PING_SECONDS", "1",
                     "GATEWAY_SHUTDOWN_DRAIN_MS", "2000"))) {
            GatewayHttp http = new GatewayHttp("http://localhost:" + gateway.httpPort());
            ProcessProbe probe = new ProcessProbe(gateway.pid());

            // Warm up with the same churn, so pools and caches are at their working size.
            int warm = soak(gateway, http, Duration.ofSeconds(FaultSettings.LONG ? 30 : 5));
            http.awaitIdle(WAIT);
            Level before = Level.of(probe, http);

            int cycles = soak(gateway, http, FaultSettings.SOAK);
            http.awaitIdle(WAIT);
            Level after = settle(probe, http, before);

            Scenario.record(String.format("SOAK%s %d s, %d connections opened and dropped (+%d to warm up): threads %d -> %d,"
                            + " open fds %d -> %d, live heap after GC %.1f -> %.1f MB, subscriptions %d -> %d, channels %d -> %d",
                    FaultSettings.LONG ? " (long)" : "", FaultSettings.SOAK.toSeconds(), cycles, warm,
                    before.threads, after.threads, before.fds, after.fds, before.heap / 1048576.0,
                    after.heap / 1048576.0, before.subscriptions, after.subscriptions, before.channels,
                    after.channels));
            assertTrue(after.threads <= before.threads + THREAD_SLACK, "threads: " + before + " -> " + after);
            assertTrue(after.fds <= before.fds + FD_SLACK, "open files: " + before + " -> " + after);
            assertTrue(after.heap <= before.heap + Math.max(HEAP_SLACK_BYTES, before.heap / 10),
                    "live heap: " + before + " -> " + after);
            assertTrue(after.subscriptions == 0 && after.channels == 0, "subscriptions, channels: " + after);
            // Clients dropped mid-write: each close of theirs comes back (Liberty waits a while for the
            // read side first). A close frame written synchronously from the write-failure callback's own
            // thread once never did: that thread waited for itself for good.
            Await.until(WAIT.multipliedBy(2), "every close of a WebSocket whose client went away has returned",
                    () -> threadsIn(probe.threadDump(), "wsoc.SessionImpl.close(", "wsoc.WsocConnLink.close("),
                    List::isEmpty);

            // A graceful stop with clients still connected: drained, then gone, nothing left running.
            String channel = "job:soak-stop";
            try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream?channel=" + channel));
                 WsTestClient ws = WsTestClient.connect(wsUri(gateway))) {
                sse.next(f -> "position".equals(f.event()), WAIT);
                ws.subscribe(channel, null, WAIT);
                long stopAt = System.nanoTime();
                // A bound for a loaded machine; promptness is what the warnings below check (Liberty's
                // quiesce gave up: CWWKE1102W; threads outlived it: CWWKE1107W).
                gateway.requestStop();
                // Liberty's quiesce lasts up to 30 s: a server still there after 20 s is waiting on
                // something, and what its threads are doing then is what a failure below needs to show.
                boolean exited = gateway.awaitExit(Duration.ofSeconds(20));
                String stillRunning = exited ? "" : probe.threadDump();
                exited = exited || gateway.awaitExit(Duration.ofSeconds(100));
                long stopMs = (System.nanoTime() - stopAt) / 1_000_000;
                List<String> warnings = gateway.log().lines().filter(l -> STOP_WARNINGS.matcher(l).find()).toList();
                Scenario.record("SOAK graceful stop with 2 clients connected: exited in " + stopMs + " ms; "
                        + warnings.size() + " thread-leak/quiesce warnings");
                assertTrue(exited, "the gateway exited by itself after SIGTERM:\n" + tail(gateway.log()));
                assertTrue(warnings.isEmpty(), "no thread outlived the stop: " + warnings
                        + "\nthreads 20 s into the stop:\n" + stillRunning);
            }
        }
    }

    /** The stacks of a thread dump's threads that are in any of {@code frames}. */
    private static List<String> threadsIn(String dump, String... frames) {
        return java.util.Arrays.stream(dump.split("\n(?=\")"))
                .filter(t -> java.util.Arrays.stream(frames).anyMatch(t::contains)).toList();
    }

    /** Levels of one instant; threads and fds wait a little for pools that shrink on idle. */
    private static Level settle(ProcessProbe probe, GatewayHttp http, Level before) {
        try {
            Await.until(WAIT, "threads and descriptors back near their starting level",
                    () -> probe.threads() <= before.threads + THREAD_SLACK && probe.openFiles() <= before.fds + FD_SLACK);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": threads " + before.threads + " -> " + probe.threads()
                    + ", open files " + before.fds + " -> " + probe.openFiles() + "; threads now: "
                    + probe.threadGroups(), e);
        }
        return Level.of(probe, http);
    }

    private record Level(int threads, int fds, long heap, int subscriptions, int channels) {
        static Level of(ProcessProbe probe, GatewayHttp http) {
            JsonObject stats = http.stats();
            return new Level(probe.threads(), probe.openFiles(), probe.liveHeapBytes(), stats.getInt("subscriptions"),
                    stats.getInt("channels"));
        }
    }

    /** Churns for {@code d} with a publisher running; returns how many connections it opened. */
    private static int soak(GatewayProcess gateway, GatewayHttp http, Duration d) throws Exception {
        AtomicInteger opened = new AtomicInteger();
        long end = System.nanoTime() + d.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CHURNERS + 1);
        try {
            List<Future<?>> work = new ArrayList<>();
            work.add(pool.submit(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    http.post("/api/channels/" + channel(n) + "/events", "application/json",
                            "{\"type\":\"tick\",\"data\":{\"n\":" + n + "}}");
                    Publisher.pause(10);
                }
                return null;
            }));
            for (int c = 0; c < CHURNERS; c++) {
                work.add(pool.submit(() -> {
                    for (int n = 0; System.nanoTime() < end; n++) {
                        opened.incrementAndGet();
                        cycle(gateway, http, n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(d.toSeconds() + 120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return opened.get();
    }

    /** One client's life, of one of five kinds. */
    private static void cycle(GatewayProcess gateway, GatewayHttp http, int n) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String a = channel(random.nextInt(CHANNELS));
        String b = channel(random.nextInt(CHANNELS));
        switch (n % 5) {
            case 0 -> { // an SSE stream of two channels, live, read a little, closed by the client
                try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream?channel=" + a + "&channel=" + b))) {
                    sse.next(f -> "position".equals(f.event()), WAIT);
                    sse.next(Duration.ofMillis(random.nextInt(100)));
                }
            }
            case 1 -> { // an SSE resume from the start of history, reset by the client on its first byte
                try (RawSse raw = RawSse.open("localhost", gateway.httpPort(),
                        "/api/stream?channel=" + a + "&channel=" + b + "&lastEventId=0-0")) {
                    raw.readSome(Duration.ofSeconds(5));
                    raw.reset();
                }
            }
            case 2 -> { // a WebSocket: subscribe two, unsubscribe one, close cleanly
                try (WsTestClient ws = WsTestClient.connect(wsUri(gateway))) {
                    ws.subscribe(a, null, WAIT);
                    ws.subscribe(b, "0-0", WAIT);
                    ws.sendOp("op", "unsubscribe", "channel", a, "ref", "u");
                    ws.next("unsubscribed", WAIT);
                }
            }
            case 3 -> { // a WebSocket dropped without a close frame right after subscribing
                try (RawWebSocket raw = RawWebSocket.connect("localhost", gateway.httpPort(), "/ws")) {
                    raw.sendText("{\"op\":\"subscribe\",\"channel\":\"" + a + "\",\"since\":\"0-0\"}");
                    raw.sendText("{\"op\":\"subscribe\",\"channel\":\"" + b + "\"}");
                }
            }
            default -> { // an SSE stream that goes away without a word once live
                try (RawSse raw = RawSse.open("localhost", gateway.httpPort(), "/api/stream?channel=" + a)) {
                    raw.readUntil("event: position", WAIT);
                    raw.reset();
                }
            }
        }
    }

    private static String channel(int i) {
        return "job:soak-" + (i % CHANNELS);
    }

    private static URI wsUri(GatewayProcess gateway) {
        return URI.create("ws://localhost:" + gateway.httpPort() + "/ws");
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
