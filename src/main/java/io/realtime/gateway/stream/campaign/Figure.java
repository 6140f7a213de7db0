package io.realtime.gateway.stream.campaign;

/**
 * One figure of a campaign and how it moved since the previous update (DESIGN §10).
 *
 * @param value     null for a rate whose divisor is 0
 * @param delta     value − previous value; 0 on the first update; null when either is null
 * @param direction {@code up}, {@code down} or {@code flat}; null when delta is
 */
public record Figure(Double value, Double delta, String direction) {

    static Figure of(Double value, Double previous, boolean first) {
        if (value == null) {
            return new Figure(null, null, null);
        }
        if (first) {
            return new Figure(value, 0.0, "flat");
        }
        if (previous == null) {
            return new Figure(value, null, null);
        }
        // The difference of two finite figures can still overflow: then no delta, as with no previous.
        Double delta = io.realtime.gateway.stream.Finite.orNull(value - previous);
        if (delta == null) {
            return new Figure(value, null, value > previous ? "up" : "down");
        }
        return new Figure(value, delta, delta > 0 ? "up" : delta < 0 ? "down" : "flat");
    }
}
