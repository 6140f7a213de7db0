package io.realtime.gateway.broker.redis;

import io.realtime.gateway.redis.RedisClients;
import io.realtime.gateway.redis.RedisEndpoint;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * Where the Redis deployment is and how to reach it: the pooled client for commands, the node that
 * serves a slot, and dedicated connections for subscriber links. Standalone or Redis Cluster.
 *
 * <p>A cluster client needs the slot map to exist, which needs a reachable node; it is built on first
 * use and rebuilt after a failed attempt, so a gateway started while Redis is down comes up anyway.
 */
final class RedisConnector implements AutoCloseable {

    private final RedisSettings settings;
    private final JedisClientConfig commandConfig;
    private final JedisClientConfig linkConfig;
    private final Set<HostAndPort> seeds = new LinkedHashSet<>();
    private final ConnectionPoolConfig poolConfig;
    private final Set<String> notResent;
    /** Standalone: built at once (its pool connects lazily). Cluster: built on first use. */
    private volatile UnifiedJedis commands;
    private volatile ClusterConnectionProvider clusterProvider;
    private boolean closed;

    /**
     * @param notResent the SHA1s of the scripts a Redis Cluster client must not send again once they
     *                  may have run (the publish script: sent twice, it appends the event twice)
     */
    RedisConnector(RedisSettings settings, Set<String> notResent) {
        this.settings = settings;
        this.notResent = notResent;
        RedisEndpoint endpoint = settings.endpoint();
        seeds.addAll(RedisClients.seeds(endpoint));
        this.commandConfig = RedisClients.config(endpoint, "rt-gateway");
        this.linkConfig = RedisClients.config(endpoint, "rt-gateway-subscriber");
        // Never wait forever for a pooled connection: a publish must fail over to its fallback in time.
        this.poolConfig = RedisClients.pool(endpoint, settings.poolSize());
        if (!settings.cluster()) {
            commands = RedisClient.builder().hostAndPort(seeds.iterator().next())
                    .clientConfig(commandConfig).poolConfig(poolConfig).build();
        }
    }

    boolean sharded() {
        return settings.cluster();
    }

    /**
     * The pooled client for commands.
     *
     * @throws JedisConnectionException if a cluster's slot map cannot be had now
     */
    UnifiedJedis commands() {
        UnifiedJedis c = commands;
        return c != null ? c : buildCluster();
    }

    private synchronized UnifiedJedis buildCluster() {
        if (commands != null) {
            return commands;
        }
        if (closed) {
            throw new JedisConnectionException("closed");
        }
        try {
            ClusterConnectionProvider provider = new ClusterConnectionProvider(seeds, commandConfig, poolConfig);
            clusterProvider = provider;
            // Jedis's defaults: three attempts, within three command timeouts.
            commands = RedisClusterClient.builder().nodes(seeds).connectionProvider(provider).clientConfig(commandConfig)
                    .commandExecutor(new NoResendClusterExecutor(provider, 3, settings.endpoint().timeout().multipliedBy(3),
                            notResent))
                    .build();
            return commands;
        } catch (JedisException e) {
            throw e instanceof JedisConnectionException ce ? ce
                    : new JedisConnectionException("Redis Cluster unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * The node whose link carries a channel's pub/sub: the one node when standalone, the master of
     * the channel's slot in a cluster.
     */
    HostAndPort nodeFor(int slot) {
        if (!settings.cluster()) {
            return seeds.iterator().next();
        }
        commands();
        HostAndPort node = clusterProvider.getNode(slot);
        if (node == null) {
            clusterProvider.renewSlotCache();
            node = clusterProvider.getNode(slot);
        }
        if (node == null) {
            throw new JedisConnectionException("no Redis Cluster node serves slot " + slot);
        }
        return node;
    }

    /** Re-reads the cluster's slot map (after a link failure or a MOVED reply). */
    void refreshTopology() {
        if (settings.cluster()) {
            commands();
            clusterProvider.renewSlotCache();
        }
    }

    /** A new dedicated connection to {@code node}, authenticated and named, for a subscriber link. */
    LinkConnection openLink(HostAndPort node) {
        return new LinkConnection(node, linkConfig);
    }

    @Override
    public synchronized void close() {
        closed = true;
        UnifiedJedis c = commands;
        if (c != null) {
            c.close();
        }
    }
}
