package io.realtime.gateway.broker.redis;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Connection;

/**
 * A dedicated (non-pooled) connection for the subscriber link. Jedis keeps {@code flush()}
 * protected; the link writes (S)SUBSCRIBE and PING from callers' threads while its own thread reads,
 * so it needs to push the buffered commands out itself.
 */
final class LinkConnection extends Connection {

    LinkConnection(HostAndPort node, JedisClientConfig config) {
        super(node, config);
    }

    void flushNow() {
        flush();
    }
}
