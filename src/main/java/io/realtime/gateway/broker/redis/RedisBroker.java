package io.realtime.gateway.broker.redis;

import io.realtime.gateway.broker.Broker;
import io.realtime.gateway.broker.BrokerStatus;
import io.realtime.gateway.broker.Delivery;
import io.realtime.gateway.broker.Idempotency;
import io.realtime.gateway.broker.Publication;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.event.History;
import io.realtime.gateway.event.UnavailableException;
import io.realtime.gateway.metrics.GatewayMeters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The broker of a cluster of gateway instances sharing one Redis (or Redis Cluster): ids, history
 * and fan-out come from Redis (DESIGN §4), so an event published on any instance reaches every
 * subscriber on every instance, and a client can resume on any instance.
 *
 * <p>An event published here is not fired directly: it comes back through this instance's own
 * subscription like everyone else's, so local subscribers see one order, the stream's.
 *
 * <p>When Redis is unreachable the gateway keeps serving: publishes are delivered locally or
 * refused (the publisher's choice, else {@code gateway.redis.fallback}), the status says degraded,
 * and the links reconnect by themselves; on reconnect each channel catches up from its stream.
 */
public final class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class.getName());

    private final RedisSettings settings;
    private final RedisConnector connector;
    private final RedisPublisher publisher;
    private final StreamHistory history;
    private final RedisSubscriber subscriber;
    private final EnvelopeCodec codec;
    private final ScheduledFuture<?> keeper;
    private final GatewayMeters meters;
    private final RedisPresence presence;
    private volatile boolean reachable;
    private volatile long unreachableSinceMs;
    private volatile String lastError = "";
    /** The local part of the last id made here while Redis was unreachable; guarded by {@code this}. */
    private EventId lastLocalPart = EventId.ZERO;

    /**
     * Connects (or starts trying to) and starts the subscriber link(s) and the liveness checks.
     *
     * @param policies    history size and TTL of a channel (per namespace)
     * @param fanOut      fires the CDI event; called on a subscriber link's thread, must not block long
     * @param gapFound    fires a {@link io.realtime.gateway.broker.HistoryGap}: a catch-up found the
     *                    stream no longer reaching what this instance had fired; same thread and rule
     * @param longRunning runs each subscriber link's loop for the broker's lifetime (a managed
     *                    executor with the long-running hint in the server)
     * @param scheduler   runs the periodic liveness check
     */
    public RedisBroker(RedisSettings settings, Function<String, HistoryPolicy> policies, Idempotency idempotency,
                       EnvelopeCodec codec, GatewayMeters meters,
                       Consumer<ChannelEvent> fanOut, Consumer<io.realtime.gateway.broker.HistoryGap> gapFound,
                       Executor longRunning, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.codec = codec;
        this.meters = meters;
        LuaScript publish = new LuaScript("/redis/publish.lua");
        this.connector = new RedisConnector(settings, java.util.Set.of(publish.sha()));
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        this.publisher = new RedisPublisher(connector, keys, publish, idempotency.window());
        SkippedEntries skipped = new SkippedEntries();
        this.history = new StreamHistory(connector, keys, new LuaScript("/redis/history.lua"), skipped);
        this.subscriber = new RedisSubscriber(settings, connector, keys, history, skipped, policies, fanOut, gapFound, longRunning,
                meters::redisReconnected,
                () -> reachable, () -> {
                    if (!reachable) {
                        try {
                            scheduler.execute(this::recheck);
                        } catch (java.util.concurrent.RejectedExecutionException e) {
                            LOG.log(Level.FINE, "Not checking Redis now: the scheduler is stopping", e);
                        }
                    }
                });
        this.presence = new RedisPresence(connector, keys);
        subscriber.presenceMessages(presence::onMessage);
        this.reachable = true;
        checkReachable();
        subscriber.start();
        long every = settings.pingInterval().toMillis();
        this.keeper = scheduler.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public java.util.Optional<io.realtime.gateway.broker.PresenceStore> presence() {
        return java.util.Optional.of(presence);
    }

    @Override
    public ChannelEvent publish(EventDraft draft, HistoryPolicy policy) {
        return publish(List.of(draft), List.of(policy), Fallback.CONFIGURED).events().get(0);
    }

    @Override
    public List<ChannelEvent> publishAll(List<EventDraft> drafts, List<HistoryPolicy> policies) {
        return publish(drafts, policies, Fallback.CONFIGURED).events();
    }

    @Override
    public Publication publish(List<EventDraft> drafts, List<HistoryPolicy> policies, Fallback choice) {
        if (drafts.isEmpty()) {
            return new Publication(List.of(), Delivery.CLUSTER);
        }
        JedisException failure = null;
        if (reachable) {
            try {
                List<RedisPublisher.Published> published = publisher.publish(drafts, policies);
                List<ChannelEvent> events = new ArrayList<>(published.size());
                Set<Integer> duplicates = new HashSet<>();
                for (int i = 0; i < published.size(); i++) {
                    events.add(published.get(i).event());
                    if (published.get(i).duplicate()) {
                        duplicates.add(i);
                    }
                }
                return new Publication(events, Delivery.CLUSTER, duplicates);
            } catch (JedisException e) {
                switch (RedisFailures.ofPublish(e, drafts.size() == 1)) {
                    case REFUSED -> throw new IllegalStateException("Redis refused the publish: " + e.getMessage(), e);
                    case OUTCOME_UNKNOWN -> {
                        // Sent, but no answer (a timeout, the connection lost before the answer): it may
                        // be in history already. Delivering it locally under another id could deliver it
                        // twice; the publisher retries (with its idempotency key, once Redis answers
                        // again, the retry cannot duplicate it).
                        UnavailableException unknown = new UnavailableException(
                                "Redis did not answer (a timeout, or the connection to it was lost): "
                                + "the event may or may not have been published. "
                                + "Retry with the same Idempotency-Key to publish it exactly once.");
                        unknown.initCause(e);
                        throw unknown;
                    }
                    case NOT_SENT_BUSY -> failure = e; // a pool wait: this publish falls back, the instance does not
                    case UNREACHABLE -> {
                        failure = e;
                        markUnreachable(e);
                    }
                }
            }
        }
        Fallback fallback = choice.or(settings.fallback());
        if (fallback == Fallback.REFUSE) {
            meters.publishRefused(drafts.size());
            UnavailableException e = new UnavailableException(
                    "Redis is unreachable: the event was not published (fallback: refuse). Retry later, "
                    + "or publish with fallback=local to deliver to this instance's subscribers only.");
            if (failure != null) {
                e.initCause(failure);
            }
            throw e;
        }
        return new Publication(publishLocally(drafts), Delivery.LOCAL);
    }

    /**
     * Delivers to this instance's subscribers under local ids (DESIGN §3): the channel's cluster
     * position here, then this instance's clock and counter. These events are not in Redis history,
     * and the core orders them apart from cluster ids, so the cluster events other instances publish
     * meanwhile (below them by the clock) still reach these subscribers when the link catches up
     * from the stream. A resume from a local id is a reset ({@link #historyAfter}).
     *
     * <p>The position is read and the event fired under the channel's lock, which the link's thread
     * also takes to fire ({@link RedisSubscriber#fireLocal}): every cluster event at or below the
     * position reaches the fan-out before the local one, none above it, so a subscriber that resumes
     * from the local id and gets history after its cluster part misses nothing of the cluster's.
     * Made under this broker's lock too, local parts keep publish order across channels.
     */
    private synchronized List<ChannelEvent> publishLocally(List<EventDraft> drafts) {
        List<ChannelEvent> events = new ArrayList<>(drafts.size());
        for (EventDraft draft : drafts) {
            long now = System.currentTimeMillis();
            lastLocalPart = lastLocalPart.next(now);
            EventId part = lastLocalPart;
            events.add(subscriber.fireLocal(draft.channel().value(),
                    at -> codec.encode(draft, EventId.local(at, part), now)));
        }
        meters.publishedLocalOnly(events.size());
        return events;
    }

    @Override
    public History historyAfter(String channel, EventId since, HistoryPolicy policy) {
        if (since != null && since.isLocal()) {
            // Delivered on one instance only: no history holds it, so nothing can vouch for what
            // the client missed around it (a reset). Its cluster part says where the cluster stood
            // when it was made: the cluster's events after that are replayed, so none is missed.
            History after = historyAfter(channel, since.cluster(), policy);
            return new History(after.events(), false, after.top());
        }
        if (reachable) {
            try {
                return history.after(channel, since, policy);
            } catch (JedisException e) {
                if (!RedisFailures.unavailable(e)) {
                    throw new IllegalStateException("Redis refused the history read: " + e.getMessage(), e);
                }
                markUnreachable(e);
            }
        }
        // Without Redis only what this instance itself knows can be vouched for: a subscriber that is
        // exactly where the channel is. Any other resume is a reset, and the live stream follows.
        EventId position = subscriber.position(channel);
        if (position != null) {
            return new History(List.of(), since == null || since.equals(position), position);
        }
        throw new UnavailableException("Redis is unreachable: the history of " + channel
                + " cannot be read now; retry later");
    }

    @Override
    public void channelActive(String channel) {
        subscriber.activate(channel);
    }

    @Override
    public void channelInactive(String channel) {
        subscriber.deactivate(channel);
    }

    @Override
    public BrokerStatus status() {
        boolean connected = reachable;
        boolean alive = subscriber.alive();
        String detail;
        if (!connected) {
            detail = "Redis unreachable since " + (System.currentTimeMillis() - unreachableSinceMs) / 1000
                    + " s (" + lastError + "); delivering locally only (fallback: "
                    + settings.fallback().name().toLowerCase(java.util.Locale.ROOT) + ")";
        } else if (!alive) {
            detail = "Redis subscriber link down (" + subscriber.lastError() + "); reconnecting";
        } else {
            detail = "connected to " + settings.where();
        }
        return new BrokerStatus(settings.mode(), connected, !connected || !alive, detail, alive,
                meters.redisReconnects(), subscriber.channelCount(), meters.localOnlyPublishes(),
                meters.refusedPublishes());
    }

    private void keepAlive() {
        try {
            subscriber.pingAll();
            checkReachable();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: log and carry on.
            LOG.log(Level.WARNING, "Redis liveness check failed", e);
        }
    }

    /** A subscriber link came up while Redis was thought unreachable: check at once, not at the next ping. */
    private void recheck() {
        try {
            checkReachable();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Redis reachability check failed", e);
        }
    }

    private void checkReachable() {
        try {
            connector.commands().ping();
            if (!reachable) {
                reachable = true;
                LOG.log(Level.INFO, "Redis at {0} reachable again after {1} ms",
                        new Object[] {settings.where(), System.currentTimeMillis() - unreachableSinceMs});
                subscriber.wakeLinks();
            }
        } catch (JedisException e) {
            markUnreachable(e);
        }
    }

    private void markUnreachable(JedisException e) {
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reachable) {
            reachable = false;
            unreachableSinceMs = System.currentTimeMillis();
            LOG.log(Level.WARNING, "Redis at {0} unreachable ({1}): serving local delivery only, reconnecting",
                    new Object[] {settings.where(), lastError});
        }
    }

    @Override
    public void close() {
        keeper.cancel(false);
        subscriber.close();
        connector.close();
    }
}
