package io.realtime.gateway.faults;

import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Resumes as a browser's EventSource does: {@code Last-Event-ID} is the {@code id:} of the last
 * frame that carried one (events and the {@code position} frame alike).
 */
final class SseSubscriber extends ResumingSubscriber {

    private volatile SseTestClient current;

    SseSubscriber(String name, String channel, int home, TwoInstances cluster) {
        super(name, channel, home, cluster);
    }

    @Override
    String transport() {
        return "sse";
    }

    @Override
    void session(int on) throws Exception {
        String since = cursor;
        SseTestClient client = SseTestClient.connect(cluster.http(on).uri("/api/stream?channel=" + channel),
                since == null ? Map.of() : Map.of("Last-Event-ID", since));
        current = client;
        try {
            if (client.status() != 200) {
                throw new IOException("stream answered " + client.status());
            }
            while (running) {
                SseFrame f = client.next(Duration.ofMillis(200));
                if (f == null) {
                    if (client.ended().isDone()) {
                        SseFrame last = client.next(Duration.ZERO);
                        if (last == null) {
                            return;
                        }
                        f = last;
                    } else {
                        continue;
                    }
                }
                handle(f, since, on);
            }
        } finally {
            current = null;
            client.close();
        }
    }

    private void handle(SseFrame f, String since, int on) {
        if ("tick".equals(f.event())) {
            JsonObject envelope = f.json();
            checker.event(envelope.getString("id"), envelope.getJsonObject("data").getString("tag", null));
        } else if ("reset".equals(f.event())) {
            // In answer to the resume (cursor is still its id), or on the live stream (the last id).
            checker.reset(cursor);
        } else if ("position".equals(f.event())) {
            live(on);
        }
        if (f.id() != null) {
            cursor = f.id();
        }
    }

    @Override
    void drop() {
        SseTestClient c = current;
        if (c != null) {
            c.close();
        }
    }
}
