package io.realtime.gateway.stream;

/**
 * Derived figures are finite or null (DESIGN §10): a ratio of huge inputs can overflow to infinity
 * and a difference of such to NaN, neither of which JSON can carry. Null says "no figure", as a rate
 * with nothing to divide by already does.
 */
public final class Finite {

    private Finite() {
    }

    public static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    public static Double orNull(Double value) {
        return value == null ? null : orNull(value.doubleValue());
    }
}
