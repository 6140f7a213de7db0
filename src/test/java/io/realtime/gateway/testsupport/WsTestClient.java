package io.realtime.gateway.testsupport;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client over a real socket (JDK HttpClient) that collects the server's JSON messages.
 * A frame may carry several messages separated by newlines (DESIGN §6); they are split here, and
 * {@link #framesReceived()} counts the frames themselves.
 */
public final class WsTestClient implements AutoCloseable {

    /** How the server closed the connection. */
    public record Close(int code, String reason) {
    }

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicInteger textFrames = new java.util.concurrent.atomic.AtomicInteger();
    private final WebSocket socket;

    private WsTestClient(HttpClient http, URI uri, java.util.Map<String, String> headers) {
        // The WebSocket builder's connect timeout bounds the whole opening handshake, not only the TCP
        // connect: 5 s failed a handshake that a server at a load of 35 answered later (ServerStopIT,
        // "request timed out"). A bound for a loaded machine; a refused handshake still fails at once.
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(HANDSHAKE_TIMEOUT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    public static WsTestClient connect(URI uri) {
        return new WsTestClient(HttpClient.newHttpClient(), uri, java.util.Map.of());
    }

    /** With handshake headers (Authorization, Cookie, Origin, ...). */
    public static WsTestClient connect(URI uri, java.util.Map<String, String> headers) {
        return new WsTestClient(HttpClient.newHttpClient(), uri, headers);
    }

    /** Through a client of the caller's, e.g. one that trusts a test certificate for {@code wss:}. */
    public static WsTestClient connect(HttpClient http, URI uri) {
        return new WsTestClient(http, uri, java.util.Map.of());
    }

    public WsTestClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** The next frame, or null after the timeout. */
    public JsonObject next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next frame with this op (others skipped); fails after the timeout. */
    public JsonObject next(String op, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no '" + op + "' frame within " + timeout);
            }
            if (op.equals(frame.getString("op", null))) {
                return frame;
            }
        }
    }

    /** The next {@code n} {@code event} frames, in order. */
    public List<JsonObject> events(int n, Duration timeout) throws InterruptedException {
        List<JsonObject> out = new ArrayList<>(n);
        while (out.size() < n) {
            out.add(next("event", timeout));
        }
        return out;
    }

    /** Text frames received so far (each holding one message or more). */
    public int framesReceived() {
        return textFrames.get();
    }

    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** Stops reading: frames pile up server-side, as with a stalled client. */
    public void stallReading() {
        stalled = true;
    }

    /** Reads again after {@link #stallReading()}. */
    public void resumeReading() {
        stalled = false;
        socket.request(1);
    }

    /** Sends a JSON object frame built from alternating keys and string values (null values left out). */
    public WsTestClient sendOp(String... keysAndValues) {
        jakarta.json.JsonObjectBuilder b = Json.createObjectBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                b.add(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return send(b.build().toString());
    }

    /** Subscribes and returns the {@code subscribed} reply (other frames before it are skipped). */
    public JsonObject subscribe(String channel, String since, Duration timeout) throws InterruptedException {
        String ref = "s-" + java.util.UUID.randomUUID();
        sendOp("op", "subscribe", "channel", channel, "since", since, "ref", ref);
        JsonObject reply = next("subscribed", timeout);
        if (!ref.equals(reply.getString("ref", null))) {
            throw new AssertionError("subscribed reply for another request: " + reply);
        }
        return reply;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    private volatile boolean stalled;

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                textFrames.incrementAndGet();
                for (String message : partial.toString().split("\n")) {
                    frames.add(Json.createReader(new StringReader(message)).readObject());
                }
                partial.setLength(0);
            }
            if (!stalled) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            if (!stalled) {
                webSocket.request(1);
            }
            return null; // the JDK client answers with a pong itself
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(-1, String.valueOf(error)));
        }
    }
}
