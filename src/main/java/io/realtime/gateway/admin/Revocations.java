package io.realtime.gateway.admin;

import io.realtime.gateway.broker.redis.RedisSettings;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.security.RevokedTokens;
import io.realtime.gateway.stream.RedisStreamState;
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
import java.io.StringReader;
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
 * listening now and kept in the sorted set {@code <prefix>revoked} (token id, scored by its expiry)
 * for any that start or reconnect later. A revoked token is refused on connect until it expires.
 */
@ApplicationScoped
public class Revocations {

    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());

    @Resource
    ManagedThreadFactory threads;

    private ConnectionRegistry connections;
    private RevokedTokens revoked;
    private Optional<RedisSettings> settings;
    private String channel;
    private String revokedKey;
    private volatile boolean running;
    private volatile UnifiedJedis redis;
    private volatile JedisPubSub listener;

    protected Revocations() {
        // for the CDI proxy
    }

    @Inject
    public Revocations(ConnectionRegistry connections, RevokedTokens revoked, Config config) {
        this.connections = connections;
        this.revoked = revoked;
        this.settings = RedisSettings.from(config);
        String prefix = settings.map(RedisSettings::keyPrefix).orElse("rt:");
        this.channel = prefix + "ctl:access";
        this.revokedKey = prefix + "revoked";
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (settings.isEmpty()) {
            return;
        }
        redis = RedisStreamState.client(settings.get(), "rt-gateway-access", 3);
        running = true;
        Thread thread = threads.newThread(this::listen);
        thread.setName("redis-access-control");
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends every connection of the user, on every instance; @return how many were here */
    public int disconnectUser(String userId) {
        broadcast(JsonFactories.object().add("op", "disconnect").add("user", userId).build().toString());
        return connections.closeForAccess(c -> userId.equals(c.subject()), "user disconnected by an administrator");
    }

    /** Refuses the token until it expires and ends its sessions, on every instance; @return how many were here */
    public int revokeToken(String tokenId, long expiresAtMs) {
        revoked.revoke(tokenId, expiresAtMs);
        UnifiedJedis client = redis;
        if (client != null) {
            try {
                client.zadd(revokedKey, expiresAtMs, tokenId);
            } catch (JedisException e) {
                LOG.log(Level.WARNING, "Revocation of token " + tokenId + " not stored in Redis: only instances "
                        + "listening now hear of it", e);
            }
        }
        broadcast(JsonFactories.object().add("op", "revoke").add("jti", tokenId).add("exp", expiresAtMs)
                .build().toString());
        return connections.closeForAccess(c -> tokenId.equals(c.tokenId()), "token revoked");
    }

    private void broadcast(String message) {
        UnifiedJedis client = redis;
        if (client == null) {
            return;
        }
        try {
            client.publish(channel, message);
        } catch (JedisException e) {
            LOG.log(Level.WARNING, "Access control message not sent through Redis (other instances keep their "
                    + "sessions until Redis is back): " + message, e);
        }
    }

    /** Listens for other instances' revocations; on every (re)connect first loads the stored ones. */
    private void listen() {
        while (running) {
            try {
                loadStored();
                listener = new JedisPubSub() {
                    @Override
                    public void onMessage(String from, String message) {
                        apply(message);
                    }
                };
                redis.subscribe(listener, channel);
            } catch (JedisException e) {
                if (running) {
                    LOG.log(Level.FINE, "access control link to Redis lost; retrying", e);
                    pause();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "access control listener failed; retrying", e);
                pause();
            }
        }
    }

    private void loadStored() {
        long now = System.currentTimeMillis();
        redis.zremrangeByScore(revokedKey, Double.NEGATIVE_INFINITY, now);
        for (redis.clients.jedis.resps.Tuple t : redis.zrangeByScoreWithScores(revokedKey, now, Double.POSITIVE_INFINITY)) {
            if (revoked.revoke(t.getElement(), (long) t.getScore())) {
                connections.closeForAccess(c -> t.getElement().equals(c.tokenId()), "token revoked");
            }
        }
    }

    private void apply(String message) {
        try (JsonReader reader = JsonFactories.reader(new StringReader(message))) {
            JsonObject m = reader.readObject();
            switch (m.getString("op", "")) {
                case "disconnect" -> {
                    String user = m.getString("user");
                    connections.closeForAccess(c -> user.equals(c.subject()), "user disconnected by an administrator");
                }
                case "revoke" -> {
                    String id = m.getString("jti");
                    revoked.revoke(id, m.getJsonNumber("exp").longValue());
                    connections.closeForAccess(c -> id.equals(c.tokenId()), "token revoked");
                }
                default -> LOG.fine("unknown access control message: " + message);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable access control message: " + message, e);
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        JedisPubSub l = listener;
        if (l != null) {
            try {
                l.unsubscribe();
            } catch (RuntimeException e) {
                // not subscribed (any more)
            }
        }
        if (redis != null) {
            redis.close();
        }
    }
}
