package io.realtime.gateway.stream.alerts;

/**
 * A threshold rule on one campaign's figure, owned by a user whose {@code alerts:{userId}} channel
 * gets its alerts.
 *
 * @param metric    one of the figures of a {@code metrics_update} (impressions … conversionRate)
 * @param operator  {@code above} (fires when value &gt; threshold) or {@code below} (value &lt; threshold)
 * @param threshold in the figure's own unit: rates are fractions (CTR below 0.5% is 0.005)
 * @param severity  {@code info}, {@code warning} or {@code critical}
 * @param title     the alert's title; null for one made from the rule
 */
public record AlertRule(String id, String userId, String campaignId, String metric, String operator,
                        double threshold, String severity, String title) {

    boolean crossed(double value) {
        return "above".equals(operator) ? value > threshold : value < threshold;
    }
}
