package io.realtime.gateway.stream.council;

import java.util.function.BiConsumer;

/**
 * Turns the lines of a {@code text/event-stream} into events, as the WHATWG HTML standard's
 * "interpreting an event stream" says: {@code field: value} lines (one leading space dropped),
 * {@code data} lines joined with newlines, a blank line dispatches, lines starting with {@code :}
 * are comments, an event without {@code event:} is a {@code message}. Jakarta REST's
 * {@code SseEventSource} would do this, but it only ever sends GET and every provider's streaming
 * call is a POST, so the few rules are kept here. Not thread-safe: one per stream.
 */
final class SseLines {

    private final BiConsumer<String, String> events;
    private final StringBuilder data = new StringBuilder();
    private String event;
    private boolean hasData;

    /** @param events receives (event name, data) for each dispatched event */
    SseLines(BiConsumer<String, String> events) {
        this.events = events;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> {
                // id and retry mean nothing for a one-shot answer
            }
        }
    }

    /** The stream ended: an event not yet dispatched is dropped, as the standard says. */
    private void dispatch() {
        if (hasData) {
            events.accept(event == null || event.isEmpty() ? "message" : event, data.toString());
        }
        data.setLength(0);
        hasData = false;
        event = null;
    }
}
