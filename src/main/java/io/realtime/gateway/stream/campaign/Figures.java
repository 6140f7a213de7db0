package io.realtime.gateway.stream.campaign;

import io.realtime.gateway.stream.Finite;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A campaign's eight figures at one update, by name. Rates are fractions: ctr = clicks/impressions,
 * cpc = spend/clicks, cpm = 1000·spend/impressions, conversionRate = conversions/clicks; each null
 * when its divisor is 0.
 */
public record Figures(Map<String, Double> values) {

    /** The names, in the order the payload lists them; also what alert rules may watch. */
    public static final java.util.List<String> NAMES = java.util.List.of(
            "impressions", "clicks", "spend", "conversions", "ctr", "cpc", "cpm", "conversionRate");

    static Figures of(long impressions, long clicks, double spend, long conversions) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("impressions", (double) impressions);
        v.put("clicks", (double) clicks);
        v.put("spend", spend);
        v.put("conversions", (double) conversions);
        v.put("ctr", ratio(clicks, impressions));
        v.put("cpc", ratio(spend, clicks));
        // 1000·spend overflows for a spend past 1.8e305: no figure then rather than infinity.
        v.put("cpm", impressions == 0 ? null : Finite.orNull(1000.0 * spend / impressions));
        v.put("conversionRate", ratio(conversions, clicks));
        return new Figures(v);
    }

    public Double value(String name) {
        return values.get(name);
    }

    private static Double ratio(double numerator, double divisor) {
        return divisor == 0 ? null : Finite.orNull(numerator / divisor);
    }

    CampaignMetrics against(Figures previous) {
        boolean first = previous == null;
        Map<String, Figure> f = new LinkedHashMap<>();
        for (String name : NAMES) {
            f.put(name, Figure.of(values.get(name), first ? null : previous.values.get(name), first));
        }
        return new CampaignMetrics(f.get("impressions"), f.get("clicks"), f.get("spend"), f.get("conversions"),
                f.get("ctr"), f.get("cpc"), f.get("cpm"), f.get("conversionRate"));
    }
}
