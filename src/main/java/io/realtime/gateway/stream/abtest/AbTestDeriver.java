package io.realtime.gateway.stream.abtest;

import io.realtime.gateway.channel.EventDeriver;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.stream.Inputs;
import io.realtime.gateway.stream.PayloadJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A/B tests ({@code abtest:{testId}}, DESIGN §10): per-variant exposures and conversions in (the
 * first variant is the control); rates, lift, the 95% interval of the difference, the pooled
 * two-proportion z-test's p-value and a winner once significance is reached, out. Each update
 * carries the whole test, so nothing is kept between updates.
 */
@ApplicationScoped
public class AbTestDeriver implements EventDeriver {

    public static final String TYPE = "ab_test_update";
    private static final int MAX_VARIANTS = 26;

    private PayloadJson json;
    private double alpha;

    protected AbTestDeriver() {
        // for the CDI proxy
    }

    @Inject
    public AbTestDeriver(PayloadJson json, @ConfigProperty(name = "gateway.abtest.alpha") double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("gateway.abtest.alpha must be between 0 and 1, not " + alpha);
        }
        this.json = json;
        this.alpha = alpha;
    }

    @Override
    public String namespace() {
        return "abtest";
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public Derivation check(EventDraft draft) {
        JsonObject in = draft.data();
        String testId = Inputs.subjectId(draft.channel(), in, "testId");
        JsonValue list = in.get("variants");
        if (!(list instanceof JsonArray variants) || variants.isEmpty() || variants.size() > MAX_VARIANTS) {
            throw Inputs.bad("'variants' must be an array of 1 to " + MAX_VARIANTS
                    + " {\"name\",\"exposures\",\"conversions\"}, the control first");
        }
        List<TwoProportionTest.Counts> counts = new ArrayList<>(variants.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            if (!(variants.get(i) instanceof JsonObject v)) {
                throw Inputs.bad("variants[" + i + "] must be an object");
            }
            String name = Inputs.text(v, "name", true, 128);
            long exposures = Inputs.count(v, "exposures");
            long conversions = Inputs.count(v, "conversions");
            if (conversions > exposures) {
                throw Inputs.bad("variants[" + i + "] has more conversions than exposures");
            }
            if (!names.add(name)) {
                throw Inputs.bad("variant name '" + name + "' appears twice");
            }
            counts.add(new TwoProportionTest.Counts(name, exposures, conversions));
        }
        // Nothing kept between updates: all of it is worked out here, and deriving hands it over.
        EventDraft derived = new EventDraft(draft.channel(), TYPE,
                json.toObject(TwoProportionTest.evaluate(testId, counts, alpha)), draft.idempotencyKey());
        return () -> derived;
    }
}
