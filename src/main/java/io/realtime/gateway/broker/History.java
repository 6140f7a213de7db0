package io.realtime.gateway.broker;

import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.util.List;

/**
 * What a broker's history answered for a resume.
 *
 * @param events   events after the requested id, oldest first
 * @param complete false when history no longer reaches back to the requested id (trimmed, expired
 *                 or lost): the subscriber must be told to reload (a {@code reset})
 * @param top      the channel's current position: the id of its last event, or a position below any
 *                 future id when it has none. A subscriber that resumes from it misses nothing.
 */
public record History(List<ChannelEvent> events, boolean complete, EventId top) {
}
