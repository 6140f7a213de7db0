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

    /** What a failed publish means for the events in it. */
    enum PublishFailure {
        /** Redis refused the request itself: an error for the publisher, not a fallback. */
        REFUSED,
        /** Redis, or the way to it, is down: nothing was published; fall back, and say degraded. */
        UNREACHABLE,
        /** No connection free in time: nothing was sent; this publish falls back, the instance is fine. */
        NOT_SENT_BUSY,
        /** Sent but not answered (a read timeout, a connection lost mid-reply): it may have run. */
        OUTCOME_UNKNOWN
    }

    static PublishFailure ofPublish(JedisException e) {
        if (!unavailable(e)) {
            return PublishFailure.REFUSED;
        }
        if (e instanceof JedisDataException) {
            return PublishFailure.UNREACHABLE; // Redis answered "not now" (LOADING, OOM...): not run
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.util.NoSuchElementException) {
                return PublishFailure.NOT_SENT_BUSY; // the pool's wait for a connection ran out
            }
            if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException) {
                return PublishFailure.UNREACHABLE;
            }
            if (c instanceof java.net.SocketTimeoutException) {
                // A connect timeout sent nothing; a read timeout left a sent command unanswered.
                return String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect")
                        ? PublishFailure.UNREACHABLE : PublishFailure.OUTCOME_UNKNOWN;
            }
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unexpected end of stream")) {
            return PublishFailure.OUTCOME_UNKNOWN;
        }
        return PublishFailure.UNREACHABLE;
    }

    static boolean noScript(JedisException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }
}
