package io.realtime.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which browser origins may open a WebSocket and read the HTTP API and SSE streams (DESIGN §7,
 * {@code gateway.allowed-origins}), over real sockets: the build's test server with the default (its
 * own pages only), and a gateway of its own with an allow-list.
 */
class OriginsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OTHER = "https://evil.example";
    private static final String APP = "https://app.example.com";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static GatewayProcess gateway;

    // The test server has no setting: only a page it served itself (same scheme, host and port).
    private final int port = GatewayHttp.testServerPort();
    private final String own = "http://localhost:" + port;

    @Test
    void byDefaultWebSocketFromItsOwnPageOrWithoutOriginOpensFromAnotherSiteIsRefused() throws Exception {
        open(port, own).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        open(port, null).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        assertRefused(port, OTHER);
        // The same host on another port is another origin.
        assertRefused(port, "http://localhost:" + (port + 1));
    }

    @Test
    void byDefaultPreflightFromItsOwnPageIsAnsweredFromAnotherSiteRefused() throws Exception {
        assertPreflightAllowed(port, own);
        HttpResponse<String> refused = preflight(port, OTHER);
        assertEquals(403, refused.statusCode());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertEquals("forbidden", GatewayHttp.json(refused.body()).getString("code"));
        assertNoCors(refused.headers());
    }

    @Test
    void byDefaultPublishAndStreamCarryCorsHeadersOnlyForItsOwnPage() throws Exception {
        assertCorsAllowed(publish(port, own), own);
        HttpResponse<String> other = publish(port, OTHER);
        // A POST from another site is refused outright: a cross-site form needs no preflight.
        assertEquals(403, other.statusCode(), other.body());
        assertEquals("forbidden", GatewayHttp.json(other.body()).getString("code"));
        assertNoCors(other.headers());
        assertTrue(variesByOrigin(other.headers()), other.headers().map().toString());

        assertStream(port, own, true);
        assertStream(port, OTHER, false);
    }

    // A gateway of its own started with an allow-list (and its own pages: same scheme, host and port).

    @Test
    void allowListOpensWebSocketsForListedOriginsAndItsOwnPagesOnly() throws Exception {
        int port = gateway.httpPort();
        open(port, APP).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        open(port, "http://localhost:" + port).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        assertRefused(port, OTHER);
        assertRefused(port, "https://app.example.com.evil.example");
    }

    @Test
    void allowListGivesCorsToListedOriginsOnly() throws Exception {
        int port = gateway.httpPort();
        assertPreflightAllowed(port, APP);
        assertEquals(403, preflight(port, OTHER).statusCode());
        assertCorsAllowed(publish(port, APP), APP);
        HttpResponse<String> other = publish(port, OTHER);
        assertEquals(403, other.statusCode(), other.body());
        assertNoCors(other.headers());
        assertStream(port, APP, true);
        assertStream(port, OTHER, false);
    }

    @BeforeAll
    static void startGatewayWithAllowList() throws Exception {
        gateway = GatewayProcess.start(Map.of("GATEWAY_ALLOWED_ORIGINS", "https://app.example.com, https://admin.example.com"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    // --- helpers ---

    private static WebSocket open(int port, String origin) {
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder.buildAsync(URI.create("ws://localhost:" + port + "/ws"), new WebSocket.Listener() {
        }).join();
    }

    private static void assertRefused(int port, String origin) {
        CompletionException e = assertThrows(CompletionException.class, () -> open(port, origin),
                "a handshake from " + origin);
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
        HttpResponse<?> response = ((WebSocketHandshakeException) e.getCause()).getResponse();
        assertEquals(403, response.statusCode());
    }

    private static HttpResponse<String> preflight(int port, String origin) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/channels/job:1/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertPreflightAllowed(int port, String origin) throws Exception {
        HttpResponse<String> r = preflight(port, origin);
        assertEquals(204, r.statusCode(), r.body());
        HttpHeaders h = r.headers();
        assertEquals(origin, h.firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", h.firstValue("Access-Control-Allow-Credentials").orElse(null));
        String methods = h.firstValue("Access-Control-Allow-Methods").orElse("");
        assertTrue(methods.contains("POST") && methods.contains("GET") && methods.contains("DELETE"), methods);
        String headers = h.firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase();
        for (String name : List.of("authorization", "content-type", "last-event-id", "idempotency-key")) {
            assertTrue(headers.contains(name), name + " in " + headers);
        }
        assertTrue(h.allValues("Vary").stream().anyMatch(v -> v.contains("Origin")), h.map().toString());
    }

    private static HttpResponse<String> publish(int port, String origin) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/channels/"
                        + channel() + "/events"))
                .header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"job_log\",\"data\":{\"frame\":1}}"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertCorsAllowed(HttpResponse<String> r, String origin) {
        assertEquals(202, r.statusCode(), r.body());
        HttpHeaders h = r.headers();
        assertEquals(origin, h.firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", h.firstValue("Access-Control-Allow-Credentials").orElse(null));
        assertTrue(h.firstValue("Access-Control-Expose-Headers").orElse("").contains("Location"), h.map().toString());
        assertTrue(variesByOrigin(h), h.map().toString());
    }

    /** One Vary may list several headers (compression adds Accept-Encoding beside Origin). */
    private static boolean variesByOrigin(HttpHeaders h) {
        return h.allValues("Vary").stream().flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(String::trim).anyMatch("Origin"::equalsIgnoreCase);
    }

    private static void assertNoCors(HttpHeaders h) {
        assertFalse(h.map().keySet().stream().anyMatch(k -> k.toLowerCase().startsWith("access-control-")),
                h.map().toString());
    }

    /** An SSE stream opened from {@code origin}: it is served either way, with CORS headers only if allowed. */
    private static void assertStream(int port, String origin, boolean allowed) throws Exception {
        String channel = channel();
        try (SseTestClient sse = SseTestClient.connect(URI.create("http://localhost:" + port + "/api/stream?channel="
                + channel), Map.of("Origin", origin))) {
            assertEquals(200, sse.status());
            HttpHeaders h = sse.response().headers();
            if (allowed) {
                assertEquals(origin, h.firstValue("Access-Control-Allow-Origin").orElse(null));
                assertEquals("true", h.firstValue("Access-Control-Allow-Credentials").orElse(null));
            } else {
                assertNoCors(h);
            }
            assertNotNull(sse.next(f -> "position".equals(f.event()), WAIT), "the stream went live");
            new GatewayHttp("http://localhost:" + port).publish(channel, "job_log", "{\"frame\":2}");
            JsonObject event = sse.next(f -> "job_log".equals(f.event()), WAIT).json();
            assertEquals(channel, event.getString("channel"));
        }
    }

    private static String channel() {
        return "job:origins-" + UUID.randomUUID();
    }
}
