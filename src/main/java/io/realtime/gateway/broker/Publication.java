package io.realtime.gateway.broker;

import io.realtime.gateway.event.ChannelEvent;
import java.util.List;

/**
 * The outcome of an accepted publish.
 *
 * @param events   the published events, in the drafts' order
 * @param delivery {@link Delivery#CLUSTER} when every event is in the shared history; {@link Delivery#LOCAL}
 *                 when some or all reached this instance's subscribers only
 */
public record Publication(List<ChannelEvent> events, Delivery delivery) {
}
