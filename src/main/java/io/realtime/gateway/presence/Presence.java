package io.realtime.gateway.presence;

import io.realtime.gateway.broker.PresenceStore;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.Subscriber;
import io.realtime.gateway.channel.SubscriptionWatch;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
import io.realtime.gateway.event.UnavailableException;
import io.realtime.gateway.event.Utf8;
import io.realtime.gateway.metrics.GatewayMeters;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Who is on a channel (DESIGN §11): told by the channel core of each subscription that goes live
 * or ends ({@link SubscriptionWatch}), only for namespaces with presence on, it keeps this instance's
 * members and, with Redis, shares them: joins and leaves gather for {@code flush} and go out together
 * (a channel's in one script call, all in one pipeline); every {@code refresh} the instance re-adds
 * its live members (moving their expiry on) and sweeps the channels it has members on for members
 * whose instance stopped doing so. Joins and leaves come back through the channel's pub/sub, from
 * every instance, and go to the channel's subscribers as signals, not events. Without Redis it is
 * all in this instance's memory.
 *
 * <p>While Redis cannot be reached, reads answer from this instance's members with {@code partial};
 * the next successful refresh re-adds them all (Redis may have lost them), after which reads are whole again.
 */
@ApplicationScoped
public class Presence implements SubscriptionWatch {

    private static final Logger LOG = Logger.getLogger(Presence.class.getName());
    /** While Redis is unreachable, how often the refresh tries again (the refresh period when shorter). */
    private static final long RETRY_MS = 1_000;
    static final int DEFAULT_PAGE = 100;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private PresenceSettings settings;
    private ChannelManager core;
    private Optional<PresenceStore> store;
    /** This instance's members: channel to member id to member. Changed with {@link #pending} under {@code lock}. */
    private final Map<String, Map<String, Member>> local = new ConcurrentHashMap<>();
    /** Changes not yet sent to the store, one per channel and member (the latest wins), in order. */
    private final LinkedHashMap<String, PresenceStore.Change> pending = new LinkedHashMap<>();
    private final Object lock = new Object();
    /** Serialises what goes to the store: a flush never overtakes a refresh, nor a refresh a flush. */
    private final Object storeLock = new Object();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** False after a failed write to the store, until a refresh has put this instance's members back. */
    private volatile boolean whole = true;
    private GatewayMeters meters;
    private ScheduledFuture<?> refresher;

    protected Presence() {
        // for the CDI proxy
    }

    @Inject
    public Presence(Config config, GatewayConfig gateway, ChannelManager core, GatewayMeters meters) {
        this(PresenceSettings.from(config, gateway.namespaces().all().keySet()), core, core.broker().presence(), meters);
    }

    Presence(PresenceSettings settings, ChannelManager core, Optional<PresenceStore> store, GatewayMeters meters) {
        this.settings = settings;
        this.core = core;
        this.meters = meters;
        this.store = settings.namespaces().isEmpty() ? Optional.empty() : store;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (store.isEmpty()) {
            return; // in memory, or no namespace has presence on: nothing runs
        }
        store.get().listen(this::heard);
        refresher = scheduler.scheduleWithFixedDelay(this::refreshTick, settings.refresh().toMillis(),
                Math.min(RETRY_MS, settings.refresh().toMillis()), TimeUnit.MILLISECONDS);
        LOG.info("Presence on for " + settings.namespaces() + " (join/leave: " + settings.joinLeave()
                + "), shared through Redis, TTL " + settings.ttl().toSeconds() + " s");
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.cancel(false);
        }
    }

    public PresenceSettings settings() {
        return settings;
    }

    @Override
    public boolean watches(String channel) {
        return settings.on(channel);
    }

    /**
     * The client info a subscribe carries, checked: null when there is none or the channel has no
     * presence (it would be shown nowhere), else its compact JSON.
     *
     * @throws InvalidInputException not an object, or larger than {@code gateway.presence.info-max-bytes}
     */
    public String info(ChannelName channel, JsonValue info) {
        if (info == null || info.getValueType() == JsonValue.ValueType.NULL || !settings.on(channel.value())) {
            return null;
        }
        if (info.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'info' must be a JSON object");
        }
        String json = info.toString();
        if (Utf8.longerThan(json, settings.infoMaxBytes())) {
            throw new LimitException("presence_info_bytes", ErrorCode.TOO_LARGE,
                    "Presence info is larger than " + settings.infoMaxBytes() + " bytes as compact JSON");
        }
        return json;
    }

    @Override
    public void subscribed(Subscriber subscriber, String channel, String info) {
        Subscriber.Identity who = subscriber.identity();
        if (who == null) {
            return;
        }
        Member before;
        Member member;
        synchronized (lock) {
            Map<String, Member> members = local.computeIfAbsent(channel, c -> new ConcurrentHashMap<>());
            before = members.get(who.id());
            // A resubscribe is the same member, joined when it first did; only its info may change.
            member = Member.of(who.id(), who.user(), who.transport(), settings.instance(),
                    before == null ? System.currentTimeMillis() : before.joinedAtMs(), info);
            if (before != null && before.json().equals(member.json())) {
                return;
            }
            members.put(who.id(), member);
            if (store.isPresent()) {
                queue(new PresenceStore.Change(channel, who.id(), member.json(), true, settings.announces(channel)));
            }
        }
        if (before == null) {
            meters.presenceJoined();
            if (store.isEmpty() && settings.announces(channel)) {
                core.signal(channel, "join", Member.signal(channel, member.json()), who.id());
            }
        }
    }

    @Override
    public void unsubscribed(Subscriber subscriber, String channel) {
        Subscriber.Identity who = subscriber.identity();
        if (who == null) {
            return;
        }
        Member gone;
        synchronized (lock) {
            Map<String, Member> members = local.get(channel);
            gone = members == null ? null : members.remove(who.id());
            if (gone == null) {
                return;
            }
            if (members.isEmpty()) {
                local.remove(channel);
            }
            if (store.isPresent()) {
                queue(new PresenceStore.Change(channel, who.id(), gone.json(), false, settings.announces(channel)));
            }
        }
        meters.presenceLeft();
        if (store.isEmpty() && settings.announces(channel)) {
            core.signal(channel, "leave", Member.signal(channel, gone.json()), who.id());
        }
    }

    /** Under {@code lock}: a join queued after a leave of the same member replaces it, and so on. */
    private void queue(PresenceStore.Change change) {
        String key = change.channel() + ' ' + change.memberId();
        pending.remove(key);
        pending.put(key, change);
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::flush, settings.flush().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flushScheduled.set(false); // stopping: the members expire in Redis by themselves
            }
        }
    }

    private List<PresenceStore.Change> drain() {
        synchronized (lock) {
            flushScheduled.set(false);
            List<PresenceStore.Change> changes = new ArrayList<>(pending.values());
            pending.clear();
            return changes;
        }
    }

    /** Sends what gathered: one round trip, whatever the number of joins and leaves. */
    void flush() {
        synchronized (storeLock) {
            List<PresenceStore.Change> changes = drain();
            if (changes.isEmpty()) {
                return;
            }
            try {
                store.get().apply(changes, settings.ttl());
            } catch (UnavailableException e) {
                // Joins are put back by the next refresh; a lost leave's member expires and its leave is announced then.
                failed(e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Sending presence changes to Redis failed", e);
                failed(e);
            }
        }
    }

    private void failed(RuntimeException e) {
        if (whole) {
            LOG.log(Level.WARNING, "Presence could not reach Redis ({0}): reads answer this instance''s members "
                    + "(partial) until it is back", e.getMessage());
        }
        whole = false;
    }

    /** On the refresh period, or every second while Redis was unreachable; a no-op in between. */
    private long lastRefreshMs;

    private void refreshTick() {
        long now = System.currentTimeMillis();
        if (whole && now - lastRefreshMs < settings.refresh().toMillis() - RETRY_MS / 2) {
            return;
        }
        refresh();
    }

    /**
     * Re-adds every member of this instance (moving its expiry on, and putting it back if Redis lost
     * it) after whatever waited to be sent, then removes the expired members of the same channels.
     *
     * @return whether the store took it
     */
    boolean refresh() {
        synchronized (storeLock) {
            List<PresenceStore.Change> changes;
            List<String> channels;
            synchronized (lock) {
                changes = drain();
                channels = new ArrayList<>(local.keySet());
                for (Map.Entry<String, Map<String, Member>> entry : local.entrySet()) {
                    boolean announce = settings.announces(entry.getKey());
                    for (Member m : entry.getValue().values()) {
                        changes.add(new PresenceStore.Change(entry.getKey(), m.id(), m.json(), true, announce));
                    }
                }
            }
            try {
                store.get().apply(changes, settings.ttl());
                store.get().sweep(channels, settings::announces);
                lastRefreshMs = System.currentTimeMillis();
                if (!whole) {
                    LOG.info("Presence reaches Redis again: this instance's members are back in it");
                }
                whole = true;
                return true;
            } catch (RuntimeException e) {
                failed(e);
                return false;
            }
        }
    }

    /** A join or leave announced in Redis, from any instance: to the channel's subscribers here. */
    private void heard(String channel, String kind, String memberId, String memberJson) {
        if (("join".equals(kind) || "leave".equals(kind)) && settings.announces(channel)) {
            core.signal(channel, kind, Member.signal(channel, memberJson), memberId);
        }
    }

    /** A page of a channel's members, in member id order, and whether it comes from this instance only. */
    public record Page(List<String> members, String next, boolean partial) {
    }

    /** Members, distinct named users, and whether the counts are this instance's only. */
    public record Stats(int connections, int users, boolean partial) {
    }

    /** @throws InvalidInputException {@code not_found} when the channel's namespace has presence off */
    public Page members(ChannelName channel, String after, Integer limit) {
        String name = checkOn(channel);
        int max = limit == null ? Math.min(DEFAULT_PAGE, settings.pageMax()) : limit;
        if (max < 1 || max > settings.pageMax()) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST,
                    "'limit' must be an integer from 1 to " + settings.pageMax());
        }
        if (store.isPresent() && (whole || refresh())) {
            flush(); // read your own joins: a page that subscribed, then reads, is among the members
            try {
                PresenceStore.Page page = store.get().members(name, after, max, settings.announces(name));
                return new Page(page.members(), page.next(), false);
            } catch (UnavailableException e) {
                failed(e);
            }
        }
        TreeMap<String, Member> sorted = new TreeMap<>(local.getOrDefault(name, Map.of()));
        List<String> members = new ArrayList<>();
        String next = null;
        String lastId = null;
        for (Member m : (after == null ? sorted : sorted.tailMap(after, false)).values()) {
            if (members.size() == max) {
                next = lastId;
                break;
            }
            members.add(m.json());
            lastId = m.id();
        }
        return new Page(members, next, store.isPresent());
    }

    public Stats stats(ChannelName channel) {
        String name = checkOn(channel);
        if (store.isPresent() && (whole || refresh())) {
            flush();
            try {
                PresenceStore.Counts counts = store.get().counts(name, settings.announces(name));
                return new Stats(counts.connections(), counts.users(), false);
            } catch (UnavailableException e) {
                failed(e);
            }
        }
        Map<String, Member> members = local.getOrDefault(name, Map.of());
        Set<String> users = new HashSet<>();
        for (Member m : members.values()) {
            if (m.user() != null) {
                users.add(m.user());
            }
        }
        return new Stats(members.size(), users.size(), store.isPresent());
    }

    private String checkOn(ChannelName channel) {
        if (!settings.on(channel.value())) {
            throw new InvalidInputException(ErrorCode.NOT_FOUND, "Presence is off for namespace '"
                    + channel.namespace() + "' (gateway.namespace." + channel.namespace() + ".presence)");
        }
        return channel.value();
    }

    /** This instance's members per namespace with presence on: the metrics gauge. */
    public Map<String, Integer> localMembersByNamespace() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String ns : settings.namespaces()) {
            counts.put(ns, 0);
        }
        for (Map.Entry<String, Map<String, Member>> entry : local.entrySet()) {
            counts.merge(PresenceSettings.namespaceOf(entry.getKey()), entry.getValue().size(), Integer::sum);
        }
        return counts;
    }
}
