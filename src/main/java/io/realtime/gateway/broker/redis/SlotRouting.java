package io.realtime.gateway.broker.redis;

import io.realtime.gateway.redis.Backoff;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Where a channel's subscription goes when Redis sends it elsewhere or refuses it: a {@code MOVED}
 * or {@code ASK} refusal, or a sharded subscription Redis dropped (its slot moved), sends the channel
 * at once to the link of the node that serves its slot now; any other refusal ({@code NOPERM} for an
 * ACL user, an unknown {@code SSUBSCRIBE} on Redis 6) would be refused again at once, so it is retried
 * with jittered back-off from the liveness check while the channel is held locally.
 */
final class SlotRouting {

    private static final Logger LOG = Logger.getLogger(SlotRouting.class.getName());

    private final RedisSettings settings;
    private final RedisConnector connector;
    /** The link of a node, started on first use. */
    private final Function<HostAndPort, SubscriberLink> linkTo;
    /** The channels held now, by name: a channel released meanwhile is not routed again. */
    private final Map<String, ChannelState> states;

    SlotRouting(RedisSettings settings, RedisConnector connector, Function<HostAndPort, SubscriberLink> linkTo,
                Map<String, ChannelState> states) {
        this.settings = settings;
        this.connector = connector;
        this.linkTo = linkTo;
        this.states = states;
    }

    /** Redis refused to subscribe these channels. */
    void refused(List<ChannelState> refused, JedisDataException error) {
        String message = String.valueOf(error.getMessage());
        if (message.startsWith("MOVED") || message.startsWith("ASK")) {
            // The slot lives elsewhere now: go there at once.
            LOG.log(Level.INFO, "Redis moved {0}: {1}", new Object[] {refused, message});
            connector.refreshTopology();
            for (ChannelState state : refused) {
                if (states.get(state.channel) == state) {
                    reroute(state);
                }
            }
            return;
        }
        long now = System.currentTimeMillis();
        for (ChannelState state : refused) {
            int attempts = state.refusals.incrementAndGet();
            long delay = retryDelayMs(attempts);
            state.retrySubscribeAtMs = now + delay;
            LOG.log(attempts == 1 ? Level.WARNING : Level.FINE,
                    "Redis refused the subscription to {0} ({1}); retrying in {2} ms",
                    new Object[] {state, message, delay});
        }
    }

    /** Subscribes again the channels Redis refused, once their back-off is over (from the liveness check). */
    void retryRefused(Collection<ChannelState> held) {
        long now = System.currentTimeMillis();
        for (ChannelState state : held) {
            long at = state.retrySubscribeAtMs;
            if (at != 0 && now >= at && !state.subscribed.isDone()) {
                state.retrySubscribeAtMs = 0;
                try {
                    connector.refreshTopology();
                    reroute(state);
                } catch (JedisException e) {
                    // Still no master for its slot: try again later, backing off.
                    int attempts = state.refusals.incrementAndGet();
                    state.retrySubscribeAtMs = now + retryDelayMs(attempts);
                    LOG.log(attempts == 1 ? Level.WARNING : Level.FINE, "No Redis Cluster master for {0} yet: {1}",
                            new Object[] {state, e.toString()});
                }
            }
        }
    }

    /** Redis dropped a sharded subscription by itself: its slot moved. */
    void dropped(ChannelState state) {
        LOG.log(Level.INFO, "Redis dropped the subscription to {0} (slot moved?): subscribing again", state.channel);
        connector.refreshTopology();
        reroute(state);
    }

    /**
     * A cluster link was lost: its channels whose slots moved (a failover) go on with their new
     * masters now.
     *
     * @param first whether this is the first failure of the link's outage (logged as a warning)
     * @return false when the slot map could not be read (the link's next attempt tries again)
     */
    boolean linkLost(SubscriberLink link, List<ChannelState> carried, boolean first) {
        try {
            connector.refreshTopology();
            for (ChannelState state : carried) {
                if (!connector.nodeFor(state.slot).equals(link.node())) {
                    reroute(state);
                }
            }
            return true;
        } catch (JedisException e) {
            // No node answers yet (a failover under way): seen once per outage at WARNING, each
            // retry at FINE.
            LOG.log(first ? Level.WARNING : Level.FINE, "Redis Cluster topology not available after losing the link to "
                    + link.node() + " (" + e + "); retrying", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Rerouting the channels of the lost link to " + link.node() + " failed", e);
        }
        return false;
    }

    /** Moves a channel to the link of the node that serves its slot now, catching up on arrival. */
    void reroute(ChannelState state) {
        SubscriberLink target = linkTo.apply(connector.nodeFor(state.slot));
        state.link = target;
        target.subscribe(state, true);
    }

    private long retryDelayMs(int attempts) {
        return Backoff.delayMs(settings.reconnectMin().toMillis(), settings.reconnectMax().toMillis(), attempts);
    }
}
