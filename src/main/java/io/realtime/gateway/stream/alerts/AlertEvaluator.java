package io.realtime.gateway.stream.alerts;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.security.Permissions;
import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.StreamState;
import io.realtime.gateway.stream.campaign.MetricsPublished;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Evaluates the alert rules of a campaign on each of its metrics updates. A rule fires once per
 * crossing: its state (over the line or not) is swapped atomically in {@link StreamState}, and only
 * the update that moves it over the line publishes an alert, so a figure that stays over fires
 * nothing more until it has come back and crossed anew, on whichever instance the updates land.
 * A figure that is null (a rate with nothing to divide by) leaves the state as it was.
 */
@ApplicationScoped
public class AlertEvaluator {

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class.getName());

    private AlertRules rules;
    private StreamState state;
    private ChannelManager core;
    private PayloadJson json;
    private Permissions permissions;
    private Duration ttl;
    private String hrefTemplate;

    protected AlertEvaluator() {
        // for the CDI proxy
    }

    @Inject
    public AlertEvaluator(AlertRules rules, StreamState state, ChannelManager core, PayloadJson json,
                          Permissions permissions,
                          @ConfigProperty(name = "gateway.streams.state-ttl-seconds") long ttlSeconds,
                          @ConfigProperty(name = "gateway.alerts.action-href") String hrefTemplate) {
        this.rules = rules;
        this.state = state;
        this.core = core;
        this.json = json;
        this.permissions = permissions;
        this.ttl = Duration.ofSeconds(ttlSeconds);
        this.hrefTemplate = hrefTemplate;
    }

    static String crossingKey(String ruleId) {
        return "alert-crossed:{" + ruleId + "}";
    }

    void onMetrics(@Observes MetricsPublished update) {
        java.util.List<AlertRule> watching;
        try {
            watching = rules.ofCampaign(update.campaignId());
        } catch (io.realtime.gateway.event.InvalidInputException e) {
            // The rules live in Redis and it is unreachable: this update is not evaluated (the state says so).
            LOG.log(Level.FINE, "alert rules unavailable: " + e.getMessage());
            return;
        }
        ChannelName campaign = null;
        for (AlertRule rule : watching) {
            Double value = update.figures().value(rule.metric());
            if (value == null) {
                continue;
            }
            if (campaign == null) {
                campaign = core.channel("campaign:" + update.campaignId());
            }
            // Checked on every evaluation, not only when the rule was made: the namespace's rules may
            // have changed since (DESIGN §7), and a rule must not carry figures its user may not read.
            if (!permissions.allows(rule.owner(), Permissions.Action.SUBSCRIBE, campaign)) {
                LOG.fine("alert rule " + rule.id() + " skipped: its user may not subscribe to " + campaign.value());
                continue;
            }
            boolean crossed = rule.crossed(value);
            String before = state.swap(crossingKey(rule.id()), crossed ? "1" : "0", ttl);
            if (crossed && !"1".equals(before)) {
                try {
                    fire(rule, value);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "alert of rule " + rule.id() + " could not be published", e);
                }
            }
        }
    }

    private void fire(AlertRule rule, double value) {
        String figure = label(rule.metric());
        String title = rule.title() != null ? rule.title()
                : figure + " " + rule.operator() + " " + format(rule.metric(), rule.threshold());
        String message = figure + " of campaign " + rule.campaignId() + " is " + format(rule.metric(), value)
                + ", " + rule.operator() + " the threshold of " + format(rule.metric(), rule.threshold()) + ".";
        Alert alert = new Alert(UUID.randomUUID().toString(), rule.severity(), title, message,
                new Alert.Action(suggestion(rule), hrefTemplate.replace("{campaignId}", rule.campaignId())),
                rule.id(), rule.campaignId(), rule.metric(), value, rule.threshold());
        core.publish(new EventDraft(core.channel("alerts:" + rule.userId()), "alert", json.toObject(alert)));
    }

    private static String label(String metric) {
        return switch (metric) {
            case "ctr" -> "CTR";
            case "cpc" -> "CPC";
            case "cpm" -> "CPM";
            case "conversionRate" -> "Conversion rate";
            default -> Character.toUpperCase(metric.charAt(0)) + metric.substring(1);
        };
    }

    /** Rates as percents, money and the rest with two decimals. */
    private static String format(String metric, double value) {
        return switch (metric) {
            case "ctr", "conversionRate" -> String.format(Locale.ROOT, "%.2f%%", value * 100);
            case "impressions", "clicks", "conversions" -> String.format(Locale.ROOT, "%.0f", value);
            default -> String.format(Locale.ROOT, "%.2f", value);
        };
    }

    private static String suggestion(AlertRule rule) {
        boolean above = "above".equals(rule.operator());
        return switch (rule.metric()) {
            case "cpc", "cpm" -> above ? "Lower bids or narrow targeting" : "Consider raising bids to win more reach";
            case "spend" -> above ? "Check the budget cap" : "Check delivery: spend is lagging";
            case "ctr" -> above ? "Scale up the best creatives" : "Refresh the creatives";
            case "conversionRate" -> above ? "Scale up this campaign" : "Review the landing page and offer";
            default -> above ? "Review the campaign" : "Check the campaign's delivery";
        };
    }
}
