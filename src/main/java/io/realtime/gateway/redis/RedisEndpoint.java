package io.realtime.gateway.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Where the shared Redis is and how long to wait for it: what every Redis user of the gateway (the
 * broker, the product streams' state, the inbox, access control) needs, read and checked once.
 * Defaults live in {@code META-INF/microprofile-config.properties}.
 *
 * @param urls      {@code redis.url} ({@code REDIS_URL}): {@code redis://[user:password@]host:port[/db]} or
 *                  {@code rediss://} for TLS; in cluster mode several comma-separated seed nodes
 * @param cluster   {@code gateway.redis.cluster}: a Redis Cluster (hash-tagged keys, sharded pub/sub)
 * @param keyPrefix {@code gateway.redis.key-prefix}: {@code rt:} gives the documented layout
 * @param timeout   {@code gateway.redis.timeout-ms}: connect and command timeout
 */
public record RedisEndpoint(List<URI> urls, boolean cluster, String keyPrefix, Duration timeout) {

    public RedisEndpoint {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("redis.url is empty");
        }
        for (URI url : urls) {
            if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("redis.url must be redis://host:port or rediss://host:port, not "
                        + redacted(url));
            }
        }
        urls = List.copyOf(urls);
    }

    /** The endpoint, or empty when {@code redis.url} is not set (local mode). */
    public static Optional<RedisEndpoint> from(Config config) {
        return from(key -> config.getOptionalValue(key, String.class));
    }

    /** The endpoint from any key lookup, or empty when {@code redis.url} is not set. */
    public static Optional<RedisEndpoint> from(Function<String, Optional<String>> lookup) {
        Function<String, String> value = key -> lookup.apply(key)
                .orElseThrow(() -> new IllegalStateException("missing configuration key " + key));
        return lookup.apply("redis.url").filter(s -> !s.isBlank()).map(u -> new RedisEndpoint(
                parseUrls(u),
                Boolean.parseBoolean(value.apply("gateway.redis.cluster").trim()),
                value.apply("gateway.redis.key-prefix"),
                Duration.ofMillis(Long.parseLong(value.apply("gateway.redis.timeout-ms").trim()))));
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
