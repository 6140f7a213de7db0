package io.realtime.gateway.stream.alerts;

import io.realtime.gateway.security.Caller;
import java.util.List;
import java.util.Set;

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
                        double threshold, String severity, String title, List<String> groups) {

    /**
     * @param groups the roles the rule's user had when the rule was made (their token's {@code groups}
     *               when they made it themselves; none when an admin made it for them): the rule's
     *               figures are published only while that user may subscribe to the campaign
     *               (DESIGN §7), checked again on every evaluation. Null (a rule stored before) is none.
     */
    public AlertRule {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** Whom the rule acts for when it is evaluated: its user, with the roles the rule recorded. */
    Caller owner() {
        return new Caller(userId, Set.copyOf(groups), null, 0);
    }

    boolean crossed(double value) {
        return "above".equals(operator) ? value > threshold : value < threshold;
    }
}
