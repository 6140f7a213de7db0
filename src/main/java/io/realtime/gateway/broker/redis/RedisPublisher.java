package io.realtime.gateway.broker.redis;

import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Publishes through {@code publish.lua}: one EVALSHA per event (one round trip; a batch is one
 * pipelined round trip). The script assigns the id (XADD), trims, refreshes the TTL and publishes
 * the event's parts; the envelope is written here from the id it returns, as every instance that
 * receives the message writes it.
 */
final class RedisPublisher {

    private final RedisConnector connector;
    private final RedisKeys keys;
    private final LuaScript script;
    private final String publishCommand;
    private final String idempotencySeconds;

    /** What came back for one draft: its event, and whether it was a retry that published nothing. */
    record Published(ChannelEvent event, boolean duplicate) {
    }

    RedisPublisher(RedisConnector connector, RedisKeys keys, LuaScript script, Duration idempotencyWindow) {
        this.connector = connector;
        this.keys = keys;
        this.script = script;
        this.idempotencySeconds = Long.toString(Math.max(1, idempotencyWindow.toSeconds()));
        this.publishCommand = connector.sharded() ? "SPUBLISH" : "PUBLISH";
    }

    /** @throws JedisException when Redis cannot take the events; none of them is then known to be in */
    List<Published> publish(List<EventDraft> drafts, List<HistoryPolicy> policies) {
        UnifiedJedis redis = connector.commands();
        // Each event's data serialised once: the script stores and publishes it, the envelope wraps it.
        List<String> data = new ArrayList<>(drafts.size());
        for (EventDraft draft : drafts) {
            data.add(draft.data().toString());
        }
        if (drafts.size() == 1) {
            EventDraft draft = drafts.get(0);
            return List.of(event(draft, data.get(0), script.run(redis, keys(draft), args(draft, data.get(0), policies.get(0)))));
        }
        List<Response<Object>> responses = new ArrayList<>(drafts.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < drafts.size(); i++) {
                responses.add(pipeline.evalsha(script.sha(), keys(drafts.get(i)),
                        args(drafts.get(i), data.get(i), policies.get(i))));
            }
            pipeline.sync();
        }
        List<Published> events = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            EventDraft draft = drafts.get(i);
            Object reply;
            try {
                reply = responses.get(i).get();
            } catch (JedisDataException e) {
                if (!RedisFailures.noScript(e)) {
                    throw e;
                }
                // The node lost its scripts (restart, failover): a NOSCRIPT had no effect, so running
                // this one again, in order, is safe; run() loads the script first.
                reply = script.run(redis, keys(draft), args(draft, data.get(i), policies.get(i)));
            }
            events.add(event(draft, data.get(i), reply));
        }
        return events;
    }

    private List<String> keys(EventDraft draft) {
        String channel = draft.channel().value();
        if (draft.idempotencyKey() != null) {
            return List.of(keys.history(channel), keys.pubsub(channel),
                    keys.idempotency(channel, draft.idempotencyKey()));
        }
        return List.of(keys.history(channel), keys.pubsub(channel));
    }

    private List<String> args(EventDraft draft, String data, HistoryPolicy policy) {
        return List.of(draft.channel().value(), draft.type(), data,
                Integer.toString(policy.size()), Long.toString(StreamHistory.ttlSeconds(policy)), publishCommand,
                idempotencySeconds);
    }

    private static Published event(EventDraft draft, String data, Object reply) {
        String text = StreamEvents.text(reply);
        boolean duplicate = text.startsWith(DUPLICATE);
        EventId id = EventId.parse(duplicate ? text.substring(DUPLICATE.length()) : text);
        return new Published(EnvelopeCodec.fromParts(id, draft.channel().value(), draft.type(), data), duplicate);
    }

    /** How the script answers a retry of a publish it already made: "dup <first id>". */
    private static final String DUPLICATE = "dup ";
}
