package io.realtime.gateway.stream.alerts;

import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.StreamState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The alert rules, kept in {@link StreamState}: a Redis hash when Redis is configured (so they
 * survive a restart and every instance sees the same rules), else in memory.
 */
@ApplicationScoped
public class AlertRules {

    private static final String KEY = "alert-rules";

    private StreamState state;
    private PayloadJson json;

    protected AlertRules() {
        // for the CDI proxy
    }

    @Inject
    public AlertRules(StreamState state, PayloadJson json) {
        this.state = state;
        this.json = json;
    }

    public void add(AlertRule rule) {
        state.putField(KEY, rule.id(), json.toJson(rule));
    }

    public Optional<AlertRule> find(String id) {
        return all().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** @return false if there was no such rule */
    public boolean remove(String id) {
        boolean removed = state.removeField(KEY, id);
        if (removed) {
            state.delete(AlertEvaluator.crossingKey(id));
        }
        return removed;
    }

    /** Every rule, or a user's, oldest id first. */
    public List<AlertRule> list(String userId) {
        return all().stream().filter(r -> userId == null || r.userId().equals(userId)).toList();
    }

    List<AlertRule> ofCampaign(String campaignId) {
        return all().stream().filter(r -> r.campaignId().equals(campaignId)).toList();
    }

    private List<AlertRule> all() {
        return state.fields(KEY).values().stream().map(text -> json.fromJson(text, AlertRule.class))
                .sorted(Comparator.comparing(AlertRule::id)).toList();
    }
}
