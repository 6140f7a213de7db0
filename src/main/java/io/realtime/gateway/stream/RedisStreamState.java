package io.realtime.gateway.stream;

import io.realtime.gateway.redis.RedisClients;
import io.realtime.gateway.redis.RedisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * {@link StreamState} in the Redis the brokers share, under the configured key prefix
 * ({@code rt:s:...}). A pool of its own, small: the streams make one round trip per update.
 */
public final class RedisStreamState implements StreamState, AutoCloseable {

    /** Appends a sample to a window, restarting it when the position went back (KEYS: window; ARGV: position, ms, size, ttl). */
    private static final String APPEND = """
            local last = redis.call('LINDEX', KEYS[1], -1)
            if last then
              local p = tonumber(string.match(last, '^(%d+)'))
              if tonumber(ARGV[1]) < p then redis.call('DEL', KEYS[1]) end
            end
            redis.call('RPUSH', KEYS[1], ARGV[1] .. ' ' .. ARGV[2])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
            redis.call('EXPIRE', KEYS[1], ARGV[4])
            return redis.call('LRANGE', KEYS[1], 0, -1)
            """;

    private final UnifiedJedis redis;
    private final String prefix;

    public RedisStreamState(RedisEndpoint endpoint) {
        this.prefix = endpoint.keyPrefix() + "s:";
        this.redis = RedisClients.pooled(endpoint, "rt-gateway-streams", 8);
    }

    @Override
    public List<long[]> appendToWindow(String key, long position, long atMs, int size, Duration ttl) {
        List<?> reply = (List<?>) redis.eval(APPEND, List.of(prefix + key),
                List.of(Long.toString(position), Long.toString(atMs), Integer.toString(size),
                        Long.toString(Math.max(1, ttl.toSeconds()))));
        List<long[]> window = new ArrayList<>(reply.size());
        for (Object item : reply) {
            String sample = item instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : item.toString();
            int space = sample.indexOf(' ');
            window.add(new long[] {Long.parseLong(sample.substring(0, space)), Long.parseLong(sample.substring(space + 1))});
        }
        return window;
    }

    @Override
    public String swap(String key, String value, Duration ttl) {
        return redis.setGet(prefix + key, value, SetParams.setParams().ex(Math.max(1, ttl.toSeconds())));
    }

    @Override
    public String get(String key) {
        return redis.get(prefix + key);
    }

    @Override
    public void delete(String key) {
        redis.del(prefix + key);
    }

    @Override
    public void putField(String key, String field, String value) {
        redis.hset(prefix + key, field, value);
    }

    @Override
    public boolean removeField(String key, String field) {
        return redis.hdel(prefix + key, field) > 0;
    }

    @Override
    public Map<String, String> fields(String key) {
        return redis.hgetAll(prefix + key);
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public void close() {
        redis.close();
    }
}
