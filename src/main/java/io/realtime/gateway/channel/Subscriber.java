package io.realtime.gateway.channel;

import io.realtime.gateway.event.ChannelEvent;

/**
 * One connection as the channel core sees it, whatever its transport. Both methods are called with
 * the channel's lock held: they must only queue, never block and never call back into the core.
 */
public interface Subscriber {

    /** Called once per subscribe, before any replayed or live event of that channel. */
    void onSubscribed(String channel, SubscribeOutcome outcome);

    /**
     * An event of a channel this subscriber holds, in id order, never twice.
     *
     * @param replayed true when it comes from history during a resume (bounded by history size,
     *                 so transports need not count it as lag)
     */
    void onEvent(ChannelEvent event, boolean replayed);
}
