package io.realtime.gateway.broker.redis;

import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The key layout of DESIGN §4. The channel name sits in literal braces: a Redis Cluster hash tag,
 * so a channel's history stream and its pub/sub channel live in the same slot.
 */
final class RedisKeys {

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** The history stream, {@code rt:h:{<channel>}}. */
    String history(String channel) {
        return prefix + "h:{" + channel + "}";
    }

    /** The fan-out pub/sub channel, {@code rt:c:{<channel>}}. */
    String pubsub(String channel) {
        return prefix + "c:{" + channel + "}";
    }

    /** A channel's presence members (DESIGN §11), {@code rt:p:{<channel>}}: member id to member JSON. */
    String presence(String channel) {
        return prefix + "p:{" + channel + "}";
    }

    /** A channel's presence expiries, {@code rt:pe:{<channel>}}: member id to expiry (ms). */
    String presenceExpiry(String channel) {
        return prefix + "pe:{" + channel + "}";
    }

    /** A publish's idempotency key, {@code rt:i:{<channel>}:<key>}: in the channel's slot. */
    String idempotency(String channel, String key) {
        return prefix + "i:{" + channel + "}:" + key;
    }

    /** The gateway channel a pub/sub channel name stands for, or null if it is not one of ours. */
    String channelOf(String pubsubName) {
        String head = prefix + "c:{";
        if (pubsubName.startsWith(head) && pubsubName.endsWith("}")) {
            return pubsubName.substring(head.length(), pubsubName.length() - 1);
        }
        return null;
    }

    /** The cluster slot of everything a channel has. */
    int slot(String channel) {
        return JedisClusterCRC16.getSlot(history(channel));
    }
}
