package io.realtime.gateway.stream.inbox;

import io.realtime.gateway.broker.redis.RedisSettings;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.RedisStreamState;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
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
    private static final String RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    @Resource
    ManagedThreadFactory threads;

    private ChannelManager core;
    private Optional<RedisSettings> settings;
    private String inbox;
    private String rejected;
    private String lease;
    private final String me = UUID.randomUUID().toString();
    private volatile boolean running;
    private volatile UnifiedJedis redis;

    protected RedisInbox() {
        // for the CDI proxy
    }

    @Inject
    public RedisInbox(ChannelManager core, Config config) {
        this.core = core;
        this.settings = RedisSettings.from(config);
        String prefix = settings.map(RedisSettings::keyPrefix).orElse("rt:");
        this.inbox = prefix + "in";
        this.rejected = prefix + "in:rejected";
        this.lease = prefix + "in:lease";
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (settings.isEmpty()) {
            return;
        }
        redis = RedisStreamState.client(settings.get(), "rt-gateway-inbox", 2);
        running = true;
        Thread thread = threads.newThread(this::loop);
        thread.setName("redis-inbox");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Workers' Redis inbox: XADD " + inbox + " * channel <channel> type <type> data <json>");
    }

    private void loop() {
        boolean holder = false;
        boolean pendingFirst = true;
        while (running) {
            try {
                if (!holder) {
                    holder = "OK".equals(redis.set(lease, me, SetParams.setParams().nx().px(LEASE_MS)));
                    if (!holder) {
                        sleep(LEASE_MS / 5);
                        continue;
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
            } catch (JedisException e) {
                if (running) {
                    LOG.log(Level.FINE, "Redis inbox: " + e.getMessage(), e);
                    holder = false;
                    sleep(1000);
                }
            } catch (RuntimeException e) {
                // A publish that failed (Redis refused it, the server stopping): kept pending, retried.
                LOG.log(Level.WARNING, "Redis inbox: an entry could not be published; it will be retried", e);
                pendingFirst = true;
                sleep(1000);
            }
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

    /** @return how many entries were published */
    private int drain(StreamEntryID from) {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(GROUP, CONSUMER,
                XReadGroupParams.xReadGroupParams().count(100).block(BLOCK_MS), Map.of(inbox, from));
        int n = 0;
        if (read == null) {
            return n;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
            n += stream.getValue().size();
            for (StreamEntry entry : stream.getValue()) {
                publish(entry);
                redis.xack(inbox, GROUP, entry.getID());
                redis.xdel(inbox, entry.getID());
            }
        }
        return n;
    }

    private void publish(StreamEntry entry) {
        Map<String, String> f = entry.getFields();
        if (f == null) {
            return; // deleted from the stream while pending: nothing left to publish
        }
        try {
            String data = f.get("data");
            JsonValue json = data == null || data.isBlank() ? null : parse(data);
            JsonString type = f.get("type") == null ? null : jakarta.json.Json.createValue(f.get("type"));
            core.publish(EventDraft.of(core.channel(f.getOrDefault("channel", "")), type, json));
        } catch (InvalidInputException e) {
            reject(entry, e.code().wire() + ": " + e.getMessage());
        }
    }

    private static JsonValue parse(String data) {
        try {
            return PayloadJson.parse(data);
        } catch (RuntimeException e) {
            throw new InvalidInputException(io.realtime.gateway.event.ErrorCode.BAD_JSON, "'data' is not a JSON object");
        }
    }

    private void reject(StreamEntry entry, String reason) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(entry.getFields());
        fields.put("inboxId", entry.getID().toString());
        fields.put("error", reason);
        redis.xadd(rejected, XAddParams.xAddParams().maxLen(1000).approximateTrimming(), fields);
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
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
