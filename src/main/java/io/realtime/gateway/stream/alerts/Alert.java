package io.realtime.gateway.stream.alerts;

/**
 * {@code alert} as published on {@code alerts:{userId}} (DESIGN §10), with what fired it.
 *
 * @param action a suggested next step, or null
 */
public record Alert(String id, String severity, String title, String message, Action action,
                    String ruleId, String campaignId, String metric, double value, double threshold) {

    /** A suggested next step: a label and where it leads. */
    public record Action(String label, String href) {
    }
}
