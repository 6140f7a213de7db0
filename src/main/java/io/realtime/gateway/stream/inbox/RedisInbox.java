package io.realtime.gateway.stream.inbox;

import io.realtime.gateway.redis.RedisClients;
import io.realtime.gateway.redis.RedisEndpoint;
import io.realtime.gateway.redis.RedisLoop;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.Utf8;
import io.realtime.gateway.stream.PayloadJson;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Workers' way into the product streams through Redis: {@code XADD rt:in * channel job:42 type
 * job_progress data {...}}. Each entry is published through the channel core like an HTTP or
 * WebSocket publish, so the gateway derives what it derives for those (a worker that calls the
 * publish script instead stores its event as sent). One instance at a time reads the inbox,
 * holding a lease it renews, so entries are published in the order they were added; an instance
 * that takes over first publishes what its predecessor had read and not acknowledged (at least
 * once). An entry the gateway refuses goes to {@code rt:in:rejected} with the reason.
 */
@ApplicationScoped
public class RedisInbox {

    private static final Logger LOG = Logger.getLogger(RedisInbox.class.getName());
    private static final String GROUP = "gateway";
    /** One consumer name for whichever instance holds the lease: a new holder reads its predecessor's pending entries. */
    private static final String CONSUMER = "leaseholder";
    private static final long LEASE_MS = 5000;
    private static final int BLOCK_MS = 500;
    /** Entries read, published and acknowledged together. */
    private static final int READ_COUNT = 100;
    /** Back-off after a failure, jittered: about the old fixed second at first, a few seconds at most. */
    private static final Duration RETRY_MIN = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);
    private static final String RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    @Resource
    ManagedThreadFactory threads;

    private ChannelManager core;
    private Optional<RedisEndpoint> settings;
    private String inbox;
    private String rejected;
    private String lease;
    /** An entry's {@code data} past this many bytes is refused unparsed, as an HTTP body past it is. */
    private int maxDataBytes;
    private final String me = UUID.randomUUID().toString();
    private volatile RedisLoop loop;
    /** Whether this instance holds the lease; the loop's thread only. */
    private boolean holder;
    /** Whether pending entries are read first on the next round; the loop's thread only. */
    private boolean pendingFirst = true;
    private volatile UnifiedJedis redis;

    protected RedisInbox() {
        // for the CDI proxy
    }

    @Inject
    public RedisInbox(ChannelManager core, Config config) {
        this.core = core;
        this.settings = RedisEndpoint.from(config);
        String prefix = settings.map(RedisEndpoint::keyPrefix).orElse("rt:");
        this.inbox = prefix + "in";
        this.rejected = prefix + "in:rejected";
        this.lease = prefix + "in:lease";
        this.maxDataBytes = config.getValue("gateway.publish.max-body-bytes", Integer.class);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (settings.isEmpty()) {
            return;
        }
        redis = RedisClients.pooled(settings.get(), "rt-gateway-inbox", 2);
        loop = RedisLoop.start(threads, "redis-inbox", RETRY_MIN, RETRY_MAX, this::round, this::failed);
        LOG.info("Workers' Redis inbox: XADD " + inbox + " * channel <channel> type <type> data <json>");
    }

    /** One round: take or renew the lease; as holder, publish pending entries first, then new ones. */
    private long round() {
        if (!holder) {
            holder = "OK".equals(redis.set(lease, me, SetParams.setParams().nx().px(LEASE_MS)));
            if (!holder) {
                return LEASE_MS / 5;
            }
            ensureGroup();
            pendingFirst = true;
        }
        holder = ((Number) redis.eval(RENEW, List.of(lease), List.of(me, Long.toString(LEASE_MS)))).longValue() == 1;
        if (holder && pendingFirst) {
            // What was read and not acknowledged (by a previous holder, or before a failure here) goes first.
            while (drain(new StreamEntryID(0, 0)) > 0) {
                // until none is left
            }
            pendingFirst = false;
        }
        if (holder) {
            drain(StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
        }
        return 0;
    }

    /**
     * Redis failed us: the lease may be gone, so it is taken again. Anything else was a publish that
     * failed (Redis refused it, the server stopping): the entry stays pending and goes first next time.
     */
    private void failed(RuntimeException e) {
        if (e instanceof JedisException) {
            holder = false;
        } else {
            pendingFirst = true;
        }
    }

    private void ensureGroup() {
        try {
            redis.xgroupCreate(inbox, GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * Reads up to {@value #READ_COUNT} entries, publishes them and acknowledges and deletes them together,
     * where one publish, one XACK and one XDEL per entry held the inbox to a few thousand entries a
     * second. Order is kept: refused entries go to {@code rt:in:rejected}, the rest are published in
     * the order added. A failure before the acknowledgement leaves the whole read pending, so it is
     * published again (at least once, as before, now up to a read's worth).
     *
     * @return how many entries were read
     */
    private int drain(StreamEntryID from) {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(GROUP, CONSUMER,
                XReadGroupParams.xReadGroupParams().count(READ_COUNT).block(BLOCK_MS), Map.of(inbox, from));
        if (read == null) {
            return 0;
        }
        int n = 0;
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
            List<StreamEntry> entries = stream.getValue();
            if (entries.isEmpty()) {
                continue;
            }
            n += entries.size();
            publish(entries);
            StreamEntryID[] ids = entries.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new);
            redis.xack(inbox, GROUP, ids);
            redis.xdel(inbox, ids);
        }
        return n;
    }

    /**
     * Publishes what the gateway accepts of {@code entries} in their order, as one batch (the broker
     * sends a batch in one pipelined round trip), and refuses the rest. A batch is checked whole before
     * any of it is derived or published ({@link io.realtime.gateway.channel.EventDeriver#check}), so a
     * batch refused for one entry moved no product stream's state, and each entry can then go alone:
     * only the refused ones stay out.
     */
    private void publish(List<StreamEntry> entries) {
        List<Accepted> batch = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            if (entry.getFields() == null) {
                continue; // deleted from the stream while pending: nothing left to publish
            }
            try {
                batch.add(new Accepted(entry, draft(entry.getFields())));
            } catch (InvalidInputException e) {
                reject(entry, e);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            core.publishAll(batch.stream().map(Accepted::draft).toList());
        } catch (InvalidInputException e) {
            for (Accepted accepted : batch) {
                publishAlone(accepted.entry(), accepted.draft());
            }
        }
    }

    /** An entry and the draft it became. */
    private record Accepted(StreamEntry entry, EventDraft draft) {
    }

    private void publishAlone(StreamEntry entry, EventDraft draft) {
        try {
            core.publish(draft);
        } catch (InvalidInputException e) {
            reject(entry, e);
        }
    }

    private EventDraft draft(Map<String, String> f) {
        String data = f.get("data");
        if (data != null && Utf8.longerThan(data, maxDataBytes)) {
            // The HTTP body's bound, kept here too: a worker's entry is parsed only within it.
            throw new InvalidInputException(ErrorCode.TOO_LARGE,
                    "'data' is larger than " + maxDataBytes + " bytes (gateway.publish.max-body-bytes)");
        }
        JsonValue json = data == null || data.isBlank() ? null : parse(data);
        JsonString type = f.get("type") == null ? null : jakarta.json.Json.createValue(f.get("type"));
        return EventDraft.of(core.channel(f.getOrDefault("channel", "")), type, json);
    }

    private static JsonValue parse(String data) {
        try {
            return PayloadJson.parse(data);
        } catch (RuntimeException e) {
            throw new InvalidInputException(ErrorCode.BAD_JSON, "'data' is not a JSON object");
        }
    }

    private void reject(StreamEntry entry, InvalidInputException why) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(entry.getFields());
        if (why.code() == ErrorCode.TOO_LARGE) {
            fields.remove("data"); // not copied: the rejected stream would hold every oversized payload again
        }
        fields.put("inboxId", entry.getID().toString());
        fields.put("error", why.code().wire() + ": " + why.getMessage());
        redis.xadd(rejected, XAddParams.xAddParams().maxLen(1000).approximateTrimming(), fields);
    }

    @PreDestroy
    void stop() {
        RedisLoop l = loop;
        if (l != null) {
            l.stop();
        }
        UnifiedJedis r = redis;
        if (r != null) {
            try {
                r.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
                        List.of(lease), List.of(me));
            } catch (JedisException e) {
                // the lease runs out by itself
            }
            r.close();
        }
    }
}
