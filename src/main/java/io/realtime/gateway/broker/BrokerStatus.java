package io.realtime.gateway.broker;

/**
 * What a broker reports to health and stats.
 *
 * @param mode               {@code local} or {@code redis} (or {@code redis-cluster})
 * @param connected          whether the shared engine answers commands (always true for local)
 * @param degraded           cluster mode configured, but delivering locally only for now: Redis is
 *                           unreachable or the subscriber link is down
 * @param detail             a short human-readable state, e.g. the last connection error
 * @param subscriberAlive    the subscriber link(s) answered a ping recently (true for local): a
 *                           wedged subscriber shows here even while publishes still succeed
 * @param reconnects         subscriber links re-established after a loss since start
 * @param subscribedChannels channels this instance holds in the shared engine
 * @param localOnlyPublishes events accepted while the shared engine was unreachable and delivered to
 *                           this instance's subscribers only
 * @param refusedPublishes   publishes refused because the shared engine was unreachable
 */
public record BrokerStatus(String mode, boolean connected, boolean degraded, String detail,
                           boolean subscriberAlive, long reconnects, int subscribedChannels,
                           long localOnlyPublishes, long refusedPublishes) {

    /** The status of a broker with no shared engine: nothing to lose, nothing to reconnect. */
    public BrokerStatus(String mode, boolean connected, boolean degraded, String detail) {
        this(mode, connected, degraded, detail, true, 0, 0, 0, 0);
    }
}
