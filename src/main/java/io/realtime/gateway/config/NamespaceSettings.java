package io.realtime.gateway.config;

import io.realtime.gateway.broker.HistoryPolicy;

/** What one namespace allows (DESIGN §2): whether its name alone is a channel, and its history. */
public record NamespaceSettings(String name, boolean bare, HistoryPolicy history) {
}
