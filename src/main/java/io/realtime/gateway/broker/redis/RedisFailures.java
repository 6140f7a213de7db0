package io.realtime.gateway.broker.redis;

import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Tells a Redis that cannot serve now (fall back, retry later) from a request it refuses. */
final class RedisFailures {

    private static final String[] UNAVAILABLE = {
        "LOADING", "BUSY", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "READONLY", "OOM", "NOREPLICAS",
        "MOVED", "ASK", "NOAUTH", "WRONGPASS", "NOPERM"
    };

    private RedisFailures() {
    }

    /** True when the failure says Redis (or the way to it) is unavailable, not that the request is wrong. */
    static boolean unavailable(JedisException e) {
        if (!(e instanceof JedisDataException)) {
            return true; // connection, pool exhaustion, cluster slot map: all "cannot reach"
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String prefix : UNAVAILABLE) {
            if (message.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static boolean noScript(JedisException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }
}
