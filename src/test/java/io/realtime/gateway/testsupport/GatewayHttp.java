package io.realtime.gateway.testsupport;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Plain HTTP calls to a gateway: publish, stats, health. */
public final class GatewayHttp {

    /**
     * HTTP/1.1, as a browser speaks to a cleartext server (browsers never attempt h2c), and so
     * that every request is a request of its own rather than a stream on a shared connection.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One event of a batch. */
    public record Item(String channel, String type, String dataJson) {
    }

    private final String base;

    public GatewayHttp(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The build-started test server (port from the {@code it.http.port} system property). */
    public static GatewayHttp testServer() {
        return new GatewayHttp("http://localhost:" + testServerPort());
    }

    public static int testServerPort() {
        return Integer.parseInt(System.getProperty("it.http.port", "9080"));
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return post(path, contentType, HttpRequest.BodyPublishers.ofString(body));
    }

    public HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    /** A JSON POST with extra headers (e.g. {@code Idempotency-Key}). */
    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> get(String path) {
        return get(path, Map.of());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** Any method, with or without a body. */
    public HttpResponse<String> request(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
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

    /** Publishes a batch and returns the ids in order; fails unless the gateway answered 202. */
    public List<String> publishBatch(List<Item> items) {
        HttpResponse<String> r = post("/api/events", "application/json", batchJson(items));
        if (r.statusCode() != 202) {
            throw new AssertionError("batch publish answered " + r.statusCode() + ": " + r.body());
        }
        JsonArray ids = json(r.body()).getJsonArray("ids");
        return ids.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    public static String batchJson(List<Item> items) {
        StringBuilder sb = new StringBuilder("[");
        for (Item item : items) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"channel\":").append(Json.createValue(item.channel()))
                    .append(",\"type\":").append(Json.createValue(item.type()))
                    .append(",\"data\":").append(item.dataJson()).append('}');
        }
        return sb.append(']').toString();
    }

    /**
     * Waits until the gateway holds no connection, subscription or channel: the clients of an earlier
     * test have been noticed gone (which takes a heartbeat for a client that just vanished).
     */
    public void awaitIdle(Duration timeout) {
        Await.until(timeout, "no connection left from an earlier test", this::stats,
                s -> s.getJsonObject("connections").getInt("total") == 0 && s.getInt("subscriptions") == 0
                        && s.getInt("channels") == 0);
    }

    public JsonObject stats() {
        HttpResponse<String> r = get("/api/realtime/stats");
        if (r.statusCode() != 200) {
            throw new AssertionError("stats answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body());
    }

    /** A number out of the stats document by path, e.g. {@code "connections.sse"}. */
    public long stat(String path) {
        JsonObject o = stats();
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            o = o.getJsonObject(parts[i]);
        }
        return o.getJsonNumber(parts[parts.length - 1]).longValue();
    }

    public static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** A JSON array of strings, e.g. the ids of a batch. */
    public static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        values.forEach(b::add);
        return b;
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
