package io.realtime.gateway.broker.redis;

import io.realtime.gateway.broker.HistoryGap;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The receiving side of the Redis broker: which channels this instance holds in Redis, on which
 * subscriber link (one per node: one when standalone, one per master that serves our channels in a
 * cluster), and what to fire. Every message is parsed once and fired once as the CDI event; the
 * channel core fans it out to local subscribers.
 *
 * <p>After a link is re-established, every channel it carries catches up from its stream
 * ({@link CatchUp}) on the link's thread before any newer message; events fired twice (read back
 * from the stream, then live) are fired once. Where a subscription goes when Redis refuses or moves
 * it is {@link SlotRouting}'s; the retry delays are {@link io.realtime.gateway.redis.Backoff}'s.
 */
final class RedisSubscriber implements SubscriberLink.Listener {

    private static final Logger LOG = Logger.getLogger(RedisSubscriber.class.getName());

    private final RedisSettings settings;
    private final RedisConnector connector;
    private final RedisKeys keys;
    private final StreamHistory history;
    private final SkippedEntries skipped;
    private final Function<String, HistoryPolicy> policies;
    private final Consumer<ChannelEvent> fanOut;
    private final CatchUp catchUp;
    private final SlotRouting routing;
    private final Executor longRunning;
    /** Whether commands reach Redis (the broker's view): when they don't, a subscribe does not wait. */
    private final BooleanSupplier redisReachable;
    /** Asks the broker to check Redis now (without blocking): a link came up, Redis may be back. */
    private final Runnable linkUp;
    private final Map<String, ChannelState> states = new ConcurrentHashMap<>();
    private final Map<HostAndPort, SubscriberLink> links = new ConcurrentHashMap<>();
    /** Counts a link re-established after a loss (the reconnects metric). */
    private final Runnable countReconnect;
    private final AtomicLong downSinceMs = new AtomicLong();
    private volatile String lastError = "";
    private volatile boolean closed;
    /** Presence messages of the channels' pub/sub (DESIGN §11); dropped until the presence store listens. */
    private volatile java.util.function.BiConsumer<String, String> presence = (channel, payload) -> { };

    RedisSubscriber(RedisSettings settings, RedisConnector connector, RedisKeys keys, StreamHistory history,
                    SkippedEntries skipped, Function<String, HistoryPolicy> policies, Consumer<ChannelEvent> fanOut,
                    Consumer<HistoryGap> gapFound, Executor longRunning, Runnable countReconnect,
                    BooleanSupplier redisReachable, Runnable linkUp) {
        this.settings = settings;
        this.connector = connector;
        this.keys = keys;
        this.history = history;
        this.skipped = skipped;
        this.policies = policies;
        this.fanOut = fanOut;
        this.catchUp = new CatchUp(history, policies, gapFound, this::fire);
        this.routing = new SlotRouting(settings, connector, this::link, states);
        this.longRunning = longRunning;
        this.countReconnect = countReconnect;
        this.redisReachable = redisReachable;
        this.linkUp = linkUp;
    }

    /** Standalone: the one link runs from the start, so health reflects it before any subscriber. */
    void start() {
        if (!connector.sharded()) {
            link(connector.nodeFor(0));
        }
    }

