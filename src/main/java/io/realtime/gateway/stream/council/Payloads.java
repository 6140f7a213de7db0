package io.realtime.gateway.stream.council;

import java.util.List;

/** The council's events (DESIGN §10), each a record serialised with JSON-B. */
public final class Payloads {

    private Payloads() {
    }

    /** {@code ai_token}: the next piece of one model's answer, as the provider streamed it. */
    public record AiToken(String model, String text) {
    }

    /** {@code ai_model_done}: a model's answer is complete; its score (0..100) and rationale. */
    public record AiModelDone(String model, double score, String rationale) {
    }

    /** {@code ai_error}: a model failed, was rate-limited, stalled, or gave no score; the others go on. */
    public record AiError(String model, String message) {
    }

    /**
     * {@code ai_score}: the council's verdict. {@code score} is the weighted mean of the models that
     * scored, {@code spread} the highest minus the lowest of their scores; both null when none did.
     */
    public record AiScore(Double score, Double spread, List<ModelScore> models) {
    }

    public record ModelScore(String model, double score, double weight) {
    }
}
