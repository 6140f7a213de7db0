package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;
import java.util.List;
import java.util.Set;

/**
 * How a publish went, in the core's own words: the transports and the HTTP API answer from this and
 * need no broker type (the broker's {@code Publication} stays below the core).
 *
 * @param events     the published events, in the drafts' order; for a retry of an earlier publish
 *                   (same idempotency key), the event as first published, with its first id
 * @param cluster    every event is in the shared history and goes to every instance; false when some or
 *                   all reached this instance's subscribers only (single instance, or Redis unreachable)
 * @param duplicates positions (in {@code events}) of retries that published nothing
 */
public record PublishOutcome(List<ChannelEvent> events, boolean cluster, Set<Integer> duplicates) {

    /** The wire word of DESIGN §4 ({@code "delivery"}): {@code cluster} or {@code local}. */
    public String delivery() {
        return cluster ? "cluster" : "local";
    }

    public boolean duplicate(int index) {
        return duplicates.contains(index);
    }
}