    /**
     * Subscribes in Redis and returns once Redis confirmed it, with the channel's position read
     * afterwards (so a catch-up from it misses nothing).
     *
     * @throws UnavailableException if that cannot be done within the timeout
     */
    void activate(String channel) {
        ChannelState state = new ChannelState(channel, keys.pubsub(channel), keys.slot(channel));
        HostAndPort node;
        try {
            node = connector.nodeFor(state.slot);
        } catch (JedisException e) {
            // A cluster whose slot map cannot be had (unreachable since start-up, or no master for
            // the slot now): no link can be named, but the channel is held here all the same, and
            // the liveness check looks for its master with back-off (retryRefused).
            states.put(channel, state);
            holdLocally(state, String.valueOf(e));
            state.retrySubscribeAtMs = System.currentTimeMillis() + settings.reconnectMin().toMillis();
            return;
        }
        state.link = link(node);
        states.put(channel, state);
        state.link.subscribe(state, false);
        if (!redisReachable.getAsBoolean()) {
            holdLocally(state, "Redis is unreachable");
            return;
        }
        try {
            // A link that is reconnecting gets the chance to come back within the wait.
            state.subscribed.get(settings.timeout().toMillis() + settings.deadAfter().toMillis(), TimeUnit.MILLISECONDS);
            state.startAt(history.after(channel, null, policies.apply(channel)).top());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deactivate(channel);
            throw new UnavailableException("Interrupted while subscribing to " + channel);
        } catch (ExecutionException | TimeoutException | JedisException e) {
            holdLocally(state, String.valueOf(e instanceof ExecutionException ? e.getCause() : e));
        }
    }

    /**
     * Redis cannot be reached now: the channel is held on this instance anyway, so its clients get
     * local delivery (DESIGN §1: degrade, don't refuse). Its position is this instance's clock, above
     * anything it fired; the link subscribes when Redis is back and catches up from there.
     */
    private void holdLocally(ChannelState state, String why) {
        state.startAt(new EventId(System.currentTimeMillis(), 0));
        state.heldLocally = !state.subscribed.isDone();
        LOG.log(Level.FINE, "Holding {0} locally until Redis answers: {1}", new Object[] {state.channel, why});
    }

    void deactivate(String channel) {
        ChannelState state = states.remove(channel);
        if (state != null && state.link != null) {
            state.link.unsubscribe(state);
        }
    }

    /** The position of a channel held here, or null (used to answer a subscribe while Redis is down). */
    EventId position(String channel) {
        ChannelState state = states.get(channel);
        return state == null ? null : state.position();
    }

    /**
     * Makes an event of {@code channel} at its position here and fires it, both under the channel's
     * lock, which {@link #fire} holds too: the event follows every cluster event at or below that
     * position into the fan-out and precedes every later one. A channel not held here (no local
     * subscriber) has no position: {@link EventId#ZERO}, and nobody to fire to.
     */
    ChannelEvent fireLocal(String channel, Function<EventId, ChannelEvent> make) {
        ChannelState state = states.get(channel);
        if (state == null) {
            return make.apply(EventId.ZERO);
        }
        synchronized (state) {
            EventId at = state.position();
            ChannelEvent event = make.apply(at == null ? EventId.ZERO : at);
            fanOut.accept(event);
            return event;
        }
    }

    /** Pings every link; a silent one is dropped and re-established. */
    void pingAll() {
        for (SubscriberLink link : links.values()) {
            link.ping();
        }
        routing.retryRefused(states.values());
    }

    /** Every link that carries channels is connected and answered recently. */
    boolean alive() {
        for (SubscriberLink link : links.values()) {
            if (!link.alive()) {
                return false;
            }
        }
        return true;
    }

    long gaps() {
        return catchUp.gaps();
    }

    int channelCount() {
        return states.size();
    }

    String lastError() {
        return lastError;
    }

    /** Redis answers again: links waiting out a back-off reconnect now. */
    void wakeLinks() {
        links.values().forEach(SubscriberLink::wake);
    }

    private SubscriberLink link(HostAndPort node) {
        return links.computeIfAbsent(node, n -> {
            SubscriberLink link = new SubscriberLink(n, connector, this, settings);
            longRunning.execute(link);
            return link;
        });
    }

    @Override
    public List<ChannelState> channelsFor(SubscriberLink link) {
        List<ChannelState> mine = new ArrayList<>();
        for (ChannelState state : states.values()) {
            if (state.link == link) {
                mine.add(state);
            }
        }
        return mine;
    }

    @Override
    public void onSubscribed(ChannelState state, boolean resubscribed) {
        state.subscribed.complete(null);
        state.refusals.set(0);
        // A channel held locally while Redis was away catches up on its first confirmation, as a
        // re-subscribed one does; any other first confirmation is followed by a history read anyway.
        boolean heldLocally = state.heldLocally;
        state.heldLocally = false;
        if ((resubscribed || heldLocally) && states.get(state.channel) == state) {
            catchUp.run(state);
        }
    }

