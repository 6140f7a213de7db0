package io.realtime.gateway.broker.redis;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A script Redis may have run, whose answer was lost with its connection. Not a
 * {@link JedisConnectionException}, so that Jedis's cluster executor passes it on instead of sending
 * the script again ({@link NoResendClusterExecutor}).
 */
final class AnswerLostException extends JedisException {

    private static final long serialVersionUID = 1L;

    AnswerLostException(JedisConnectionException cause) {
        super("Redis may have run the script; its answer was lost: " + cause.getMessage(), cause);
    }
}
