package io.realtime.gateway.event;

import java.util.List;

/**
 * What a channel's history answered for a resume (the broker reads it, the core and the APIs pass it
 * on; on the ground floor, with the events it holds, so no floor above the core names the broker).
 *
 * @param events   events after the requested id, oldest first
 * @param complete false when history no longer reaches back to the requested id (trimmed, expired
 *                 or lost): the subscriber must be told to reload (a {@code reset})
 * @param top      the channel's current position: the id of its last event, or a position below any
 *                 future id when it has none. A subscriber that resumes from it misses nothing.
 */
public record History(List<ChannelEvent> events, boolean complete, EventId top) {
}
