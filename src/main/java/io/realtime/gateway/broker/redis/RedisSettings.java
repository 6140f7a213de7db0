package io.realtime.gateway.broker.redis;

import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.redis.RedisEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * The broker's Redis settings, read once: the {@link RedisEndpoint} every Redis user shares, and the
 * broker's own (fallback, pool, link liveness, reconnect back-off). Defaults live in {@code META-INF/microprofile-config.properties}.
 *
 * @param urls            {@code redis.url} ({@code REDIS_URL}): {@code redis://[user:password@]host:port[/db]} or
 *                        {@code rediss://} for TLS; in cluster mode several comma-separated seed nodes
 * @param cluster         {@code gateway.redis.cluster}: a Redis Cluster (hash-tagged keys, sharded pub/sub)
 * @param keyPrefix       {@code gateway.redis.key-prefix}: {@code rt:} gives the documented layout
 * @param fallback        {@code gateway.redis.fallback}: a publish while Redis is unreachable is delivered
 *                        locally ({@link Fallback#LOCAL}) or refused ({@link Fallback#REFUSE})
 * @param timeout         {@code gateway.redis.timeout-ms}: connect and command timeout
 * @param poolSize        {@code gateway.redis.pool-size}: pooled command connections (per node in cluster mode)
 * @param pingInterval    {@code gateway.redis.ping-interval-ms}: how often the subscriber link is pinged
 * @param deadAfter       {@code gateway.redis.dead-after-ms}: a link with no reply for this long is dropped
 *                        and re-established
 * @param reconnectMin    {@code gateway.redis.reconnect-min-ms}: first reconnect back-off ceiling
 * @param reconnectMax    {@code gateway.redis.reconnect-max-ms}: back-off cap
 */
public record RedisSettings(List<URI> urls, boolean cluster, String keyPrefix, Fallback fallback,
                            Duration timeout, int poolSize, Duration pingInterval, Duration deadAfter,
                            Duration reconnectMin, Duration reconnectMax) {

    public RedisSettings {
        // The URLs are checked where every Redis user's are (RedisEndpoint), once.
        new RedisEndpoint(urls, cluster, keyPrefix, timeout);
        if (fallback == Fallback.CONFIGURED) {
            throw new IllegalArgumentException("gateway.redis.fallback must be 'local' or 'refuse'");
        }
        if (deadAfter.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("gateway.redis.dead-after-ms must exceed gateway.redis.ping-interval-ms");
        }
    }

    /** The settings, or empty when {@code redis.url} is not set (local mode). */
    public static Optional<RedisSettings> from(Config config) {
        return from(key -> config.getOptionalValue(key, String.class));
    }

    /**
     * The settings from any key lookup (MicroProfile Config in the server; the defaults file plus
     * overrides in tests and tools), or empty when {@code redis.url} is not set.
     */
    public static Optional<RedisSettings> from(Function<String, Optional<String>> lookup) {
        Function<String, String> value = key -> lookup.apply(key)
                .orElseThrow(() -> new IllegalStateException("missing configuration key " + key));
        Function<String, Duration> millis = key -> Duration.ofMillis(Long.parseLong(value.apply(key).trim()));
        return RedisEndpoint.from(lookup).map(e -> new RedisSettings(
                e.urls(), e.cluster(), e.keyPrefix(),
                Fallback.parse(value.apply("gateway.redis.fallback")),
                e.timeout(),
                Integer.parseInt(value.apply("gateway.redis.pool-size").trim()),
                millis.apply("gateway.redis.ping-interval-ms"),
                millis.apply("gateway.redis.dead-after-ms"),
                millis.apply("gateway.redis.reconnect-min-ms"),
                millis.apply("gateway.redis.reconnect-max-ms")));
    }

    public RedisSettings withKeyPrefix(String prefix) {
        return new RedisSettings(urls, cluster, prefix, fallback, timeout, poolSize, pingInterval, deadAfter,
                reconnectMin, reconnectMax);
    }

    public RedisSettings withFallback(Fallback choice) {
        return new RedisSettings(urls, cluster, keyPrefix, choice, timeout, poolSize, pingInterval, deadAfter,
                reconnectMin, reconnectMax);
    }

    public RedisSettings withLiveness(Duration ping, Duration dead) {
        return new RedisSettings(urls, cluster, keyPrefix, fallback, timeout, poolSize, ping, dead,
                reconnectMin, reconnectMax);
    }

    /** Where Redis is, as every other Redis user of the gateway sees it. */
    public RedisEndpoint endpoint() {
        return new RedisEndpoint(urls, cluster, keyPrefix, timeout);
    }

    public String mode() {
        return endpoint().mode();
    }

    /** The first URL without its credentials, for logs and status. */
    public String where() {
        return endpoint().where();
    }
}
