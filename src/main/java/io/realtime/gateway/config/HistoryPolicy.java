package io.realtime.gateway.config;

import java.time.Duration;

/** How much history a channel keeps (per namespace, from configuration). */
public record HistoryPolicy(int size, Duration ttl) {
    public HistoryPolicy {
        if (size < 0 || ttl.isNegative()) {
            throw new IllegalArgumentException("history size and ttl must not be negative");
        }
    }
}
