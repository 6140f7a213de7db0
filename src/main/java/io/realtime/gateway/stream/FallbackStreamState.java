package io.realtime.gateway.stream;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis state with the broker's fallback: while Redis is unreachable the broker delivers
 * locally, and so the streams derive from this instance's memory (a job's window, a campaign's last
 * figures), which is what this instance saw during the outage; nothing fails for it. Alert rules are
 * not kept twice: while Redis is away they cannot be read or changed (503), and no rule fires.
 */
public final class FallbackStreamState implements StreamState, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FallbackStreamState.class.getName());

    private final RedisStreamState redis;
    private final MemoryStreamState memory;
    private final AtomicBoolean degraded = new AtomicBoolean();

    public FallbackStreamState(RedisStreamState redis, MemoryStreamState memory) {
        this.redis = redis;
        this.memory = memory;
    }

    @Override
    public List<long[]> appendToWindow(String key, long position, long atMs, int size, Duration ttl) {
        return either(() -> redis.appendToWindow(key, position, atMs, size, ttl),
                () -> memory.appendToWindow(key, position, atMs, size, ttl));
    }

    @Override
    public String swap(String key, String value, Duration ttl) {
        return either(() -> redis.swap(key, value, ttl), () -> memory.swap(key, value, ttl));
    }

    @Override
    public String get(String key) {
        return either(() -> redis.get(key), () -> memory.get(key));
    }

    @Override
    public void delete(String key) {
        memory.delete(key);
        either(() -> {
            redis.delete(key);
            return null;
        }, () -> null);
    }

    @Override
    public void putField(String key, String field, String value) {
        shared(() -> {
            redis.putField(key, field, value);
            return null;
        });
    }

    @Override
    public boolean removeField(String key, String field) {
        return shared(() -> redis.removeField(key, field));
    }

    @Override
    public Map<String, String> fields(String key) {
        return shared(() -> redis.fields(key));
    }

    @Override
    public String kind() {
        return "redis (memory while it is unreachable)";
    }

    private <T> T either(Supplier<T> shared, Supplier<T> local) {
        try {
            T value = shared.get();
            if (degraded.compareAndSet(true, false)) {
                LOG.info("Product stream state: Redis is back");
            }
            return value;
        } catch (JedisException e) {
            if (degraded.compareAndSet(false, true)) {
                LOG.warning("Product stream state: Redis unreachable (" + e.getMessage()
                        + "); deriving from this instance's memory until it is back");
            }
            return local.get();
        }
    }

    private static <T> T shared(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (JedisException e) {
            throw new InvalidInputException(ErrorCode.UNAVAILABLE,
                    "Redis is unreachable: alert rules cannot be read or changed now; try again shortly");
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