    @Override
    public void onSubscribeRefused(List<ChannelState> refused, JedisDataException error) {
        routing.refused(refused, error);
    }

    @Override
    public void onDropped(String pubsubKey) {
        String channel = keys.channelOf(pubsubKey);
        ChannelState state = channel == null ? null : states.get(channel);
        if (state != null) {
            routing.dropped(state);
        }
    }

    /** Where presence messages of a channel's pub/sub go (the broker's presence store sets it). */
    void presenceMessages(java.util.function.BiConsumer<String, String> sink) {
        this.presence = sink;
    }

    @Override
    public void onMessage(String pubsubKey, String payload) {
        String channel = keys.channelOf(pubsubKey);
        ChannelState state = channel == null ? null : states.get(channel);
        if (state == null || !state.subscribed.isDone()) {
            // Released while the message was on its way, or left over from the channel's previous
            // subscription while it is being subscribed again: its new subscribers read history after
            // the confirmation, and firing now would wait on the core's channel lock that the
            // subscribing thread holds while it waits for this very link.
            return;
        }
        if (payload.startsWith(RedisPresence.PREFIX)) {
            presence.accept(channel, payload); // a join or leave (DESIGN §11): no event of the channel
            return;
        }
        ChannelEvent event = StreamEvents.fromMessage(channel, payload, skipped);
        if (event == null) {
            return;
        }
        fire(state, event);
    }

    /** Under the channel's lock, as {@link #fireLocal} makes and fires: the two keep one order. */
    private void fire(ChannelState state, ChannelEvent event) {
        synchronized (state) {
            if (!state.advance(event.id())) {
                // Fired already: a catch-up read the stream while the same events also came live. The
                // core would drop the copy for every subscriber; firing it once keeps the order too.
                return;
            }
            try {
                fanOut.accept(event);
            } catch (RuntimeException e) {
                // An observer's failure is its own: it must not take the link (and every other
                // channel's delivery) down, nor make the catch-up replay this event forever.
                LOG.log(Level.WARNING, "Delivering " + event + " failed", e);
            }
        }
    }

    @Override
    public void onUp(SubscriberLink link, boolean reconnected) {
        long since = downSinceMs.getAndSet(0);
        // Redis answers this link: the broker need not wait for its next ping (up to ping-interval-ms)
        // to read history from Redis again instead of answering resumes from local positions.
        linkUp.run();
        if (reconnected) {
            countReconnect.run();
            LOG.log(Level.INFO, "Redis subscriber link to {0} re-established{1}; catching up {2} channel(s)",
                    new Object[] {link.node(), since > 0 ? " after " + (System.currentTimeMillis() - since) + " ms" : "",
                        channelsFor(link).size()});
        }
    }

    @Override
    public void onDown(SubscriberLink link, Exception cause) {
        lastError = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        boolean first = downSinceMs.compareAndSet(0, System.currentTimeMillis());
        if (first) {
            LOG.log(Level.WARNING, "Redis subscriber link to {0} lost ({1}): delivering locally only until it is back",
                    new Object[] {link.node(), lastError});
        }
        if (closed || !connector.sharded()) {
            return;
        }
        // A cluster may have moved our slots (failover): carry on with their new masters.
        if (routing.linkLost(link, channelsFor(link), first) && channelsFor(link).isEmpty()) {
            links.remove(link.node(), link);
            link.retire();
        }
    }

    void close() {
        closed = true;
        // Interrupted, the remaining links are still told to stop (without waiting for them), so
        // no loop is left running; the interrupt is restored once that is done.
        boolean interrupted = false;
        for (SubscriberLink link : links.values()) {
            try {
                if (!link.stop(interrupted ? 0 : settings.timeout().toMillis()) && !interrupted) {
                    LOG.log(Level.WARNING, "Redis subscriber link to {0} did not stop in time", link.node());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        links.clear();
        states.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
