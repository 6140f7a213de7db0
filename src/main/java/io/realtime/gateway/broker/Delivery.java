package io.realtime.gateway.broker;

/** How accepted events went out; the publish API reports it ({@code "delivery"}). */
public enum Delivery {
    /** In the shared history and fanned out to every instance. */
    CLUSTER("cluster"),
    /** Delivered to this instance's subscribers only: single-instance mode, or Redis was unreachable. */
    LOCAL("local");

    private final String wire;

    Delivery(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
