package io.realtime.gateway.broker;

import io.realtime.gateway.event.EventId;

/**
 * A gap a broker found in what it fired for a channel: events with ids above {@code after} and
 * below {@code upTo} may have been accepted and are in no history any more (Redis lost the stream,
 * or trimmed it before a catch-up could read it), so this instance's subscribers never got them.
 * Fired as a CDI event, in order with the channel's events: after every event at or below
 * {@code after}, before the events the catch-up still found.
 *
 * @param after the channel's position here: every local subscriber had everything up to it
 * @param upTo  the first id the history still holds after {@code after} (or its top when it holds
 *              none): a subscriber whose last id is at or above it missed nothing
 */
public record HistoryGap(String channel, EventId after, EventId upTo) {
}
