package io.realtime.gateway.broker.redis;

import io.realtime.gateway.broker.PresenceStore;
import io.realtime.gateway.event.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Presence in Redis (DESIGN §11), Centrifugo's layout: per channel a hash of members and a sorted
 * set of their expiries, both in the channel's slot ({@code rt:p:{<channel>}}, {@code rt:pe:{<channel>}}),
 * changed by {@code presence-update.lua} and read (after removing the expired) by
 * {@code presence-read.lua}. Joins and leaves are announced on the channel's own pub/sub channel as
 * {@code presence <join|leave> <id> <json>}, which no event message can start with (those start with
 * their id), so they reach the instances with subscribers on the channel in order with its events.
 */
final class RedisPresence implements PresenceStore {

    private static final Logger LOG = Logger.getLogger(RedisPresence.class.getName());
    /** How a presence message on a channel's pub/sub starts. */
    static final String PREFIX = "presence ";
    /** Changes one script call carries at most: a long batch is several calls in the same pipeline. */
    private static final int OPS_PER_CALL = 200;

    private final RedisConnector connector;
    private final RedisKeys keys;
    private final LuaScript update = new LuaScript("/redis/presence-update.lua");
    private final LuaScript read = new LuaScript("/redis/presence-read.lua");
    private final String publishCommand;
    private volatile Listener listener = (channel, kind, id, json) -> { };

    RedisPresence(RedisConnector connector, RedisKeys keys) {
        this.connector = connector;
        this.keys = keys;
        this.publishCommand = connector.sharded() ? "SPUBLISH" : "PUBLISH";
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
    }

    /** A message of a channel's pub/sub that starts with {@link #PREFIX}: handed to the listener. */
    void onMessage(String channel, String payload) {
        int kindEnd = payload.indexOf(' ', PREFIX.length());
        int idEnd = kindEnd < 0 ? -1 : payload.indexOf(' ', kindEnd + 1);
        if (idEnd < 0) {
            LOG.log(Level.WARNING, "Ignored a malformed presence message on {0}", channel);
            return;
        }
        try {
            listener.signal(channel, payload.substring(PREFIX.length(), kindEnd),
                    payload.substring(kindEnd + 1, idEnd), payload.substring(idEnd + 1));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Handling a presence message of " + channel + " failed", e);
        }
    }

    @Override
    public void apply(List<Change> changes, Duration ttl) {
        if (changes.isEmpty()) {
            return;
        }
        // Per channel and announce flag, in order: one script call per group (chunked), one pipeline.
        Map<String, List<Change>> groups = new LinkedHashMap<>();
        for (Change c : changes) {
            groups.computeIfAbsent(c.channel() + (c.announce() ? " 1" : " 0"), k -> new ArrayList<>()).add(c);
        }
        List<List<String>> calls = new ArrayList<>();
        List<String> firstKeys = new ArrayList<>();
        for (List<Change> group : groups.values()) {
            Change head = group.get(0);
            for (int from = 0; from < group.size(); from += OPS_PER_CALL) {
                List<String> args = new ArrayList<>(3 + 3 * OPS_PER_CALL);
                args.add(Long.toString(ttl.toMillis()));
                args.add(publishCommand);
                args.add(head.announce() ? "1" : "0");
                for (Change c : group.subList(from, Math.min(group.size(), from + OPS_PER_CALL))) {
                    args.add(c.join() ? "j" : "l");
                    args.add(c.memberId());
                    args.add(c.json());
                }
                calls.add(args);
                firstKeys.add(head.channel());
            }
        }
        run(update, firstKeys, calls);
    }

    @Override
    public void sweep(List<String> channels, Predicate<String> announce) {
        if (channels.isEmpty()) {
            return;
        }
        List<List<String>> calls = new ArrayList<>(channels.size());
        for (String channel : channels) {
            calls.add(List.of("sweep", publishCommand, announce.test(channel) ? "1" : "0"));
        }
        run(read, channels, calls);
    }

    @Override
    public Page members(String channel, String after, int limit, boolean announce) {
        List<?> reply = (List<?>) run(read, List.of(channel), List.of(List.of("page", publishCommand,
                announce ? "1" : "0", after == null ? "" : after, Integer.toString(limit)))).get(0);
        List<String> members = new ArrayList<>(reply.size());
        for (int i = 0; i < reply.size() - 1; i++) {
            members.add(StreamEvents.text(reply.get(i)));
        }
        String next = StreamEvents.text(reply.get(reply.size() - 1));
        return new Page(members, next.isEmpty() ? null : next);
    }

    @Override
    public Counts counts(String channel, boolean announce) {
        List<?> reply = (List<?>) run(read, List.of(channel), List.of(List.of("stats", publishCommand,
                announce ? "1" : "0"))).get(0);
        return new Counts(((Number) reply.get(0)).intValue(), ((Number) reply.get(1)).intValue());
    }

    /**
     * Runs the script once per call, for the channel of the same index, pipelined: one round trip
     * (per node, in a cluster). A node that lost its scripts answers NOSCRIPT, which changed
     * nothing, so that call runs again alone once the script is loaded.
     */
    private List<Object> run(LuaScript script, List<String> channels, List<List<String>> calls) {
        try {
            UnifiedJedis redis = connector.commands();
            if (calls.size() == 1) {
                return List.of(script.run(redis, keys(channels.get(0)), calls.get(0)));
            }
            List<Response<Object>> responses = new ArrayList<>(calls.size());
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int i = 0; i < calls.size(); i++) {
                    responses.add(pipeline.evalsha(script.sha(), keys(channels.get(i)), calls.get(i)));
                }
                pipeline.sync();
            }
            List<Object> replies = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                try {
                    replies.add(responses.get(i).get());
                } catch (JedisDataException e) {
                    if (!RedisFailures.noScript(e)) {
                        throw e;
                    }
                    replies.add(script.run(redis, keys(channels.get(i)), calls.get(i)));
                }
            }
            return replies;
        } catch (JedisException e) {
            throw new UnavailableException("Redis presence store unreachable: " + e.getMessage());
        }
    }

    private List<String> keys(String channel) {
        return List.of(keys.presence(channel), keys.presenceExpiry(channel), keys.pubsub(channel));
    }
}
