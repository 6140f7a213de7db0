package io.realtime.gateway.stream.abtest;

import java.util.List;

/**
 * {@code ab_test_update} as published (DESIGN §10).
 *
 * @param winner the variant with the highest rate among those significantly better than the control;
 *               the control's name if every other variant is significantly worse; else null
 * @param alpha  the significance level the test was judged at
 */
public record AbTestUpdate(String testId, List<Variant> variants, String winner, double alpha) {
}
