package io.realtime.gateway.broker.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.executors.ClusterCommandExecutor;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * Jedis's Redis Cluster executor (redirects followed, the slot map renewed, connection failures
 * retried), except that the scripts named (by SHA1) are not sent again once their answer was lost.
 * Jedis retries any command after a connection failure, a read timeout or a reset after the command
 * went out included: for the publish script that appended the event a second time, under another
 * id. Such a failure is passed on as {@link AnswerLostException}, which Jedis does not retry; the
 * broker then answers "outcome unknown" (DESIGN §4). A named script that was not sent (no
 * connection, cut off while written) is retried as before, and so is every other command (reads are
 * safe to send again).
 */
final class NoResendClusterExecutor extends ClusterCommandExecutor {

    private final Set<String> notResent;

    NoResendClusterExecutor(ClusterConnectionProvider provider, int maxAttempts, Duration maxTotalRetries,
                            Set<String> notResent) {
        super(provider, maxAttempts, maxTotalRetries);
        this.notResent = notResent;
    }

    @Override
    protected <T> T execute(Connection connection, CommandObject<T> command) {
        try {
            return super.execute(connection, command);
        } catch (JedisConnectionException e) {
            if (named(command) && RedisFailures.mayHaveRun(e, true)) {
                throw new AnswerLostException(e);
            }
            throw e;
        }
    }

    /** An EVALSHA of one of the named scripts (its arguments: the command, then the SHA1). */
    private boolean named(CommandObject<?> command) {
        if (command.getArguments().getCommand() != Protocol.Command.EVALSHA) {
            return false;
        }
        Iterator<Rawable> args = command.getArguments().iterator();
        args.next();
        return args.hasNext() && notResent.contains(new String(args.next().getRaw(), StandardCharsets.US_ASCII));
    }
}
