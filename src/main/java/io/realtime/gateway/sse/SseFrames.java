package io.realtime.gateway.sse;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventEncoding;
import io.realtime.gateway.event.EventTypes;

/**
 * The frames SSE streams send. An event's frame for single-channel streams is made once and shared
 * by every such stream; the constant frames are made once for the application.
 */
final class SseFrames {

    private final EventEncoding<SseFrame> single =
            new EventEncoding<>("sse", e -> SseFrame.event(EventTypes.sseEventName(e.type()), e.id().toString(), e.json()));
    private final SseFrame connected = SseFrame.comment("connected");
    private final SseFrame heartbeat = SseFrame.comment("ping");

    /** The event on a stream of one channel, whose cursor is the event's own id: shared. */
    SseFrame single(ChannelEvent event) {
        return event.encoded(single);
    }

    /** The event on a stream of several channels, under that stream's cursor. */
    SseFrame event(ChannelEvent event, String cursor) {
        return SseFrame.event(EventTypes.sseEventName(event.type()), cursor, event.json());
    }

    SseFrame control(String name, String data) {
        return SseFrame.control(name, null, data, -1);
    }

    /** {@code event: position}, the stream's cursor as {@code id:}, and the {@code retry:} delay. */
    SseFrame position(String cursor, long retryMs) {
        return SseFrame.control("position", cursor, "{\"position\":\"" + cursor + "\"}", retryMs);
    }

    SseFrame connected() {
        return connected;
    }

    SseFrame heartbeat() {
        return heartbeat;
    }
}
