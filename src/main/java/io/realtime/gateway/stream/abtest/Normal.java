package io.realtime.gateway.stream.abtest;

/** The standard normal distribution's tail, for p-values. */
final class Normal {

    /** Φ⁻¹(0.975): the half-width, in standard errors, of a two-sided 95% interval. */
    static final double Z_975 = 1.959963984540054;

    private Normal() {
    }

    /** Two-sided p-value of a z statistic: P(|Z| ≥ |z|) = erfc(|z|/√2). */
    static double twoSidedP(double z) {
        return erfc(Math.abs(z) / Math.sqrt(2));
    }

    /**
     * The complementary error function by the Chebyshev fit of Numerical Recipes (2nd ed., §6.2,
     * {@code erfcc}): fractional error below 1.2e-7 everywhere, ample for a p-value.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }
}
