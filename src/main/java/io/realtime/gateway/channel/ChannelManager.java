package io.realtime.gateway.channel;

import io.realtime.gateway.broker.Broker;
import io.realtime.gateway.broker.Delivery;
import io.realtime.gateway.broker.HistoryGap;
import io.realtime.gateway.broker.Publication;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.config.Namespaces;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.event.History;
import io.realtime.gateway.metrics.GatewayMeters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The channel core, shared by every transport: channel validation, publishing through the broker,
 * local subscriptions, and subscribe-with-resume.
 *
 * <p>Resume without gap or duplicate: the subscriber is registered (buffering live events) before
 * history is read, then the replay is delivered, then the buffered live events newer than the last
 * replayed id. From then on each subscriber only ever gets cluster ids above the last one it got;
 * local ids (made while Redis was unreachable, in no history) pass apart ({@link ChannelSubscribers}).
 * A resume from a local id is never recovered: history cannot place it (the broker says so).
 *
 * <p><b>Lock order</b>, the one order every path follows (subscribe, unsubscribe, a connection's
 * close, the fan-out, a history gap):
 * <ol>
 * <li>a channel's <em>lifecycle lock</em> (striped), held while the broker activates or releases
 *     the channel;</li>
 * <li>that channel's <em>subscriber monitor</em> ({@link ChannelSubscribers}), held while its
 *     subscribers are added, removed or called ({@link Subscriber#onSubscribed}, live events,
 *     {@link Subscriber#onHistoryGap});</li>
 * <li>whatever a subscriber takes inside those callbacks (its own monitor, its outbound queue),
 *     none of which is ever held while taking 1 or 2.</li>
 * </ol>
 * A thread takes them in that order only, one channel at a time, and never takes a lifecycle lock
 * or another channel's monitor while it holds a subscriber monitor. The fan-out thread holds one
 * subscriber monitor at a time and nothing else of the core. A subscriber callback may therefore not
 * call back into the core; a callback that unsubscribes anyway (a connection closing itself on the
 * last event of its stream, or closed inline because the writers refused work while the server
 * stops) has that unsubscribe deferred: it runs on the same thread as soon as the monitor is
 * released, so it neither waits for a lifecycle lock under the monitor (a deadlock with a thread
 * closing another subscriber of the channel) nor changes the subscriber map the fan-out is
 * iterating. A subscribe from inside a callback is refused.
 */
@ApplicationScoped
public class ChannelManager {

    private static final Logger LOG = Logger.getLogger(ChannelManager.class.getName());
    /** Marks a thread inside subscriber callbacks that has deferred nothing yet. */
    private static final List<Runnable> NOTHING_DEFERRED = List.of();

    private final ConcurrentHashMap<String, ChannelSubscribers> channels = new ConcurrentHashMap<>();
    private final Object[] lifecycleLocks = java.util.stream.Stream.generate(Object::new).limit(256).toArray();
    private Namespaces namespaces;
    private Broker broker;
    private GatewayMeters meters;
    private Executor fanOut;
    private int pendingLimit;
    private Derivations derivations = Derivations.NONE;
    /** Told of subscriptions of the channels it watches (presence); asked once per channel entry. */
    private SubscriptionWatch watch = SubscriptionWatch.NONE;
    /**
     * Set on a thread while it calls subscribers holding a channel's monitor: the unsubscribes they
     * ask for meanwhile, run once the monitor is released (see the lock order). Null elsewhere.
     */
    private final ThreadLocal<List<Runnable>> deferred = new ThreadLocal<>();

    protected ChannelManager() {
        // for the CDI proxy
    }

    @Inject
    public ChannelManager(GatewayConfig config, Broker broker, GatewayMeters meters, DeliveryThreads threads,
                          Instance<EventDeriver> derivers, Instance<SubscriptionWatch> watches) {
        this(config.namespaces(), broker, meters, threads.fanOut(), config.outboundQueueSize());
        this.derivations = new Derivations(derivers);
        this.watch = watches.isResolvable() ? watches.get() : SubscriptionWatch.NONE;
    }

    /** For a core made without CDI (tests): who is told of subscriptions. */
    public void watchWith(SubscriptionWatch watch) {
        this.watch = watch;
    }

    /**
     * @param fanOut runs the fan-out of live events, in the order they were handed over: one thread,
     *               so events reach a connection in publish order across all its channels
     * @param pendingLimit live events of a channel that may wait for one subscriber while its
     *               history is replayed; past it the subscriber is too slow for the channel
     */
    public ChannelManager(Namespaces namespaces, Broker broker, GatewayMeters meters, Executor fanOut,
                          int pendingLimit) {
        this.namespaces = namespaces;
        this.broker = broker;
        this.meters = meters;
        this.fanOut = fanOut;
        this.pendingLimit = pendingLimit;
    }

    /** Validates a channel name against syntax and the configured namespaces. */
    public ChannelName channel(String name) {
        return namespaces.channel(name);
    }

    /** Publishes one event, falling back as configured when the cluster's broker is unreachable. */
    public ChannelEvent publish(EventDraft draft) {
        return publish(List.of(draft), Fallback.CONFIGURED).events().get(0);
    }

    /** Publishes in order; the caller validated every draft first, so a batch is all or nothing for input. */
    public List<ChannelEvent> publishAll(List<EventDraft> drafts) {
        return publish(drafts, Fallback.CONFIGURED).events();
    }

    /**
     * Publishes in order and says how the events went out ({@link PublishOutcome#cluster()}):
     * {@code fallback} is the publisher's choice for when the cluster's broker is unreachable.
     * A product stream's drafts are derived first ({@link EventDeriver}), so what is stored is the
     * derived event.
     *
     * @throws io.realtime.gateway.event.UnavailableException when refused
     */
    public PublishOutcome publish(List<EventDraft> inputs, Fallback fallback) {
        List<EventDraft> drafts = derivations.derive(inputs);
        List<HistoryPolicy> policies = new ArrayList<>(drafts.size());
        // A hot batch is mostly one channel: its policy is looked up once, not once per event.
        ChannelName last = null;
        HistoryPolicy policy = null;
        for (EventDraft draft : drafts) {
            if (!draft.channel().equals(last)) {
                last = draft.channel();
                policy = namespaces.history(last.value());
            }
            policies.add(policy);
        }
        Publication publication = broker.publish(drafts, policies, fallback);
        meters.published(publication.events().size());
        PublishOutcome outcome = new PublishOutcome(publication.events(),
                publication.delivery() == Delivery.CLUSTER, publication.duplicates());
        derivations.published(outcome, drafts);
        return outcome;
    }

    /**
     * Subscribes, replaying what the subscriber missed after {@code since} (exclusive) when given.
     * Subscribing to a channel it already holds re-runs the resume (its position moves to it).
     *
     * <p>The replay runs on the caller's thread holding no lock, at the pace the subscriber takes
     * it ({@link Subscriber#awaitReplayRoom}); the channel's live events meanwhile wait for it in
     * its catch-up buffer, up to the pending limit.
     *
     * @throws SlowSubscriberException when live events piled up past the limit during the replay
     */
    public SubscribeOutcome subscribe(Subscriber subscriber, ChannelName channel, EventId since) {
        return subscribe(subscriber, channel, since, null);
    }

    /**
     * As {@link #subscribe(Subscriber, ChannelName, EventId)}, with what the client sent along for the
     * channel's presence (compact JSON, validated by the transport), handed to the {@link SubscriptionWatch}
     * when the subscription goes live.
     */
    public SubscribeOutcome subscribe(Subscriber subscriber, ChannelName channel, EventId since, String info) {
        if (deferred.get() != null) {
            throw new IllegalStateException("subscribe called from inside a subscriber callback (lock order)");
        }
        String name = channel.value();
        ChannelSubscribers subs = register(subscriber, name);
        History history;
        try {
            history = broker.historyAfter(name, since, namespaces.history(name));
        } catch (RuntimeException e) {
            unsubscribe(subscriber, name);
            throw e;
        }
        SubscribeOutcome outcome;
        ChannelSubscribers.Position position;
        boolean outermost = enterCallbacks();
        try {
            synchronized (subs) {
                position = subs.positions.get(subscriber);
                if (position == null || subs.retired) {
                    // Unsubscribed while history was being read.
                    return new SubscribeOutcome(since != null, false, 0, history.top().toString());
                }
                outcome = new SubscribeOutcome(since != null,
                        since != null && history.complete(), history.events().size(), history.top().toString());
                subscriber.onSubscribed(name, outcome);
            }
        } finally {
            leaveCallbacks(outermost);
        }
        // A client ahead of the channel (an id this history never issued) is not trusted on a
        // reset: live events count from the channel's own position, or they would be dropped.
        EventId last = since != null && history.complete() && since.isAfter(history.top()) ? since.cluster()
                : history.top().cluster();
        for (ChannelEvent event : history.events()) {
            if (!subscriber.awaitReplayRoom()) {
                unsubscribe(subscriber, name, position);
                return outcome;
            }
            subscriber.onEvent(event, true);
            last = event.id().isAfter(last) ? event.id() : last;
        }
        outermost = enterCallbacks();
        try {
            synchronized (subs) {
                if (subs.positions.get(subscriber) != position) {
                    return outcome; // unsubscribed, or subscribed anew, during the replay
                }
                if (!position.overflowed) {
                    position.last = subs.release(subscriber, position, name, last);
                    if (subs.watched) {
                        // Under the monitor, so the watch sees this and a concurrent unsubscribe in order.
                        watch.subscribed(subscriber, name, info);
                    }
                    return outcome;
                }
            }
        } finally {
            leaveCallbacks(outermost);
        }
        // Undone holding no monitor: the unsubscribe takes the lifecycle lock first (lock order).
        unsubscribe(subscriber, name, position);
        throw new SlowSubscriberException("more than " + pendingLimit + " live events of " + name
                + " waited while its history was replayed");
    }

    /**
     * The channel's current position: the id of its last event, or a point below any future id
     * when it has none (history expired or never written).
     */
    public EventId position(ChannelName channel) {
        return broker.historyAfter(channel.value(), null, namespaces.history(channel.value())).top();
    }

    /** Unsubscribes if the subscriber still holds the channel with this very position. */
    private void unsubscribe(Subscriber subscriber, String channel, ChannelSubscribers.Position position) {
        ChannelSubscribers subs = channels.get(channel);
        if (subs != null) {
            synchronized (subs) {
                if (subs.positions.get(subscriber) != position) {
                    return;
                }
            }
            unsubscribe(subscriber, channel);
        }
    }

    /**
     * Takes the subscriber off the channel. Called from inside one of the subscriber callbacks (a
     * connection that closes itself on an event), it is deferred until the callback's channel
     * monitor is released, on the same thread (see the lock order), and answers true.
     *
     * @return false if the subscriber did not hold the channel
     */
    public boolean unsubscribe(Subscriber subscriber, String channel) {
        List<Runnable> later = deferred.get();
        if (later != null) {
            if (later == NOTHING_DEFERRED) {
                later = new ArrayList<>(2);
                deferred.set(later);
            }
            later.add(() -> unsubscribe(subscriber, channel));
            return true;
        }
        ChannelSubscribers subs = channels.get(channel);
        if (subs == null) {
            return false;
        }
        synchronized (lifecycleLock(channel)) {
            synchronized (subs) {
                if (subs.positions.remove(subscriber) == null) {
                    return false;
                }
                if (subs.watched) {
                    watch.unsubscribed(subscriber, channel);
                }
                if (subs.positions.isEmpty() && !subs.retired) {
                    subs.retired = true;
                    // Under the channel's lifecycle lock: a new first subscriber's channelActive
                    // (which takes it too) always follows this. Only an activated channel is
                    // released; one whose activation had not begun is never activated (see register).
                    if (subs.active) {
                        broker.channelInactive(channel);
                    }
                    channels.remove(channel, subs);
                }
                return true;
            }
        }
    }

    /**
     * Hands an event the broker fired (from this instance or another) to the fan-out thread, which
     * delivers it to local subscribers; the thread that published it (a request, a Redis link) goes
     * on at once, however many subscribers the channel has.
     *
     * <p>An event of a channel nobody holds here stops at once: handing it over costs a wake-up of
     * the fan-out thread (a tenth of a single-event publish's CPU, measured), only for it to find no
     * subscriber. Nothing is lost by the early look: the broker stores an event before it fires it,
     * and a subscriber registers before it reads history, so one that registers after this look
     * finds the event in history (or, subscribing without a position, starts after it).
     */
    void dispatch(@Observes ChannelEvent event) {
        if (!channels.containsKey(event.channel())) {
            return;
        }
        try {
            fanOut.execute(() -> deliver(event));
        } catch (RejectedExecutionException e) {
            deliver(event); // the application is stopping
        }
    }

    private void deliver(ChannelEvent event) {
        meters.dispatchLatency(System.currentTimeMillis() - event.publishedAtMs());
        ChannelSubscribers subs = channels.get(event.channel());
        if (subs != null) {
            boolean outermost = enterCallbacks();
            try {
                synchronized (subs) {
                    subs.dispatch(event, pendingLimit);
                }
            } finally {
                leaveCallbacks(outermost);
            }
        }
    }

    /**
     * Hands a signal that is no event of the channel (a presence {@code join} / {@code leave}) to
     * the fan-out thread, which gives it to the channel's live local subscribers, in order with its
     * events, except the one whose {@link Subscriber.Identity#id()} is {@code exceptId} (a connection
     * is not told of its own join). Stored nowhere, counted as no event.
     */
    public void signal(String channel, String kind, String json, String exceptId) {
        if (!channels.containsKey(channel)) {
            return;
        }
        try {
            fanOut.execute(() -> tellSignal(channel, kind, json, exceptId));
        } catch (RejectedExecutionException e) {
            // The application is stopping: a join or leave nobody will see is no loss.
        }
    }

    private void tellSignal(String channel, String kind, String json, String exceptId) {
        ChannelSubscribers subs = channels.get(channel);
        if (subs != null) {
            boolean outermost = enterCallbacks();
            try {
                synchronized (subs) {
                    subs.signal(channel, kind, json, exceptId);
                }
            } finally {
                leaveCallbacks(outermost);
            }
        }
    }

    /**
     * A gap the broker found in what it fired (DESIGN §5, §6): handed to the fan-out thread like an
     * event, so it reaches each subscriber after the events before the gap and before those after.
     */
    void gap(@Observes HistoryGap gap) {
        try {
            fanOut.execute(() -> tellGap(gap));
        } catch (RejectedExecutionException e) {
            tellGap(gap); // the application is stopping
        }
    }

    private void tellGap(HistoryGap gap) {
        ChannelSubscribers subs = channels.get(gap.channel());
        if (subs != null) {
            boolean outermost = enterCallbacks();
            int told;
            try {
                synchronized (subs) {
                    told = subs.gap(gap);
                }
            } finally {
                leaveCallbacks(outermost);
            }
            LOG.log(Level.INFO, "Told {0} subscriber(s) of {1} that history lost events after {2}: they reload",
                    new Object[] {told, gap.channel(), gap.after()});
        }
    }

    /**
     * Marks this thread as calling subscribers under a channel monitor (their unsubscribes wait).
     *
     * @return false when it already was (an outer call runs what is deferred)
     */
    private boolean enterCallbacks() {
        if (deferred.get() != null) {
            return false;
        }
        deferred.set(NOTHING_DEFERRED);
        return true;
    }

    /** Holding no monitor again: runs the unsubscribes the callbacks asked for, in order. */
    private void leaveCallbacks(boolean outermost) {
        if (!outermost) {
            return;
        }
        List<Runnable> later = deferred.get();
        deferred.remove();
        for (Runnable unsubscribe : later) {
            try {
                unsubscribe.run();
            } catch (RuntimeException e) {
                // One failed release must not leave the others' subscriptions behind.
                LOG.log(Level.WARNING, "An unsubscribe deferred from a subscriber callback failed", e);
            }
        }
    }

    public int channelCount() {
        return channels.size();
    }

    /** How many subscribers on this instance hold the channel now (the council asks whether anyone watches). */
    public int subscriberCount(ChannelName channel) {
        ChannelSubscribers subs = channels.get(channel.value());
        if (subs == null) {
            return 0;
        }
        synchronized (subs) {
            return subs.positions.size();
        }
    }

    public int subscriptionCount() {
        int n = 0;
        for (ChannelSubscribers subs : channels.values()) {
            synchronized (subs) {
                n += subs.positions.size();
            }
        }
        return n;
    }

    public Broker broker() {
        return broker;
    }

    /**
     * A channel's history for reading (not a subscription): events after {@code since} (exclusive),
     * oldest first, or every event history still holds when {@code since} is null.
     */
    public History history(ChannelName channel, EventId since) {
        String name = channel.value();
        return broker.readHistory(name, since == null ? EventId.ZERO : since, namespaces.history(name));
    }

    /** The channels with local subscribers and, for each, its subscribers now: a copy, for reporting. */
    public java.util.Map<String, List<Subscriber>> subscribersByChannel() {
        java.util.Map<String, List<Subscriber>> copy = new java.util.TreeMap<>();
        for (java.util.Map.Entry<String, ChannelSubscribers> entry : channels.entrySet()) {
            ChannelSubscribers subs = entry.getValue();
            synchronized (subs) {
                if (!subs.positions.isEmpty()) {
                    copy.put(entry.getKey(), List.copyOf(subs.positions.keySet()));
                }
            }
        }
        return copy;
    }

    /**
     * Registers the subscriber (its live events buffered from now on) and returns once the broker
     * fires the channel's events here. The first subscriber activates the channel in the broker,
     * which may wait on Redis (up to its timeout while the link is wedged): that wait holds the
     * channel's lifecycle lock, never its subscriber monitor, which the fan-out thread takes for
     * every event of every channel. Later subscribers wait for that activation, holding nothing.
     * (Lifecycle lock, then subscriber monitor: the lock order of the class javadoc.)
     */
    private ChannelSubscribers register(Subscriber subscriber, String name) {
        while (true) {
            ChannelSubscribers subs = channels.computeIfAbsent(name, n -> new ChannelSubscribers(watch.watches(n)));
            CompletableFuture<Void> activation;
            boolean first;
            synchronized (subs) {
                if (subs.retired) {
                    continue; // its last subscriber just left; the next lookup makes a new entry
                }
                subs.positions.put(subscriber, new ChannelSubscribers.Position());
                first = subs.activation == null;
                if (first) {
                    subs.activation = new CompletableFuture<>();
                }
                activation = subs.activation;
            }
            if (first) {
                activate(subs, subscriber, name);
            } else {
                try {
                    activation.join();
                } catch (java.util.concurrent.CompletionException e) {
                    synchronized (subs) {
                        subs.positions.remove(subscriber);
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            return subs;
        }
    }

    private void activate(ChannelSubscribers subs, Subscriber subscriber, String name) {
        synchronized (lifecycleLock(name)) {
            synchronized (subs) {
                if (subs.retired) {
                    // Everybody left before it began: nothing to activate, nor to release later.
                    subs.activation.complete(null);
                    return;
                }
            }
            try {
                broker.channelActive(name);
            } catch (RuntimeException e) {
                synchronized (subs) {
                    subs.positions.remove(subscriber);
                    subs.retired = true;
                    channels.remove(name, subs);
                }
                subs.activation.completeExceptionally(e);
                throw e;
            }
            synchronized (subs) {
                subs.active = true;
            }
            subs.activation.complete(null);
        }
    }

    /**
     * Orders a channel's activation and release in the broker (striped: a lock per channel would
     * have to be created and forgotten with it). Taken before a subscriber monitor, never while one
     * is held (the lock order of the class javadoc): two channels sharing a stripe then only wait
     * for each other's activation, never deadlock.
     */
    private Object lifecycleLock(String channel) {
        return lifecycleLocks[(channel.hashCode() & 0x7fffffff) % lifecycleLocks.length];
    }
}
