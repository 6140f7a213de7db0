package io.realtime.gateway.faults;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Resumes as DESIGN §6 says: {@code subscribe} with {@code since} the last event's id, or, before
 * any event, the {@code position} of the last {@code subscribed}; {@code recovered:false} after a
 * {@code since} is a reset, and so is one the gateway pushes unasked (no {@code ref}) on a live
 * subscription whose events history lost. One HttpClient for all of them, so a storm of hundreds costs no more
 * than their sockets.
 */
final class WsSubscriber extends ResumingSubscriber {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private volatile WebSocket current;

    WsSubscriber(String name, String channel, int home, TwoInstances cluster) {
        super(name, channel, home, cluster);
    }

    @Override
    String transport() {
        return "ws";
    }

    @Override
    void session(int on) throws Exception {
        BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        URI uri = URI.create(cluster.http(on).uri("/ws").toString().replaceFirst("^http", "ws"));
        WebSocket ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener(messages, closed)).get(10, TimeUnit.SECONDS);
        current = ws;
        try {
            String since = cursor;
            ws.sendText(Json.createObjectBuilder().add("op", "subscribe").add("channel", channel).add("ref", name)
                    .addAll(since == null ? Json.createObjectBuilder() : Json.createObjectBuilder().add("since", since))
                    .build().toString(), true).get(10, TimeUnit.SECONDS);
            boolean gotEvent = false;
            while (running) {
                JsonObject m = messages.poll(200, TimeUnit.MILLISECONDS);
                if (m == null) {
                    if ((closed.isDone() || ws.isInputClosed()) && messages.isEmpty()) {
                        return;
                    }
                    continue;
                }
                switch (m.getString("op", "")) {
                    case "event" -> {
                        checker.event(m.getString("id"), m.getJsonObject("data").getString("tag", null));
                        cursor = m.getString("id");
                        gotEvent = true;
                    }
                    case "subscribed" -> {
                        if (!m.containsKey("ref")) {
                            // Pushed on the live subscription: events were lost on their way (DESIGN §6).
                            if (!m.getBoolean("recovered", true)) {
                                checker.reset(cursor);
                            }
                            continue;
                        }
                        if (since != null && !m.getBoolean("recovered", true)) {
                            checker.reset(since);
                        }
                        if (cursor == null && !gotEvent && m.containsKey("position") && !m.isNull("position")) {
                            cursor = m.getString("position");
                        }
                        live(on);
                    }
                    case "error" -> {
                        // e.g. unavailable while Redis is away: try again on a new connection
                        ws.abort();
                        return;
                    }
                    default -> { }
                }
            }
        } finally {
            current = null;
            ws.abort();
        }
    }

    @Override
    void drop() {
        WebSocket ws = current;
        if (ws != null) {
            ws.abort();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<JsonObject> messages;
        private final CompletableFuture<Void> closed;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<JsonObject> messages, CompletableFuture<Void> closed) {
            this.messages = messages;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                // A server frame may carry several messages, one per line (DESIGN §6).
                for (String line : partial.toString().split("\n")) {
                    messages.add(Json.createReader(new StringReader(line)).readObject());
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(null);
        }
    }
}
