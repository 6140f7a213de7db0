package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.FreePorts;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The nginx configuration of deploy/nginx, as shipped, in front of the build's test server: a real
 * nginx (Debian's, on loopback) checks it with {@code nginx -t}, then carries SSE and WebSocket
 * through it. Only the listen address and the upstream (compose's service names) are the test's own.
 */
class NginxProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Debian's, also for a user whose PATH lacks /usr/sbin; NGINX=... picks another. */
    private static final String NGINX = System.getenv().getOrDefault("NGINX",
            Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx");
    private static Path dir;
    private static Process nginx;
    private static int port;

    @BeforeAll
    static void startNginx() throws Exception {
        dir = Files.createTempDirectory("nginx-it-");
        dir.toFile().setWritable(true, false); // the workers may run as nobody
        port = FreePorts.next();
        String shipped = Files.readString(Path.of("deploy/nginx/gateway.conf"));
        assertEquals(1, shipped.split("listen 80;", -1).length - 1, "one listen 80; to move to a free port");
        Files.writeString(dir.resolve("gateway.conf"), shipped.replace("listen 80;", "listen 127.0.0.1:" + port + ";"));
        assertTrue(Files.readString(Path.of("deploy/nginx/upstream.conf")).contains("upstream gateway {"));
        Files.writeString(dir.resolve("upstream.conf"), "upstream gateway {\n    server 127.0.0.1:"
                + GatewayHttp.testServerPort() + ";\n    keepalive 8;\n}\n");
        StringBuilder temp = new StringBuilder();
        for (String kind : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            temp.append("    ").append(kind).append("_temp_path ").append(dir.resolve(kind)).append(";\n");
        }
        Files.writeString(dir.resolve("nginx.conf"), "worker_processes 1;\ndaemon off;\npid " + dir.resolve("nginx.pid")
                + ";\nerror_log " + dir.resolve("error.log") + " warn;\nevents { worker_connections 256; }\nhttp {\n"
                + "    access_log off;\n" + temp + "    include " + dir.resolve("upstream.conf") + ";\n    include "
                + dir.resolve("gateway.conf") + ";\n}\n");

        Process test = new ProcessBuilder(NGINX, "-t", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()).redirectErrorStream(true).start();
        String out = new String(test.getInputStream().readAllBytes());
        assertTrue(test.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, test.exitValue(), "nginx -t: " + out);
        assertTrue(out.contains("syntax is ok") && out.contains("test is successful"), out);

        nginx = new ProcessBuilder(NGINX, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        FreePorts.awaitListening(port, nginx, WAIT, () -> {
            try {
                return Files.readString(dir.resolve("error.log"));
            } catch (IOException e) {
                return e.toString();
            }
        });
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void serverSentEventsPassThroughUnbuffered() throws Exception {
        GatewayHttp viaNginx = new GatewayHttp("http://127.0.0.1:" + port);
        String channel = "job:nginx-" + UUID.randomUUID();
        try (SseTestClient sse = SseTestClient.connect(viaNginx.uri("/api/stream?channel=" + channel))) {
            assertEquals(200, sse.status());
            assertEquals("text/event-stream", sse.response().headers().firstValue("Content-Type").orElse("")
                    .split(";")[0]);
            // The position frame is a few dozen bytes: a buffering proxy would sit on it.
            SseFrame position = sse.next(f -> "position".equals(f.event()), WAIT);
            for (int i = 0; i < 3; i++) {
                String id = viaNginx.publish(channel, "job_log", "{\"frame\":" + i + "}");
                SseFrame event = sse.next(f -> "job_log".equals(f.event()), WAIT);
                assertEquals(id, event.json().getString("id"), "each event arrives as it is published");
            }
            assertTrue(position.id() != null);
        }
    }

    @Test
    void webSocketUpgradesThroughNginx() throws Exception {
        String channel = "job:nginx-ws-" + UUID.randomUUID();
        try (WsTestClient ws = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"))) {
            ws.subscribe(channel, null, WAIT);
            ws.send("{\"op\":\"publish\",\"channel\":\"" + channel + "\",\"type\":\"job_log\",\"data\":{\"frame\":2},\"ref\":\"p2\"}");
            // The ack and the event race (the event goes out on the fan-out thread): take both, in either order.
            JsonObject first = ws.next(WAIT);
            JsonObject second = ws.next(WAIT);
            assertTrue(first != null && second != null, "an ack and an event: " + first + ", " + second);
            JsonObject ack = "ack".equals(first.getString("op", null)) ? first : second;
            JsonObject event = ack == first ? second : first;
            assertEquals("event", event.getString("op", null), event.toString());
            assertEquals(channel, event.getString("channel"), event.toString());
            assertEquals(ack.getString("id"), event.getString("id"), "the event published through the same socket");
        }
    }

    /** The browser's Host (with its port) reaches the gateway, so a page served through nginx is its own origin. */
    @Test
    void aPageServedThroughNginxOpensItsWebSocket() {
        String page = "http://127.0.0.1:" + port;
        HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", page)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                }).join().sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void probesAndMetricsStayInside() {
        GatewayHttp viaNginx = new GatewayHttp("http://127.0.0.1:" + port);
        assertEquals(404, viaNginx.get("/metrics").statusCode());
        assertEquals(404, viaNginx.get("/health/ready").statusCode());
        assertEquals(200, viaNginx.get("/api/realtime/stats").statusCode());
    }
}
