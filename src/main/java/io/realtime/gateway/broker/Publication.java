package io.realtime.gateway.broker;

import io.realtime.gateway.event.ChannelEvent;
import java.util.List;
import java.util.Set;

/**
 * The outcome of an accepted publish.
 *
 * @param events     the published events, in the drafts' order; for a retry of an earlier publish
 *                   (same idempotency key), the event as first published, with its first id
 * @param delivery   {@link Delivery#CLUSTER} when every event is in the shared history; {@link Delivery#LOCAL}
 *                   when some or all reached this instance's subscribers only
 * @param duplicates positions (in {@code events}) of retries that published nothing
 */
public record Publication(List<ChannelEvent> events, Delivery delivery, Set<Integer> duplicates) {

    public Publication(List<ChannelEvent> events, Delivery delivery) {
        this(events, delivery, Set.of());
    }

    public boolean duplicate(int index) {
        return duplicates.contains(index);
    }
}
