package io.realtime.gateway.broker.redis;

import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.History;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a channel's history stream for a resume with {@code history.lua}: the entries after an id
 * and, in the same atomic step, what tells whether they are all there.
 *
 * <p>Complete means nothing after {@code since} is missing: entries leave a stream only from its
 * head (MAXLEN trimming), so if the stream still holds its first entry at or below {@code since},
 * everything after is present. A stream whose every entry was trimmed is complete only from its
 * last id. An id the stream never reached ({@code since} above its last-generated id), or one below
 * the first entry of a stream that lost entries or was born after it (Redis restarted without
 * persistence, or the key expired), cannot be vouched for: not complete, so the client resets.
 */
final class StreamHistory {

    private final RedisConnector connector;
    private final RedisKeys keys;
    private final LuaScript script;
    private final SkippedEntries skipped;

    StreamHistory(RedisConnector connector, RedisKeys keys, LuaScript script, SkippedEntries skipped) {
        this.connector = connector;
        this.keys = keys;
        this.script = script;
        this.skipped = skipped;
    }

    /** @throws redis.clients.jedis.exceptions.JedisException when Redis cannot answer */
    History after(String channel, EventId since, HistoryPolicy policy) {
        List<?> reply = (List<?>) script.run(connector.commands(), List.of(keys.history(channel)),
                List.of(since == null ? "" : since.toString(), Long.toString(ttlSeconds(policy))));
        EventId top = EventId.parse(StreamEvents.text(reply.get(0)));
        String first = StreamEvents.text(reply.get(1));
        long length = ((Number) reply.get(2)).longValue();
        List<?> entries = (List<?>) reply.get(3);
        if (since == null) {
            return new History(List.of(), true, top);
        }
        boolean complete;
        if (since.isAfter(top)) {
            complete = false;
        } else if (length == 0 || first == null || first.isEmpty()) {
            complete = since.equals(top);
        } else {
            complete = since.compareTo(EventId.parse(first)) >= 0;
        }
        List<ChannelEvent> events = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            ChannelEvent event = StreamEvents.fromEntry(channel, entry, skipped);
            if (event != null) {
                events.add(event);
            }
        }
        return new History(events, complete, top);
    }

    static long ttlSeconds(HistoryPolicy policy) {
        return Math.max(1, policy.ttl().toSeconds());
    }
}
