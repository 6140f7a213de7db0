package io.realtime.gateway.admin;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.security.RevokedTokens;
import io.realtime.gateway.redis.Backoff;
import io.realtime.gateway.redis.RedisClients;
import io.realtime.gateway.redis.RedisEndpoint;
import io.realtime.gateway.redis.RedisLoop;
import io.realtime.gateway.transport.ConnectionRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import io.realtime.gateway.event.LogText;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Ends users' and tokens' sessions before their tokens expire (DESIGN §7), on every instance: here at
 * once, and in cluster mode through Redis, published on {@code <prefix>ctl:access} for the instances
 * listening now and kept for any that start or reconnect later: revoked token ids in the sorted set
 * {@code <prefix>revoked} (scored by the token's expiry), disconnected users in
 * {@code <prefix>disconnects} (scored by the time of the disconnect, kept a day). A revoked token is
 * refused on connect until it expires.
 *
 * <p>Neither is lost to a Redis outage: what could not be stored and published is held here, in
 * order, and a replay thread retries it (with back-off) until Redis takes it; meanwhile this
 * instance applies it locally. A listener that comes back reads both sets, so an instance whose own
 * link was down when the message went out catches up too. A disconnect heard late ends only the
 * user's connections opened before it: the user may have reconnected since, as a disconnect allows.
 */
@ApplicationScoped
public class Revocations {

    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());
    /** How long a disconnect is kept for instances that were away: longer than any outage worth replaying. */
    static final long DISCONNECT_KEEP_MS = 24 * 3600_000L;
    /** Held actions past this are dropped oldest first (with a warning): admin actions, so never in practice. */
    private static final int MAX_HELD = 100_000;
    /** The listener's reconnect back-off: quick at first, as a revocation heard late is a session left open. */
    private static final Duration LISTEN_RETRY_MIN = Duration.ofMillis(500);
    private static final Duration LISTEN_RETRY_MAX = Duration.ofSeconds(10);

    @Resource
    ManagedThreadFactory threads;

    private ConnectionRegistry connections;
    private RevokedTokens revoked;
    private Optional<RedisEndpoint> settings;
    private String channel;
    private String revokedKey;
    private String disconnectsKey;
    private volatile boolean running;
    private volatile UnifiedJedis redis;
    private volatile JedisPubSub listener;
    private volatile RedisLoop listening;
    /** Whether handing actions to Redis fails now: the first failure of an outage is a warning, with its cause. */
    private volatile boolean handOffFailing;
    /** Actions not yet stored and published through Redis, oldest first; guarded by itself. */
    private final Deque<Action> held = new ArrayDeque<>();

    /** One admin action, as stored and published. */
    record Action(String op, String subject, long at) {

        /** @param subject the user (disconnect) or the token id (revoke); {@code at}: the disconnect's time or the token's expiry */
        String message() {
            return "disconnect".equals(op)
                    ? JsonFactories.object().add("op", op).add("user", subject).add("at", at).build().toString()
                    : JsonFactories.object().add("op", op).add("jti", subject).add("exp", at).build().toString();
        }
    }

    protected Revocations() {
        // for the CDI proxy
    }

    @Inject
    public Revocations(ConnectionRegistry connections, RevokedTokens revoked, Config config) {
        this.connections = connections;
        this.revoked = revoked;
        this.settings = RedisEndpoint.from(config);
        String prefix = settings.map(RedisEndpoint::keyPrefix).orElse("rt:");
        this.channel = prefix + "ctl:access";
        this.revokedKey = prefix + "revoked";
        this.disconnectsKey = prefix + "disconnects";
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (settings.isEmpty()) {
            return;
        }
        redis = RedisClients.pooled(settings.get(), "rt-gateway-access", 3);
        running = true;
        listening = RedisLoop.start(threads, "redis-access-control", LISTEN_RETRY_MIN, LISTEN_RETRY_MAX,
                this::listen, failure -> { });
        Thread replay = threads.newThread(this::replayHeld);
        replay.setName("redis-access-replay");
        replay.setDaemon(true);
        replay.start();
    }

    /** Whether this instance shares access control through Redis (cluster mode). */
    public boolean clustered() {
        return settings.isPresent();
    }

    /** How many admin actions wait for Redis to take them. */
    public int held() {
        synchronized (held) {
            return held.size();
        }
    }

    /** Ends every connection of the user, on every instance; @return how many were here */
    public int disconnectUser(String userId) {
        long now = System.currentTimeMillis();
        share(new Action("disconnect", userId, now));
        return connections.closeForAccess(c -> userId.equals(c.subject()), "user disconnected by an administrator");
    }

    /** Refuses the token until it expires and ends its sessions, on every instance; @return how many were here */
    public int revokeToken(String tokenId, long expiresAtMs) {
        revoked.revoke(tokenId, expiresAtMs);
        share(new Action("revoke", tokenId, expiresAtMs));
        return connections.closeForAccess(c -> tokenId.equals(c.tokenId()), "token revoked");
    }

    /** Queues the action behind any held ones and tries to hand them all to Redis now. */
    private void share(Action action) {
        if (redis == null) {
            return;
        }
        synchronized (held) {
            if (held.size() >= MAX_HELD) {
                Action dropped = held.removeFirst();
                LOG.warning("Too many access control actions wait for Redis: dropped " + dropped.op() + " of "
                        + LogText.escape(dropped.subject()));
            }
            held.addLast(action);
        }
        if (!flush()) {
            LOG.warning("Redis unreachable: " + action.op() + " of " + LogText.escape(action.subject())
                    + " applied here and held until Redis is back (" + held() + " waiting)");
        }
        synchronized (held) {
            held.notifyAll();
        }
    }

    /**
     * Stores and publishes the held actions, oldest first, each removed once Redis took it.
     *
     * @return true if none is left
     */
    private boolean flush() {
        synchronized (held) {
            UnifiedJedis client = redis;
            while (!held.isEmpty()) {
                Action next = held.peekFirst();
                try {
                    if ("revoke".equals(next.op())) {
                        client.zadd(revokedKey, next.at(), next.subject());
                    } else {
                        client.zadd(disconnectsKey, next.at(), next.subject());
                    }
                    client.publish(channel, next.message());
                } catch (JedisException e) {
                    if (!handOffFailing) {
                        handOffFailing = true;
                        LOG.log(Level.WARNING, "Redis did not take the access control action " + next.op()
                                + " (" + e + "): held and retried with back-off", e);
                    } else {
                        LOG.log(Level.FINE, "access control action not handed to Redis yet", e);
                    }
                    return false;
                }
                held.removeFirst();
            }
            handOffFailing = false;
            return true;
        }
    }

    /** Retries the held actions until Redis takes them (jittered back-off from 1 s up to 30 s). */
    private void replayHeld() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        while (running) {
            synchronized (held) {
                while (running && held.isEmpty()) {
                    try {
                        held.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (!running) {
                return;
            }
            int before = held();
            if (flush()) {
                LOG.info("Redis is back: " + before + " held access control actions stored and published");
                backoff.reset();
                continue;
            }
            try {
                Thread.sleep(backoff.nextDelayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Listens for other instances' revocations until unsubscribed (at stop); on every (re)connect
     * first loads the stored ones. A lost link ends this round and the loop backs off and retries.
     */
    private long listen() {
        loadStored();
        RedisLoop loop = listening;
        if (loop != null) {
            loop.answered(); // the subscription below blocks while Redis is healthy
        }
        listener = new JedisPubSub() {
            @Override
            public void onMessage(String from, String message) {
                apply(message);
            }
        };
        redis.subscribe(listener, channel);
        return 0;
    }

    private void loadStored() {
        long now = System.currentTimeMillis();
        redis.zremrangeByScore(revokedKey, Double.NEGATIVE_INFINITY, now);
        for (redis.clients.jedis.resps.Tuple t : redis.zrangeByScoreWithScores(revokedKey, now, Double.POSITIVE_INFINITY)) {
            if (revoked.revoke(t.getElement(), (long) t.getScore())) {
                connections.closeForAccess(c -> t.getElement().equals(c.tokenId()), "token revoked");
            }
        }
        redis.zremrangeByScore(disconnectsKey, Double.NEGATIVE_INFINITY, now - DISCONNECT_KEEP_MS);
        for (redis.clients.jedis.resps.Tuple t : redis.zrangeByScoreWithScores(disconnectsKey,
                now - DISCONNECT_KEEP_MS, Double.POSITIVE_INFINITY)) {
            disconnectOpenedBefore(t.getElement(), (long) t.getScore());
        }
        // What this instance holds is applied here already; the replay thread hands it on.
        synchronized (held) {
            held.notifyAll();
        }
    }

    private void disconnectOpenedBefore(String user, long at) {
        connections.closeConnectionsForAccess(c -> user.equals(c.caller().subject()) && c.openedAtMs() <= at,
                "user disconnected by an administrator");
    }

    private void apply(String message) {
        try (JsonReader reader = JsonFactories.reader(new StringReader(message))) {
            JsonObject m = reader.readObject();
            switch (m.getString("op", "")) {
                case "disconnect" -> {
                    String user = m.getString("user");
                    // An older instance sends no time: every connection of the user then.
                    disconnectOpenedBefore(user, m.containsKey("at") ? m.getJsonNumber("at").longValue() : Long.MAX_VALUE);
                }
                case "revoke" -> {
                    String id = m.getString("jti");
                    revoked.revoke(id, m.getJsonNumber("exp").longValue());
                    connections.closeForAccess(c -> id.equals(c.tokenId()), "token revoked");
                }
                default -> LOG.fine("unknown access control message: " + LogText.escape(message));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable access control message: " + LogText.escape(message), e);
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        synchronized (held) {
            held.notifyAll();
            if (!held.isEmpty()) {
                LOG.warning(held.size() + " access control actions never reached Redis (it was unreachable until "
                        + "this instance stopped): other instances did not hear of them");
            }
        }
        RedisLoop loop = listening;
        if (loop != null) {
            loop.stop();
        }
        JedisPubSub l = listener;
        if (l != null) {
            try {
                l.unsubscribe();
            } catch (JedisException e) {
                // Its link is gone already (Redis down): the loop has ended or ends at its next step.
                LOG.log(Level.FINE, "access control listener had no link to unsubscribe at stop", e);
            }
        }
        if (redis != null) {
            redis.close();
        }
    }
}
