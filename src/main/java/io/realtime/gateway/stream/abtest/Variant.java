package io.realtime.gateway.stream.abtest;

import java.util.List;

/**
 * One variant of an {@code ab_test_update} (DESIGN §10). The control (the first) carries only its
 * rate; every other variant is compared with it.
 *
 * @param rate        conversions / exposures; null with no exposures
 * @param lift        (rate − control rate) / control rate; null when the control's rate is 0 or null
 * @param ci95        95% confidence interval {@code [low, high]} of rate − control rate (unpooled standard error)
 * @param pValue      two-sided pooled two-proportion z-test; null when it cannot be computed (no exposures,
 *                    or no variance: nothing or everything converted on both sides)
 * @param significant pValue &lt; alpha
 */
public record Variant(String name, long exposures, long conversions, Double rate, Double lift,
                      List<Double> ci95, Double pValue, Boolean significant) {
}
