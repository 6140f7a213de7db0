package io.realtime.gateway.redis;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The one place a Redis connection is configured (URL, TLS, ACL user and password, database,
 * protocol, timeouts) and a pooled client built, so every user of Redis reaches it the same way.
 */
public final class RedisClients {

    private RedisClients() {
    }

    /**
     * How a connection named {@code name} (seen in {@code CLIENT LIST}) is opened. RESP2 for all:
     * the broker's subscriber link reads pub/sub replies as plain arrays, and one protocol keeps
     * every client's replies alike whatever the server's default.
     */
    public static JedisClientConfig config(RedisEndpoint endpoint, String name) {
        URI url = endpoint.urls().get(0);
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .protocol(RedisProtocol.RESP2)
                .connectionTimeoutMillis((int) endpoint.timeout().toMillis())
                .socketTimeoutMillis((int) endpoint.timeout().toMillis())
                .clientName(name)
                .ssl(JedisURIHelper.isRedisSSLScheme(url));
        String user = JedisURIHelper.getUser(url);
        String password = JedisURIHelper.getPassword(url);
        if (user != null && !user.isEmpty()) {
            b.user(user);
        }
        if (password != null) {
            b.password(password);
        }
        // A cluster has one database only: a /db in its seed URLs is ignored, not sent (SELECT fails there).
        if (!endpoint.cluster() && JedisURIHelper.hasDbIndex(url)) {
            b.database(JedisURIHelper.getDBIndex(url));
        }
        return b.build();
    }

    /** The seed nodes, in the configured order. */
    public static Set<HostAndPort> seeds(RedisEndpoint endpoint) {
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        for (URI url : endpoint.urls()) {
            seeds.add(JedisURIHelper.getHostAndPort(url));
        }
        return seeds;
    }

    /**
     * A pool of at most {@code size} connections per node; a borrower waits at most the timeout, so
     * a caller with a fallback reaches it in time instead of queueing behind a dead Redis.
     */
    public static ConnectionPoolConfig pool(RedisEndpoint endpoint, int size) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(size);
        pool.setMaxIdle(size);
        pool.setMinIdle(0);
        pool.setMaxWait(endpoint.timeout());
        pool.setTestWhileIdle(false);
        return pool;
    }

    /**
     * A pooled client (standalone or cluster) named {@code name}. A cluster client reads the slot map
     * now, so it throws while no seed answers: callers that must start without Redis build it lazily.
     */
    public static UnifiedJedis pooled(RedisEndpoint endpoint, String name, int poolSize) {
        JedisClientConfig config = config(endpoint, name);
        ConnectionPoolConfig pool = pool(endpoint, poolSize);
        if (endpoint.cluster()) {
            return RedisClusterClient.builder().nodes(seeds(endpoint)).clientConfig(config).poolConfig(pool).build();
        }
        return RedisClient.builder().hostAndPort(seeds(endpoint).iterator().next())
                .clientConfig(config).poolConfig(pool).build();
    }
}
