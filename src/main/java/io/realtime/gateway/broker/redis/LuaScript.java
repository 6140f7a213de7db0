package io.realtime.gateway.broker.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A Lua script shipped as a resource, run by its SHA1 (EVALSHA): the script text crosses the wire
 * only when a server does not have it yet (a restart, a new cluster node, SCRIPT FLUSH).
 */
final class LuaScript {

    private final String source;
    private final String sha;

    LuaScript(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            this.sha = HexFormat.of().formatHex(sha1.digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String sha() {
        return sha;
    }

    String source() {
        return source;
    }

    /** Runs the script on the node that holds {@code keys.get(0)}, loading it there first if needed. */
    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisDataException e) {
            if (!RedisFailures.noScript(e)) {
                throw e;
            }
            load(redis, keys.get(0));
            return redis.evalsha(sha, keys, args);
        }
    }

    /** Loads the script on the node that holds {@code sampleKey} (any node when standalone). */
    void load(UnifiedJedis redis, String sampleKey) {
        redis.scriptLoad(source, sampleKey);
    }
}
