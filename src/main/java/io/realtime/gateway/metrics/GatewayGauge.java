package io.realtime.gateway.metrics;

/**
 * The gateway's gauges, named and described here beside its counters ({@link GatewayMeters}); their
 * values are read when scraped from the floors they report on (observability/GatewayGauges binds them).
 */
public enum GatewayGauge {
    CONNECTIONS("gateway.connections", "Open client connections, by transport"),
    SUBSCRIPTIONS("gateway.subscriptions", "Channel subscriptions of open connections, by transport"),
    CHANNELS("gateway.channels", "Channels with at least one subscriber on this instance"),
    OUTBOUND_QUEUED("gateway.outbound.queued", "Frames waiting in the outbound queues of all connections"),
    OUTBOUND_QUEUED_MAX("gateway.outbound.queued.max",
            "Frames waiting in the deepest outbound queue (a client near gateway.outbound.queue-size is about to be cut off)"),
    DELIVERY_BACKLOG("gateway.delivery.backlog",
            "Queue drains waiting for a writer thread: growing means the writers cannot keep up"),
    BROKER_CONNECTED("gateway.broker.connected",
            "1 when the broker's shared engine (Redis) answers; always 1 in local mode"),
    BROKER_SUBSCRIBER_ALIVE("gateway.broker.subscriber.alive",
            "1 when every Redis subscriber link answered its last ping; always 1 in local mode"),
    BROKER_DEGRADED("gateway.broker.degraded", "1 while cluster mode delivers to this instance's clients only"),
    BROKER_SUBSCRIBED_CHANNELS("gateway.broker.subscribed.channels", "Channels this instance holds in Redis pub/sub"),
    PRESENCE_MEMBERS("gateway.presence.members", "Presence members on this instance, by namespace");

    private final String metricName;
    private final String description;

    GatewayGauge(String metricName, String description) {
        this.metricName = metricName;
        this.description = description;
    }

    public String metricName() {
        return metricName;
    }

    public String description() {
        return description;
    }
}
