package io.realtime.gateway.broker.local;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The broker of a single instance: ids from the local clock, history in memory, fan-out by firing
 * the CDI event right away. Per channel, id assignment, storage and firing happen under the
 * channel's log monitor, so subscribers see events in id order.
 */
public final class LocalBroker implements Broker {

    private final Map<String, ChannelLog> logs = new ConcurrentHashMap<>();
    private final EnvelopeCodec codec;
    private final Consumer<ChannelEvent> fanOut;
    private final LongSupplier clock;
    private final Idempotency idempotency;

    /**
     * @param fanOut      fires the CDI event; called under the channel's lock, so it must not block
     * @param idempotency how long, and how many per channel, idempotency keys are remembered
     */
    public LocalBroker(EnvelopeCodec codec, Consumer<ChannelEvent> fanOut, LongSupplier clock, Idempotency idempotency) {
        this.codec = codec;
        this.fanOut = fanOut;
        this.clock = clock;
        this.idempotency = idempotency;
    }

    @Override
    public ChannelEvent publish(EventDraft draft, HistoryPolicy policy) {
        return publishOne(draft, policy, null);
    }

    /**
     * Publishes unless the draft's idempotency key was published on its channel within the window;
     * then nothing is published and the first publish's id comes back ({@code duplicate} says so).
     */
    private ChannelEvent publishOne(EventDraft draft, HistoryPolicy policy, boolean[] duplicate) {
        while (true) {
            ChannelLog log = log(draft.channel().value());
            synchronized (log) {
                if (log.retired) {
                    continue; // swept between lookup and lock: take the fresh one
                }
                long now = clock.getAsLong();
                String key = draft.idempotencyKey();
                if (key != null) {
                    EventId first = log.published(key, idempotency.window(), now);
                    if (first != null) {
                        if (duplicate != null) {
                            duplicate[0] = true;
                        }
                        return codec.encode(draft, first, now);
                    }
                }
                ChannelEvent event = codec.encode(draft, log.nextId(now), now);
                log.append(event, policy, now);
                if (key != null) {
                    log.remember(key, event.id(), idempotency.window(), idempotency.maxKeysPerChannel(), now);
                }
                fanOut.accept(event);
                return event;
            }
        }
    }

    @Override
    public List<ChannelEvent> publishAll(List<EventDraft> drafts, List<HistoryPolicy> policies) {
        return publish(drafts, policies, Fallback.CONFIGURED).events();
    }

    @Override
    public Publication publish(List<EventDraft> drafts, List<HistoryPolicy> policies, Fallback fallback) {
        List<ChannelEvent> events = new ArrayList<>(drafts.size());
        Set<Integer> duplicates = new HashSet<>();
        boolean[] duplicate = new boolean[1];
        for (int i = 0; i < drafts.size(); i++) {
            duplicate[0] = false;
            events.add(publishOne(drafts.get(i), policies.get(i), duplicate));
            if (duplicate[0]) {
                duplicates.add(i);
            }
        }
        return new Publication(events, Delivery.LOCAL, duplicates);
    }

    @Override
    public History historyAfter(String channel, EventId since, HistoryPolicy policy) {
        while (true) {
            ChannelLog log = log(channel);
            synchronized (log) {
                if (!log.retired) {
                    return log.after(since, policy, clock.getAsLong());
                }
            }
        }
    }

    /**
     * A channel with no log has no history: answered from an empty log that is not kept, so a client
     * reading the history of made-up names leaves nothing behind (a subscriber or a publish makes
     * the channel's log).
     */
    @Override
    public History readHistory(String channel, EventId since, HistoryPolicy policy) {
        ChannelLog log = logs.get(channel);
        if (log == null) {
            long now = clock.getAsLong();
            return new ChannelLog(now).after(since, policy, now);
        }
        return historyAfter(channel, since, policy);
    }

    /** Every event is fired locally already; the channel's log is only kept from the sweep. */
    @Override
    public void channelActive(String channel) {
        while (true) {
            ChannelLog log = log(channel);
            synchronized (log) {
                if (!log.retired) {
                    log.subscribed = true;
                    return;
                }
            }
        }
    }

    /** History stays until it expires; an idle log may be swept again. */
    @Override
    public void channelInactive(String channel) {
        ChannelLog log = logs.get(channel);
        if (log != null) {
            synchronized (log) {
                log.subscribed = false;
            }
        }
    }

    /**
     * Forgets channels whose history expired, that nobody touched within their TTL and that have no
     * local subscriber, so memory follows the live channel set. Called periodically.
     */
    public int sweep(java.util.function.Function<String, HistoryPolicy> policyOf) {
        int removed = 0;
        long now = clock.getAsLong();
        for (Map.Entry<String, ChannelLog> entry : logs.entrySet()) {
            ChannelLog log = entry.getValue();
            synchronized (log) {
                if (log.expire(policyOf.apply(entry.getKey()), now) && !log.subscribed) {
                    log.retired = true;
                    logs.remove(entry.getKey(), log);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Number of channels with a log in memory. */
    public int channelCount() {
        return logs.size();
    }

    @Override
    public BrokerStatus status() {
        return new BrokerStatus("local", true, false, "in-memory, single instance");
    }

    @Override
    public void close() {
        logs.clear();
    }

    private ChannelLog log(String channel) {
        return logs.computeIfAbsent(channel, c -> new ChannelLog(clock.getAsLong()));
    }
}
