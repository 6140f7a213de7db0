package io.realtime.gateway.broker.redis;

import io.realtime.gateway.broker.HistoryGap;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.History;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Catch-up from the stream: what a channel missed while its link was down (or while it moved to
 * another node) is read after the channel's position and fired, in order, on the link's thread
 * before any newer message, so nothing that reached Redis meanwhile is lost.
 */
final class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class.getName());

    private final StreamHistory history;
    private final Function<String, HistoryPolicy> policies;
    private final Consumer<HistoryGap> gapFound;
    /** Fires one event of a channel under its lock, dropping one fired already. */
    private final BiConsumer<ChannelState, ChannelEvent> fire;
    private final AtomicLong gaps = new AtomicLong();

    CatchUp(StreamHistory history, Function<String, HistoryPolicy> policies, Consumer<HistoryGap> gapFound,
            BiConsumer<ChannelState, ChannelEvent> fire) {
        this.history = history;
        this.policies = policies;
        this.gapFound = gapFound;
        this.fire = fire;
    }

    /**
     * Fires what the stream holds after the channel's position; runs on the link's thread. When
     * the stream no longer reaches the position (Redis lost it, or trimmed it while the link was
     * down), the gap is fired first, under the channel's lock as events are: the core tells every
     * subscriber it reaches (DESIGN §5, §6) in order with the events around it.
     */
    void run(ChannelState state) {
        EventId from = state.position();
        if (from == null) {
            return; // still activating: its subscribers read history after this confirmation
        }
        History missed = history.after(state.channel, from, policies.apply(state.channel));
        // A position above the stream's top is one this instance made while Redis was away: nothing
        // was published after it, so nothing was missed.
        if (!missed.complete() && !from.isAfter(missed.top())) {
            gaps.incrementAndGet();
            EventId upTo = missed.events().isEmpty() ? missed.top() : missed.events().get(0).id();
            LOG.log(Level.WARNING, "History of {0} no longer reaches {1} (stream trimmed or lost with Redis): "
                    + "telling its local subscribers to reload", new Object[] {state.channel, from});
            synchronized (state) {
                try {
                    gapFound.accept(new HistoryGap(state.channel, from, upTo));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Telling the subscribers of " + state.channel + " of a gap failed", e);
                }
            }
        }
        for (ChannelEvent event : missed.events()) {
            fire.accept(state, event);
        }
        if (!missed.complete()) {
            state.advance(missed.top());
        }
    }

    /** Gaps found since start. */
    long gaps() {
        return gaps.get();
    }
}
