package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.FreshLibertyServer;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.RedisServer;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every way of stopping the gateway says goodbye at the start of the stop (issue 22): a fresh Liberty
 * made from the README's server.xml fragment stopped with {@code bin/server stop} (what
 * {@code mvn liberty:stop} runs), paused and resumed with {@code bin/server pause} / {@code resume},
 * and the runnable JAR stopped with SIGTERM (what a container runtime and a Kubernetes pod deletion
 * send, after the preStop wait). Each time the open WebSocket is closed with 1001 and the open SSE
 * stream gets {@code event: shutdown} before it ends.
 *
 * <p>That the goodbye came at the start, not after Liberty's quiesce gave up on the connections, is
 * read from Liberty's own messages rather than a clock: the quiesce (CWWKE1100I) waits up to 30 s for
 * open connections and then either completes (CWWKE1101I: every connection was gone in time) or gives
 * up (CWWKE1102W, the 34 s stop). So the tests assert CWWKE1101I and no CWWKE1102W (and, for
 * {@code server stop}, whose messages.log keeps the gateway's lines, its goodbye before CWWKE1101I). That holds on a machine of any speed, where a bound
 * in seconds would either be loose enough to say nothing or fail under load; the time each stop took
 * is printed (a {@code STOP} line) for the record.
 */
class ServerStopIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void serverStopAndPauseOnAFreshLibertySayGoodbyeAtTheStart() throws Exception {
        try (RedisServer redis = RedisServer.start();
             FreshLibertyServer server = FreshLibertyServer.start(redis.url())) {
            String host = "localhost:" + server.httpPort();

            // server pause: the endpoints stop listening and would cut the connections after their wait.
            try (Clients clients = Clients.open(host)) {
                assertEquals(0, server.command("pause"), "server pause completed");
                clients.assertGoodbye();
            }
            // server resume: the gateway takes connections again (not the 503 of a stopping server).
            assertEquals(0, server.command("resume"), "server resume completed");
            Await.until(WAIT, "an SSE stream accepted after the resume", () -> {
                try (SseTestClient sse = SseTestClient.connect(URI.create("http://" + host + "/api/stream?channel=system"))) {
                    return sse.status() == 200;
                } catch (Exception e) {
                    return false;
                }
            });

            int before = server.messages().length();
            try (Clients clients = Clients.open(host)) {
                long started = System.nanoTime();
                assertEquals(0, server.command("stop"), "server stop: the server stopped");
                System.out.printf("STOP server-stop with 2 clients: command returned after %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                clients.assertGoodbye();
            }
            String log = server.messages().substring(before);
            assertGoodbyeWithinTheQuiesce(lines(log, "saying goodbye"), log);
        }
    }

    @Test
    void sigtermOfTheRunnableJarSaysGoodbyeAtTheStart() throws Exception {
        GatewayProcess gateway = GatewayProcess.startFromJar(Map.of());
        try (Clients clients = Clients.open("localhost:" + gateway.httpPort())) {
            long started = System.nanoTime();
            // A hang guard, not a speed check: a stop that waited out the quiesce still fits in it.
            assertTrue(gateway.stop(WAIT), "the gateway exited after SIGTERM");
            System.out.printf("STOP sigterm with 2 clients: exited after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            clients.assertGoodbye();
            // The gateway's own log lines do not reach the console while the JVM exits (measured: none of
            // its shutdown lines shows, Liberty's do), so here the quiesce says it: completed, so every
            // connection was gone within it, and the clients above got their goodbye, so it was ours.
            assertQuiesceCompleted(lines(gateway.log()), gateway.log());
        } finally {
            gateway.close();
        }
    }

    /** The quiesce began and completed (CWWKE1101I, no CWWKE1102W): no connection was left to wait for. */
    private static void assertQuiesceCompleted(List<String> lines, String log) {
        assertTrue(indexOf(lines, "CWWKE1100I") >= 0, "the stop quiesced:\n" + log);
        assertTrue(lines.stream().noneMatch(l -> l.contains("CWWKE1102W")), "the quiesce did not give up:\n" + log);
        assertTrue(indexOf(lines, "CWWKE1101I") >= 0, "the quiesce completed:\n" + log);
    }

    /** The quiesce completed, and the gateway's goodbye (its log line) came before it did. */
    private static void assertGoodbyeWithinTheQuiesce(List<String> lines, String log) {
        assertQuiesceCompleted(lines, log);
        int complete = indexOf(lines, "CWWKE1101I");
        int goodbye = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).contains("CWWKE110")) {
                goodbye = Math.min(goodbye, i);
            }
        }
        assertTrue(goodbye < complete, "the goodbye before the quiesce completed:\n" + String.join("\n", lines));
    }

    /** The log's quiesce messages and the lines with any of the gateway's given goodbye texts, in order. */
    private static List<String> lines(String log, String... goodbye) {
        return log.lines().filter(l -> l.contains("CWWKE1100I") || l.contains("CWWKE1101I") || l.contains("CWWKE1102W")
                || Arrays.stream(goodbye).anyMatch(l::contains)).toList();
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    /** One SSE stream and one WebSocket, both subscribed to a channel of their own. */
    private record Clients(SseTestClient sse, WsTestClient ws) implements AutoCloseable {

        static Clients open(String host) throws Exception {
            String channel = "job:stop-" + UUID.randomUUID();
            SseTestClient sse = SseTestClient.connect(URI.create("http://" + host + "/api/stream?channel=" + channel));
            assertEquals(200, sse.status(), "SSE stream opened");
            sse.next(f -> "position".equals(f.event()), WAIT);
            WsTestClient ws = WsTestClient.connect(URI.create("ws://" + host + "/ws"));
            ws.subscribe(channel, null, WAIT);
            return new Clients(sse, ws);
        }

        /** WebSocket closed with 1001; the SSE stream's last event is {@code shutdown}, then it ends. */
        void assertGoodbye() throws Exception {
            WsTestClient.Close close = ws.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(1001, close.code(), "WebSocket going away: " + close);
            List<SseFrame> frames = sse.until(f -> "shutdown".equals(f.event()), WAIT);
            assertEquals("server_shutdown", frames.get(frames.size() - 1).json().getString("reason"));
            sse.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertFalse(sse.drain().stream().anyMatch(f -> f.event() != null), "nothing after the goodbye");
        }

        @Override
        public void close() {
            sse.close();
            ws.close();
        }
    }
}
