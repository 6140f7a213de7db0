package io.realtime.gateway.stream.campaign;

/** The figures of a {@code metrics_update}: the worker's cumulative counters and the rates derived from them. */
public record CampaignMetrics(Figure impressions, Figure clicks, Figure spend, Figure conversions,
                              Figure ctr, Figure cpc, Figure cpm, Figure conversionRate) {
}
