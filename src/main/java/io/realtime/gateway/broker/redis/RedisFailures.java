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
        /** Sent but not answered (a read timeout, a connection closed or reset before the answer): it may have run. */
        OUTCOME_UNKNOWN
    }

    /**
     * What a failed publish means for its events.
     *
     * @param oneCommand true when the publish was one command (one event), false for a pipeline:
     *                   a pipeline whose write failed may have sent its first commands whole already
     */
    static PublishFailure ofPublish(JedisException e, boolean oneCommand) {
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
        }
        return mayHaveRun(e, oneCommand) ? PublishFailure.OUTCOME_UNKNOWN : PublishFailure.UNREACHABLE;
    }

    /**
     * Whether the command(s) a connection failure interrupted may have reached Redis whole, and so
     * may have run: not when no connection was made, yes when the answer was lost (a read timeout,
     * the connection closed or reset after the command went out).
     *
     * @param oneCommand true for one command; false for a pipeline, whose first commands may have
     *                   gone through whole before a write failed
     */
    static boolean mayHaveRun(JedisException e, boolean oneCommand) {
        Throwable root = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof AnswerLostException) {
                return true;
            }
            if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException) {
                return false;
            }
            root = c;
        }
        boolean endOfStream = String.valueOf(root.getMessage()).contains("Unexpected end of stream");
        if (!(root instanceof java.io.IOException) && !endOfStream) {
            return false; // no connection at all: a cluster's slot map, a closed client
        }
        // Where the connection failed, from Jedis's own frames at the point of failure.
        boolean writing = false;
        boolean reading = false;
        for (StackTraceElement frame : root.getStackTrace()) {
            String type = frame.getClassName();
            if (type.equals(JEDIS_CONNECTION) && frame.getMethodName().equals(JEDIS_SET_UP)) {
                return false; // the connection was being set up (HELLO, AUTH, CLIENT SETNAME): nothing of ours sent
            }
            writing |= type.equals(JEDIS_OUTPUT);
            reading |= type.equals(JEDIS_INPUT);
        }
        if (root instanceof java.net.SocketTimeoutException) {
            // A connect timeout sent nothing; a read timeout left a sent command unanswered.
            return !String.valueOf(root.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect");
        }
        // Reset, broken pipe, closed. While one command was being written, it did not reach Redis whole,
        // and Redis runs only a whole command: not run. Anywhere else the command was sent and its
        // answer lost with the connection: Redis may have run it.
        return endOfStream || !(oneCommand && writing && !reading);
    }

    /** Jedis's own frames that tell a write from a read, and a connection being set up (Jedis 8). */
    private static final String JEDIS_OUTPUT = "redis.clients.jedis.util.RedisOutputStream";
    private static final String JEDIS_INPUT = "redis.clients.jedis.util.RedisInputStream";
    private static final String JEDIS_CONNECTION = "redis.clients.jedis.Connection";
    private static final String JEDIS_SET_UP = "initializeFromClientConfig";

    static boolean noScript(JedisException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }
}
