package io.realtime.gateway.stream.campaign;

/**
 * A CDI event: a campaign's metrics update is in history. Fired once per update, on the instance
 * that accepted it, so what observes it (alert rules) runs once per update across a cluster.
 */
public record MetricsPublished(String campaignId, String eventId, Figures figures) {
}
