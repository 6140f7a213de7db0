package io.realtime.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.Tokens;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A bounded, reproducible fuzz run (fixed seed, fixed count) of the WebSocket ops and the publish
 * API: random JSON shapes (deep, wide, wrong types, duplicate keys, truncated), sizes (empty to past
 * the limits) and encodings (invalid UTF-8, UTF-16, a charset the body does not have, a gzip header
 * on plain bytes). What must hold: no 5xx and no WebSocket {@code internal} error, no stack trace or
 * class name in any answer or in the server's log, only the close codes a client can earn (1008 for
 * a bad token, 1009 for an oversized message), and a bystander subscribed throughout still connected
 * and still receiving. A failure prints the seed and the round, so it replays.
 */
final class Fuzz {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern INTERNALS = Pattern.compile(
            "\\tat |Exception|SRVE\\d|CWWK\\w*E|java\\.|jakarta\\.|io\\.realtime|org\\.jboss|resteasy", Pattern.CASE_INSENSITIVE);
    private static final String[] OPS = {"auth", "subscribe", "unsubscribe", "publish", "ping", "PUBLISH", "", "event"};
    private static final String[] NAMESPACES = {"job", "campaign", "abtest", "alerts", "system", "council", "nope", "JOB", ""};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
            "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/problem+json", null};

    private final GatewayProcess gateway;
    private final GatewayHttp http;
    private final URI ws;
    private final Tokens tokens;
    private final long seed;
    private final int rounds;
    private final Random random;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> outcomes = new TreeMap<>();

    Fuzz(GatewayProcess gateway, GatewayHttp http, URI ws, Tokens tokens, long seed, int rounds) {
        this.gateway = gateway;
        this.http = http;
        this.ws = ws;
        this.tokens = tokens;
        this.seed = seed;
        this.rounds = rounds;
        this.random = new Random(seed);
    }

    void run() throws Exception {
        int logFrom = gateway.messagesLog().length();
        String publisher = tokens.token("svc-fuzz", "publisher");
        String bystanderToken = tokens.token("bystander-f");
        try (SseTestClient sse = SseTestClient.connect(http.uri("/api/stream?channel=job:bystander"),
                Map.of("Accept", "text/event-stream", "Authorization", "Bearer " + bystanderToken));
             WsTestClient bystander = WsTestClient.connect(ws, Tokens.bearer(bystanderToken))) {
            assertEquals(200, sse.status());
            sse.next(f -> "position".equals(f.event()), WAIT);
            bystander.subscribe("job:bystander", null, WAIT);
            WsTestClient fuzzer = WsTestClient.connect(ws, Tokens.bearer(publisher));
            try {
                for (int round = 0; round < rounds; round++) {
                    String where = "seed " + seed + ", round " + round;
                    httpRound(where, publisher);
                    fuzzer = wsRound(where, fuzzer, publisher);
                }
            } finally {
                fuzzer.close();
            }
            assertEquals(202, http.post("/api/channels/job:bystander/events", "{\"type\":\"marker\",\"data\":{}}",
                    Tokens.bearer(publisher)).statusCode());
            sse.next(f -> "marker".equals(f.event()), WAIT);
            assertEquals("marker", bystander.next("event", WAIT).getString("type"));
            assertFalse(bystander.isClosed(), "the bystander's WebSocket stays open");
        }
        String log = gateway.messagesLog();
        String added = log.substring(Math.min(logFrom, log.length()));
        assertFalse(added.contains("\tat ") || added.contains("[ERROR") || added.contains("SEVERE"),
                "the fuzz run put a stack trace or an error in the server log:\n"
                        + added.substring(Math.max(0, added.length() - 4000)));
        System.out.println("Fuzz (seed " + seed + ", " + rounds + " rounds): " + outcomes);
    }

    private void httpRound(String where, String publisher) throws Exception {
        String path = switch (random.nextInt(4)) {
            case 0 -> "/api/events";
            case 1 -> "/api/alerts/rules";
            default -> "/api/channels/" + URLEncoder.encode(channel(), StandardCharsets.UTF_8) + "/events";
        };
        byte[] body = body();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.uri(path).toString()))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (random.nextInt(10) == 0) {
            request.header("Content-Encoding", random.nextBoolean() ? "gzip" : "deflate");
        }
        switch (random.nextInt(4)) {
            case 0 -> { }
            case 1 -> request.header("Authorization", "Bearer " + tokens.token("root", "admin"));
            // Garbage a header can carry (HTTP header values are visible ASCII).
            case 2 -> request.header("Authorization", "Bearer " + text(random.nextInt(40)).replaceAll("[^!-~]", "x"));
            default -> request.header("Authorization", "Bearer " + publisher);
        }
        String asked = where + ": POST " + path + " (" + contentType + ", " + body.length + " bytes, "
                + request.build().headers().map().keySet() + ")";
        HttpResponse<String> r;
        try {
            r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError(asked + ": no answer", e);
        }
        outcomes.merge("http " + r.statusCode(), 1, Integer::sum);
        String what = asked + " -> " + r.statusCode() + " " + r.body();
        assertTrue(r.statusCode() < 500, what);
        assertFalse(INTERNALS.matcher(r.body()).find(), what);
    }

    /**
     * Sends one fuzzed frame, then a barrier whose answer is this round's alone (an unsubscribe from
     * a channel never held, refused with the round's ref): every answer to the frame comes before it.
     */
    private WsTestClient wsRound(String where, WsTestClient fuzzer, String publisher) throws Exception {
        String frame = frame();
        String barrier = "barrier " + where;
        String what = where + ": frame of " + frame.length() + " chars " + abbreviate(frame);
        try {
            fuzzer.send(frame);
            fuzzer.sendOp("op", "unsubscribe", "channel", "job:barrier", "ref", barrier);
        } catch (RuntimeException e) {
            // Closed by the server while sending (an oversized frame): the close says why, once it comes
            // (waited for, not slept on: a loaded machine may take long). Still open after the bound, it
            // is the fuzzer's own mistake (a frame the client library will not send).
            if (!fuzzer.isClosed()) {
                try {
                    fuzzer.closed().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException open) {
                    throw new AssertionError(what + ": could not be sent, and the server did not close", e);
                }
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonObject reply = fuzzer.next(Duration.ofMillis(100));
            if (reply == null) {
                if (fuzzer.isClosed()) {
                    WsTestClient.Close close = fuzzer.closed().get(30, TimeUnit.SECONDS);
                    outcomes.merge("ws close " + close.code(), 1, Integer::sum);
                    assertTrue(Set.of(1008, 1009).contains(close.code()), what + " closed " + close);
                    return WsTestClient.connect(ws, Tokens.bearer(publisher));
                }
                assertTrue(System.nanoTime() < deadline, what + ": no answer to the barrier within " + WAIT);
                continue;
            }
            String op = reply.getString("op", "");
            assertFalse(INTERNALS.matcher(reply.toString()).find(), what + " -> " + reply);
            if ("error".equals(op) && barrier.equals(reply.getString("ref", null))) {
                return fuzzer;
            }
            if ("error".equals(op)) {
                outcomes.merge("ws error " + reply.getString("code", "?"), 1, Integer::sum);
                assertNotEquals("internal", reply.getString("code", ""), what + " -> " + reply);
            } else {
                outcomes.merge("ws " + op, 1, Integer::sum);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    // Generators --------------------------------------------------------------------------------

    private byte[] body() {
        int kind = random.nextInt(10);
        String json = switch (kind) {
            case 0 -> "";
            case 1 -> truncate(event());
            case 2 -> "[" + String.join(",", java.util.Collections.nCopies(random.nextInt(30), event())) + "]";
            case 3 -> value(0);
            default -> event();
        };
        return switch (random.nextInt(8)) {
            case 0 -> json.getBytes(StandardCharsets.UTF_16);
            case 1 -> withInvalidUtf8(json.getBytes(StandardCharsets.UTF_8));
            case 2 -> json.getBytes(StandardCharsets.ISO_8859_1);
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
    }

    private byte[] withInvalidUtf8(byte[] utf8) {
        byte[] out = java.util.Arrays.copyOf(utf8, utf8.length + 3);
        int at = utf8.length == 0 ? 0 : random.nextInt(utf8.length);
        System.arraycopy(utf8, at, out, at + 3, utf8.length - at);
        out[at] = (byte) 0xC3;
        out[at + 1] = (byte) 0x28;
        out[at + 2] = (byte) 0xFF;
        return out;
    }

    private String frame() {
        return switch (random.nextInt(12)) {
            case 0 -> truncate(op());
            case 1 -> value(0);
            case 2 -> "{\"op\":\"publish\",\"channel\":\"job:fz\",\"type\":\"t\",\"data\":{\"s\":\""
                    + "x".repeat(70_000) + "\"}}"; // past the frame limit: close 1009
            case 3 -> "{\"op\":\"ping\",\"op\":" + quote(text(8)) + "}"; // a duplicate key
            default -> op();
        };
    }

    private String op() {
        StringBuilder b = new StringBuilder("{");
        String op = random.nextInt(6) == 0 ? text(random.nextInt(20)) : OPS[random.nextInt(OPS.length)];
        b.append("\"op\":").append(random.nextInt(15) == 0 ? value(1) : quote(op));
        if ("auth".equals(op) && random.nextInt(3) > 0) {
            // A wrong or unreadable token closes the socket (1008): not every round.
            b.append(",\"token\":").append(quote(random.nextBoolean() ? tokens.token("svc-fuzz", "publisher") : text(50)));
        } else if ("auth".equals(op)) {
            b.append(",\"token\":").append(random.nextBoolean() ? value(1) : quote(""));
        }
        maybe(b, "channel", () -> random.nextInt(4) == 0 ? value(1) : quote(channel()));
        maybe(b, "type", () -> random.nextInt(4) == 0 ? value(1) : quote(type()));
        maybe(b, "data", () -> random.nextInt(3) == 0 ? value(0) : object(0));
        maybe(b, "since", () -> random.nextBoolean() ? quote(random.nextLong() + "-" + random.nextInt()) : value(2));
        maybe(b, "ref", () -> value(2));
        maybe(b, "fallback", () -> quote(random.nextBoolean() ? "local" : text(6)));
        maybe(b, "idempotencyKey", () -> random.nextBoolean() ? quote(text(random.nextInt(200))) : value(2));
        return b.append('}').toString();
    }

    private String event() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"type\":").append(random.nextInt(5) == 0 ? value(1) : quote(type()));
        b.append(",\"channel\":").append(quote(channel()));
        maybe(b, "data", () -> random.nextInt(4) == 0 ? value(0) : object(0));
        maybe(b, "userId", () -> quote(text(10)));
        maybe(b, "campaignId", () -> quote(text(10)));
        maybe(b, "metric", () -> quote(random.nextBoolean() ? "spend" : text(5)));
        maybe(b, "operator", () -> quote(random.nextBoolean() ? "above" : text(5)));
        maybe(b, "threshold", this::number);
        return b.append('}').toString();
    }

    private void maybe(StringBuilder b, String key, java.util.function.Supplier<String> value) {
        if (random.nextInt(3) > 0) {
            b.append(",\"").append(key).append("\":").append(value.get());
        }
    }

    private String channel() {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        return switch (random.nextInt(6)) {
            case 0 -> text(random.nextInt(300)).replace('/', '.');
            case 1 -> ns;
            default -> ns + ":fz-" + (random.nextInt(3) == 0 ? text(8).replace('/', '.') : String.valueOf(random.nextInt(20)));
        };
    }

    private String type() {
        return switch (random.nextInt(6)) {
            case 0 -> List.of("reset", "unauthorized", "shutdown", "position", "error", "open").get(random.nextInt(6));
            case 1 -> text(random.nextInt(80));
            case 2 -> List.of("metrics_update", "job_progress", "abtest_update", "job_completed").get(random.nextInt(4));
            default -> "t" + random.nextInt(100);
        };
    }

    private String value(int depth) {
        int kind = random.nextInt(depth > 5 ? 4 : 7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> number();
            case 3 -> quote(text(random.nextInt(random.nextInt(10) == 0 ? 5000 : 40)));
            case 4 -> object(depth + 1);
            case 5 -> array(depth + 1);
            default -> random.nextInt(4) == 0 ? deep(random.nextInt(3000)) : object(depth + 1);
        };
    }

    private String object(int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = random.nextInt(depth > 3 ? 3 : 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quote(random.nextInt(4) == 0 ? text(6) : "k" + random.nextInt(5))).append(':').append(value(depth + 1));
        }
        return b.append('}').toString();
    }

    private String array(int depth) {
        StringBuilder b = new StringBuilder("[");
        int n = random.nextInt(depth > 3 ? 3 : 10);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(value(depth + 1));
        }
        return b.append(']').toString();
    }

    /** Nesting past every depth limit. */
    private static String deep(int levels) {
        return "[".repeat(levels) + "]".repeat(levels);
    }

    private String number() {
        return switch (random.nextInt(10)) {
            case 0 -> "1e400";
            case 1 -> "-1e400";
            case 2 -> "1e-400";
            case 3 -> "123456789012345678901234567890";
            case 4 -> "-0";
            case 5 -> "1.7976931348623157e308";
            case 6 -> "9223372036854775808";
            default -> String.valueOf(random.nextInt(2) == 0 ? random.nextInt(1000) : random.nextDouble() * 1e6);
        };
    }

    private String truncate(String json) {
        return json.isEmpty() ? json : json.substring(0, random.nextInt(json.length()));
    }

    /** Text with what breaks naive handling: controls, quotes, separators, surrogates, RTL, emoji. */
    private String text(int length) {
        String[] pieces = {"a", "Z", "0", ":", "-", "_", ".", " ", "\n", "\r", "\t", "\u0000", "\u001b", "\"", "\\",
                "\u2028", "\u202e", "é", "中", "\ud83d\ude00", "\ud800", "%0a", "${jndi:x}", "<script>", "[AUDIT   ] "};
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    /** A JSON string of any text (escaped as JSON requires; lone surrogates as \\u escapes). */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
