package io.realtime.gateway.testsupport;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;

/** One dispatched SSE frame as a browser would see it (comments are kept apart, as text). */
public record SseFrame(String id, String event, String data, String retry, String comment) {

    public JsonObject json() {
        return Json.createReader(new StringReader(data)).readObject();
    }

    public boolean isComment() {
        return comment != null && event == null && data == null;
    }
}
