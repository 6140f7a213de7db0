package io.realtime.gateway.cluster;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Two gateway instances (runnable-JAR Liberty servers) sharing one Redis, and what the cross-instance
 * tests do with them. Liveness settings are tightened so faults show within a second or two.
 */
final class TwoGateways implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    final GatewayProcess a;
    final GatewayProcess b;
    final GatewayHttp httpA;
    final GatewayHttp httpB;

    private TwoGateways(GatewayProcess a, GatewayProcess b) {
        this.a = a;
        this.b = b;
        this.httpA = new GatewayHttp("http://localhost:" + a.httpPort());
        this.httpB = new GatewayHttp("http://localhost:" + b.httpPort());
    }

    static TwoGateways start(String redisUrl, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(redisUrl, extraEnv, Map.of());
    }

    /** Two instances whose settings differ by {@code onlyB} (a rollout of new settings, half done). */
    static TwoGateways start(String redisUrl, Map<String, String> extraEnv, Map<String, String> onlyB)
            throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of(
                "REDIS_URL", redisUrl,
                "GATEWAY_REDIS_PING_INTERVAL_MS", "250",
                "GATEWAY_REDIS_DEAD_AFTER_MS", "1500",
                "GATEWAY_REDIS_RECONNECT_MIN_MS", "100",
                "GATEWAY_REDIS_RECONNECT_MAX_MS", "1000",
                "GATEWAY_REDIS_TIMEOUT_MS", "1000"));
        env.putAll(extraEnv);
        // One after the other: on two shared cores a parallel start mostly doubles each one's time,
        // and each must be ready within the launcher's timeout.
        GatewayProcess a = launch(env);
        Map<String, String> envB = new HashMap<>(env);
        envB.putAll(onlyB);
        try {
            return new TwoGateways(a, launch(envB));
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private static GatewayProcess launch(Map<String, String> env) {
        try {
            return GatewayProcess.start(env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An SSE stream of one channel, returned once it is live (its {@code position} frame came). */
    static SseTestClient sse(GatewayHttp on, String channel, String lastEventId) throws Exception {
        SseTestClient client = SseTestClient.connect(on.uri("/api/stream?channel=" + channel),
                lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
        if (client.status() != 200) {
            client.close();
            throw new AssertionError("SSE answered " + client.status());
        }
        return client;
    }

    static SseFrame awaitPosition(SseTestClient client) throws InterruptedException {
        return client.next(f -> "position".equals(f.event()), WAIT);
    }

    /** A WebSocket subscribed to one channel, returned with its {@code subscribed} frame. */
    static WsTestClient ws(GatewayHttp on, String channel, String since, JsonObject[] subscribed) throws Exception {
        WsTestClient client = WsTestClient.connect(URI(on));
        client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"s1\""
                + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}");
        JsonObject ack = client.next("subscribed", WAIT);
        if (subscribed != null) {
            subscribed[0] = ack;
        }
        return client;
    }

    private static java.net.URI URI(GatewayHttp on) {
        return java.net.URI.create(on.uri("/ws").toString().replaceFirst("^http", "ws"));
    }

    static String publishScript() throws IOException {
        try (InputStream in = TwoGateways.class.getResourceAsStream("/redis/publish.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<String> ids(List<SseFrame> frames) {
        return frames.stream().map(f -> f.json().getString("id")).toList();
    }

    /** The end of both servers' logs, for a failed test's report (the launcher deletes them on close). */
    String logs() {
        return "--- gateway A log (tail) ---\n" + tail(a.log()) + "\n--- gateway B log (tail) ---\n" + tail(b.log());
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
    }

    /** Puts both logs in the test output when a test fails. */
    static TestWatcher dumpLogsOnFailure(java.util.function.Supplier<TwoGateways> gateways) {
        return new TestWatcher() {
            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                TwoGateways g = gateways.get();
                if (g != null) {
                    java.util.logging.Logger.getLogger(TwoGateways.class.getName()).severe(g.logs());
                }
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        try {
            a.close();
        } finally {
            b.close();
        }
    }
}
