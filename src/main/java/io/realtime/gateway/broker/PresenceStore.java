package io.realtime.gateway.broker;

import java.time.Duration;
import java.util.List;

/**
 * Where the members of channels are kept when they are shared by every instance (DESIGN §11): the
 * Redis broker's. Without one, each instance knows its own members and there are no others.
 *
 * <p>Every member carries an expiry that the instance holding it moves forward ({@link #apply} with a
 * join of a member already there is a refresh); a member whose instance stopped doing so is removed
 * by the next read or sweep, and its leave announced once.
 */
public interface PresenceStore {

    /**
     * One member's change.
     *
     * @param join     true: add or refresh; false: remove
     * @param announce announce the join (if new) or leave (if it was there) on the channel
     */
    record Change(String channel, String memberId, String json, boolean join, boolean announce) {
    }

    /** Members as JSON objects, in member id order; {@code next} is the cursor of the next page, or null. */
    record Page(List<String> members, String next) {
    }

    /** A channel's member count and its distinct named users. */
    record Counts(int connections, int users) {
    }

    /** Receives announced joins and leaves, from this instance and every other: the subscriber link's thread. */
    interface Listener {
        void signal(String channel, String kind, String memberId, String memberJson);
    }

    /**
     * Applies the changes in order, a channel's together, all in one round trip.
     *
     * @throws UnavailableException when the store cannot be reached: none is known to be in
     */
    void apply(List<Change> changes, Duration ttl);

    /**
     * Removes the members of these channels whose expiry passed, announcing their leave where
     * {@code announce} says, in one round trip.
     *
     * @throws UnavailableException when the store cannot be reached
     */
    void sweep(List<String> channels, java.util.function.Predicate<String> announce);

    /** @throws UnavailableException when the store cannot be reached */
    Page members(String channel, String after, int limit, boolean announce);

    /** @throws UnavailableException when the store cannot be reached */
    Counts counts(String channel, boolean announce);

    /** Where announced joins and leaves go from now on. */
    void listen(Listener listener);
}
