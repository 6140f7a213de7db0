package io.realtime.gateway.config;


/** What one namespace allows (DESIGN §2): whether its name alone is a channel, and its history. */
public record NamespaceSettings(String name, boolean bare, HistoryPolicy history) {
}
