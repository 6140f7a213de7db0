package io.realtime.gateway.channel;

/**
 * The channel core's seam for whoever needs to know who holds a channel (presence, DESIGN §11):
 * told of each subscription that goes live and each that ends, in the order they happen for a channel.
 *
 * <p>Both calls are made holding the channel's subscriber monitor (the lock order of
 * {@link ChannelManager}), which is what keeps them in order: an implementation records and returns,
 * never blocks, never calls back into the core. {@link #watches} is asked once when a channel gets its
 * first local subscriber: a channel it answers false for costs nothing afterwards.
 */
public interface SubscriptionWatch {

    /** Watches nothing: the core's default when no watch is deployed. */
    SubscriptionWatch NONE = new SubscriptionWatch() {
        @Override
        public boolean watches(String channel) {
            return false;
        }

        @Override
        public void subscribed(Subscriber subscriber, String channel, String info) {
        }

        @Override
        public void unsubscribed(Subscriber subscriber, String channel) {
        }
    };

    /** Whether subscriptions of this channel are of interest (its namespace has presence on). */
    boolean watches(String channel);

    /**
     * A subscription went live (its replay delivered); again for a subscribe to a channel the
     * subscriber already held.
     *
     * @param info what the client sent along with the subscribe (compact JSON), or null
     */
    void subscribed(Subscriber subscriber, String channel, String info);

    /** A subscription ended (unsubscribe, or its connection closed). */
    void unsubscribed(Subscriber subscriber, String channel);
}
