package io.realtime.gateway.testsupport;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to a gateway: publish, stats, health. */
public final class GatewayHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public GatewayHttp(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The build-started test server (port from the {@code it.http.port} system property). */
    public static GatewayHttp testServer() {
        return new GatewayHttp("http://localhost:" + System.getProperty("it.http.port", "9080"));
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build());
    }

    /** Publishes one event and returns its id; fails unless the gateway answered 202. */
    public String publish(String channel, String type, String dataJson) {
        HttpResponse<String> r = post("/api/channels/" + channel + "/events", "application/json",
                "{\"type\":\"" + type + "\",\"data\":" + dataJson + "}");
        if (r.statusCode() != 202) {
            throw new AssertionError("publish answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body()).getString("id");
    }

    public JsonObject stats() {
        return json(get("/api/realtime/stats").body());
    }

    public static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
