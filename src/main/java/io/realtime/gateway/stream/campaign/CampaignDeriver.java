package io.realtime.gateway.stream.campaign;

import io.realtime.gateway.channel.EventDeriver;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.stream.Inputs;
import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.StreamState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Campaign metrics ({@code campaign:{campaignId}}, DESIGN §10): a worker's cumulative counters in;
 * the rates, and each figure's delta and direction against the campaign's previous update, out. The
 * previous figures are swapped atomically in {@link StreamState}, so with several instances each
 * update is compared with the one before it, wherever that one arrived.
 */
@ApplicationScoped
public class CampaignDeriver implements EventDeriver {

    public static final String TYPE = "metrics_update";

    private StreamState state;
    private PayloadJson json;
    private Event<MetricsPublished> published;
    private Duration ttl;

    protected CampaignDeriver() {
        // for the CDI proxy
    }

    @Inject
    public CampaignDeriver(StreamState state, PayloadJson json, Event<MetricsPublished> published,
                           @ConfigProperty(name = "gateway.streams.state-ttl-seconds") long ttlSeconds) {
        this.state = state;
        this.json = json;
        this.published = published;
        this.ttl = Duration.ofSeconds(ttlSeconds);
    }

    @Override
    public String namespace() {
        return "campaign";
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public Derivation check(EventDraft draft) {
        JsonObject in = draft.data();
        String campaignId = Inputs.subjectId(draft.channel(), in, "campaignId");
        Figures now = Figures.of(Inputs.count(in, "impressions"), Inputs.count(in, "clicks"),
                Inputs.amount(in, "spend"), Inputs.count(in, "conversions"));
        return () -> {
            // Only now, with the whole publish checked: these figures become the campaign's previous ones.
            String before = state.swap("campaign-figures:{" + draft.channel().value() + "}", encode(now), ttl);
            Figures previous = before == null ? null : decode(before);
            return new EventDraft(draft.channel(), TYPE,
                    json.toObject(new MetricsUpdate(campaignId, now.against(previous))), draft.idempotencyKey());
        };
    }

    @Override
    public void published(ChannelEvent event, EventDraft derived) {
        JsonObject metrics = derived.data().getJsonObject("metrics");
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : Figures.NAMES) {
            JsonObject figure = metrics.getJsonObject(name);
            values.put(name, figure.isNull("value") ? null : figure.getJsonNumber("value").doubleValue());
        }
        published.fire(new MetricsPublished(derived.data().getString("campaignId"), event.id().toString(),
                new Figures(values)));
    }

    private String encode(Figures figures) {
        return json.toJson(figures.values());
    }

    @SuppressWarnings("unchecked")
    private Figures decode(String text) {
        Map<String, Object> raw = json.fromJson(text, HashMap.class);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : Figures.NAMES) {
            Object v = raw.get(name);
            values.put(name, v instanceof Number n ? n.doubleValue() : null);
        }
        return new Figures(values);
    }
}
