package io.realtime.gateway.broker.redis;

import io.realtime.gateway.broker.Fallback;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Redis cluster-mode settings, read once. Defaults live in {@code META-INF/microprofile-config.properties}.
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
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("redis.url is empty");
        }
        for (URI url : urls) {
            if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("redis.url must be redis://host:port or rediss://host:port, not "
                        + redacted(url));
            }
        }
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
        return lookup.apply("redis.url").filter(s -> !s.isBlank()).map(u -> new RedisSettings(
                parseUrls(u),
                Boolean.parseBoolean(value.apply("gateway.redis.cluster").trim()),
                value.apply("gateway.redis.key-prefix"),
                Fallback.parse(value.apply("gateway.redis.fallback")),
                millis.apply("gateway.redis.timeout-ms"),
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

    public String mode() {
        return cluster ? "redis-cluster" : "redis";
    }

    /** The first URL without its credentials, for logs and status. */
    public String where() {
        return redacted(urls.get(0)) + (urls.size() > 1 ? " (+" + (urls.size() - 1) + " seeds)" : "");
    }

    static List<URI> parseUrls(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList();
    }

    private static String redacted(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }
}
