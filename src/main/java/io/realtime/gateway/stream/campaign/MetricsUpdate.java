package io.realtime.gateway.stream.campaign;

/** {@code metrics_update} as published (DESIGN §10). */
public record MetricsUpdate(String campaignId, CampaignMetrics metrics) {
}
