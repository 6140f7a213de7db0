package io.realtime.gateway.channel;

import io.realtime.gateway.event.EventId;

/**
 * How a subscribe went.
 *
 * @param resumed   the subscriber asked to resume from an id
 * @param recovered it did, and history reached back that far: nothing was missed. A resume that is
 *                  not recovered is a reset: the client reloads the channel's state.
 * @param replayed  events replayed from history before going live
 * @param position  the channel's position when the subscription went live (its last event id, or
 *                  a point below any future id): resuming from it later misses nothing
 */
public record SubscribeOutcome(boolean resumed, boolean recovered, int replayed, String position) {

    public boolean reset() {
        return resumed && !recovered;
    }
}
