package io.realtime.gateway.sse;

import java.util.Set;

/**
 * What a seed route's stream does beyond the generic one (DESIGN §5).
 *
 * @param latestFirst with no resume id from the client, start from the channel's last event (a
 *                    job's state, the latest metrics snapshot) rather than from now; history that
 *                    no longer holds it is not a gap the client caused, so no {@code reset} is sent
 * @param endOn       event types after which the stream ends ({@code job_completed}, {@code job_failed})
 */
public record StreamOptions(boolean latestFirst, Set<String> endOn) {

    public static final StreamOptions GENERIC = new StreamOptions(false, Set.of());
}
