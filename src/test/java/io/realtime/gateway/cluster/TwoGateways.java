package io.realtime.gateway.cluster;

import io.realtime.gateway.testsupport.GatewayGroup;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    private final GatewayGroup group;

    private TwoGateways(GatewayGroup group) {
        this.group = group;
        this.a = group.process(0);
        this.b = group.process(1);
        this.httpA = group.http(0);
        this.httpB = group.http(1);
    }

    /** Both on one Redis, with the tightened liveness of {@link GatewayGroup#FAST_REDIS_LIVENESS}. */
    static TwoGateways start(String redisUrl, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(redisUrl, extraEnv, Map.of());
    }

    /** Two instances whose settings differ by {@code onlyB} (a rollout of new settings, half done). */
    static TwoGateways start(String redisUrl, Map<String, String> extraEnv, Map<String, String> onlyB)
            throws IOException, InterruptedException {
        return new TwoGateways(GatewayGroup.start(2, i -> redisUrl, extraEnv, i -> i == 1 ? onlyB : Map.of()));
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
        return group.logs(150);
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
        group.close();
    }
}
