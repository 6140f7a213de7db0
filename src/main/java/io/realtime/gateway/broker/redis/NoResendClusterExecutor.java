package io.realtime.gateway.broker.redis;

import java.time.Duration;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.executors.ClusterCommandExecutor;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * Jedis's Redis Cluster executor (redirects followed, the slot map renewed, connection failures
 * retried), except that a script whose answer was lost is not sent again. Jedis retries any command
 * after a connection failure, including a read timeout or a reset after the command went out: for
 * the publish script that appended the event a second time, under another id. Such a failure is
 * passed on as {@link AnswerLostException}, which Jedis does not retry; the broker then answers
 * "outcome unknown" (DESIGN §4). A script that was not sent (no connection, cut off while written)
 * is retried as before, and so is every other command.
 */
final class NoResendClusterExecutor extends ClusterCommandExecutor {

    NoResendClusterExecutor(ClusterConnectionProvider provider, int maxAttempts, Duration maxTotalRetries) {
        super(provider, maxAttempts, maxTotalRetries);
    }

    @Override
    protected <T> T execute(Connection connection, CommandObject<T> command) {
        try {
            return super.execute(connection, command);
        } catch (JedisConnectionException e) {
            if (script(command) && RedisFailures.mayHaveRun(e, true)) {
                throw new AnswerLostException(e);
            }
            throw e;
        }
    }

    private static boolean script(CommandObject<?> command) {
        ProtocolCommand name = command.getArguments().getCommand();
        return name == Protocol.Command.EVALSHA || name == Protocol.Command.EVAL;
    }
}
