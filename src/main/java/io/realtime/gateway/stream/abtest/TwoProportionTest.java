package io.realtime.gateway.stream.abtest;

import io.realtime.gateway.stream.Finite;
import java.util.ArrayList;
import java.util.List;

/** The statistics of an A/B test: each variant against the control (the first). */
final class TwoProportionTest {

    /** Exposures and conversions of one variant as the worker sent them. */
    record Counts(String name, long exposures, long conversions) {
    }

    private TwoProportionTest() {
    }

    static AbTestUpdate evaluate(String testId, List<Counts> counts, double alpha) {
        Counts control = counts.get(0);
        Double controlRate = rate(control);
        List<Variant> variants = new ArrayList<>(counts.size());
        variants.add(new Variant(control.name(), control.exposures(), control.conversions(), controlRate,
                null, null, null, null));
        String best = null;
        double bestRate = -1;
        boolean allWorse = counts.size() > 1;
        for (Counts c : counts.subList(1, counts.size())) {
            Double rate = rate(c);
            Double lift = rate == null || controlRate == null || controlRate == 0 ? null
                    : Finite.orNull((rate - controlRate) / controlRate);
            List<Double> ci = null;
            Double p = null;
            if (rate != null && controlRate != null) {
                double diff = rate - controlRate;
                double se = Math.sqrt(controlRate * (1 - controlRate) / control.exposures()
                        + rate * (1 - rate) / c.exposures());
                Double low = Finite.orNull(diff - Normal.Z_975 * se);
                Double high = Finite.orNull(diff + Normal.Z_975 * se);
                ci = low == null || high == null ? null : List.of(low, high);
                // Summed as doubles: two counts near Long.MAX_VALUE overflow a long.
                double pooled = ((double) control.conversions() + c.conversions())
                        / ((double) control.exposures() + c.exposures());
                double pooledSe = Math.sqrt(pooled * (1 - pooled) * (1.0 / control.exposures() + 1.0 / c.exposures()));
                if (pooledSe > 0) {
                    p = Finite.orNull(Normal.twoSidedP(diff / pooledSe));
                }
            }
            boolean significant = p != null && p < alpha;
            variants.add(new Variant(c.name(), c.exposures(), c.conversions(), rate, lift, ci, p,
                    p == null ? null : significant));
            if (significant && rate > controlRate && rate > bestRate) {
                best = c.name();
                bestRate = rate;
            }
            allWorse &= significant && rate < controlRate;
        }
        String winner = best != null ? best : allWorse ? control.name() : null;
        return new AbTestUpdate(testId, variants, winner, alpha);
    }

    private static Double rate(Counts c) {
        return c.exposures() == 0 ? null : (double) c.conversions() / c.exposures();
    }
}
