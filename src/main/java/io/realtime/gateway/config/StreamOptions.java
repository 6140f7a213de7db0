package io.realtime.gateway.config;

import java.util.Set;

/**
 * What a seed route's stream does beyond the generic one (DESIGN §5).
 *
 * @param start where a client that sent no resume id starts; history that no longer reaches there
 *              is not a gap the client caused, so no {@code reset} is sent for it
 * @param endOn event types after which the stream ends ({@code job_completed}, {@code ai_score})
 */
public record StreamOptions(Start start, Set<String> endOn) {

    public static final StreamOptions GENERIC = new StreamOptions(Start.NOW, Set.of());

    /** Where a stream without a resume id starts. */
    public enum Start {
        /** With what is published from now on (the generic stream). */
        NOW,
        /** With the channel's last event: a job's state, the latest snapshot. */
        LATEST,
        /** With everything history holds: a whole evaluation, tokens included. */
        BEGINNING
    }
}
