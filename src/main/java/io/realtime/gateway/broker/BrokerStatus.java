package io.realtime.gateway.broker;

/**
 * What a broker reports to health and stats.
 *
 * @param mode      {@code local} or {@code redis} (or {@code redis-cluster})
 * @param connected whether the shared engine is reachable (always true for local)
 * @param degraded  cluster mode configured, but delivering locally only for now
 * @param detail    a short human-readable state, e.g. the last connection error
 */
public record BrokerStatus(String mode, boolean connected, boolean degraded, String detail) {
}
