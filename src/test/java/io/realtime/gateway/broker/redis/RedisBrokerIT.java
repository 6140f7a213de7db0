package io.realtime.gateway.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.broker.BrokerStatus;
import io.realtime.gateway.broker.Delivery;
import io.realtime.gateway.broker.Publication;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.event.History;
import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RedisServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * The Redis broker against real redis-server processes, two broker instances standing for two
 * gateway instances: cross-instance order, resume and reset, unsubscription, clean stop. Faults
 * (Redis killed, a wedged link) are in {@link RedisFaultsIT}; Redis Cluster in {@link RedisClusterIT}.
 */
@OwnServers
class RedisBrokerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static RedisServer redis;

    private TestBrokers brokers;
    private String prefix;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUp(TestInfo info) {
        brokers = new TestBrokers();
        prefix = TestBrokers.prefix(info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void tearDown() {
        brokers.close();
    }

    /**
     * A Redis Cluster unreachable since start-up (no slot map to be had): a channel's first
     * subscriber is held on this instance with local delivery (docs/redis.md, "When Redis is
     * unreachable"), not refused because no master can be named for its slot.
     */
    @Test
    void aClusterUnreachableSinceStartUpHoldsNewSubscriptionsLocally() throws Exception {
        Recorder onA = new Recorder();
        String nobody = "redis://127.0.0.1:" + io.realtime.gateway.testsupport.FreePorts.next();
        RedisBroker a = brokers.start(nobody, prefix, onA, Map.of("gateway.redis.cluster", "true",
                "gateway.redis.timeout-ms", "300"));
        String channel = "job:held-in-cluster-mode";
        a.channelActive(channel);
        History held = a.historyAfter(channel, null, brokers.policy());
        assertTrue(held.complete());
        Publication local = a.publish(List.of(Drafts.progress(channel, 0)), List.of(brokers.policy()), Fallback.LOCAL);
        assertEquals(Delivery.LOCAL, local.delivery());
        assertEquals(local.events().get(0).id().toString(), onA.awaitDelivered(channel, 1, WAIT).get(0));
        a.channelInactive(channel);
    }

    @Test
    void eventsPublishedOnOneInstanceReachTheOtherInOrderWithStreamIds() throws Exception {
        Recorder onA = new Recorder();
        Recorder onB = new Recorder();
        RedisBroker a = brokers.start(redis.url(), prefix, onA, Map.of());
        RedisBroker b = brokers.start(redis.url(), prefix, onB, Map.of());
        String channel = "job:order";
        b.channelActive(channel);

        List<String> published = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            published.add(a.publish(Drafts.progress(channel, i), brokers.policy()).id().toString());
        }
        List<EventDraft> batch = new ArrayList<>();
        for (int i = 50; i < 150; i++) {
            batch.add(Drafts.progress(channel, i));
        }
        Publication pub = a.publish(batch, Collections.nCopies(batch.size(), brokers.policy()), Fallback.CONFIGURED);
        assertEquals(Delivery.CLUSTER, pub.delivery());
        pub.events().forEach(e -> published.add(e.id().toString()));

        assertEquals(published, onB.awaitDelivered(channel, 150, WAIT));
        assertTrue(onB.firedInOrder(channel));
        assertTrue(onA.fired(channel).isEmpty(), "A holds no subscriber of the channel, so Redis sends it nothing");
        // The id handed to the publisher is the stream entry id: the history has exactly these.
        History all = b.historyAfter(channel, EventId.ZERO, brokers.policy());
        assertEquals(published, all.events().stream().map(e -> e.id().toString()).toList());
        // The envelope on the wire and the one rebuilt from the stream are the same bytes.
        // By id, not by position in the firings: a catch-up racing the first live messages may fire
        // an event twice, which the core's id check drops (delivered() above is what clients see).
        ChannelEvent live = onB.fired(channel).stream().filter(e -> e.id().toString().equals(published.get(7)))
                .findFirst().orElseThrow();
        assertEquals(live.json(), all.events().get(7).json());
        assertEquals("job_progress", live.type());
        assertEquals(live.id().ms(), live.publishedAtMs(), "ts is the id's milliseconds");
        JsonObject envelope = Json.createReader(new StringReader(live.json())).readObject();
        assertEquals(List.of("id", "channel", "type", "ts", "data"), List.copyOf(envelope.keySet()));
        assertEquals(Instant.ofEpochMilli(live.id().ms()), Instant.parse(envelope.getString("ts")));
    }

    @Test
    void aWorkerPublishingWithTheShippedScriptReachesSubscribersAndHistory() throws Exception {
        Recorder onB = new Recorder();
        RedisBroker b = brokers.start(redis.url(), prefix, onB, Map.of());
        String channel = "campaign:7";
        b.channelActive(channel);

        String script;
        try (InputStream in = RedisBroker.class.getResourceAsStream("/redis/publish.lua")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Object reply;
        try (RedisClient worker = RedisClient.create(redis.url())) {
            reply = worker.eval(script, List.of(prefix + "h:{" + channel + "}", prefix + "c:{" + channel + "}"),
                    List.of(channel, "metrics_update", "{\"campaignId\":\"7\",\"impressions\":10}", "1000", "600"));
        }
        String id = StreamEvents.text(reply);
        List<String> got = onB.awaitDelivered(channel, 1, WAIT);
        assertEquals(List.of(id), got);
        ChannelEvent event = onB.fired(channel).get(0);
        assertEquals("metrics_update", event.type());
        assertTrue(event.json().contains("\"data\":{\"campaignId\":\"7\",\"impressions\":10}"), event.json());
        History history = b.historyAfter(channel, null, brokers.policy());
        assertEquals(id, history.top().toString());

        // What the worker's event looks like on the wire, and that a replay writes the same bytes.
        History replay = b.historyAfter(channel, EventId.ZERO, brokers.policy());
        assertEquals(event.json(), replay.events().get(0).json());
        try (RedisClient worker = RedisClient.create(redis.url())) {
            var refused = assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> worker.eval(script,
                    List.of(prefix + "h:{" + channel + "}", prefix + "c:{" + channel + "}"),
                    List.of(channel, "metrics_update", "{\n  \"campaignId\": \"7\"\n}", "1000", "600")));
            assertTrue(refused.getMessage().contains("bad_data"), refused.getMessage());
        }
    }

    /**
     * A refusal other than MOVED (here NOPERM: an ACL user without pub/sub rights) used to be retried
     * at once, in a loop: thousands of SUBSCRIBEs a second. Now it is retried with back-off, and the
     * channel is held locally meanwhile.
     */
    @Test
    void aRefusedSubscriptionIsRetriedWithBackOffNotInALoop() throws Exception {
        redis.command("ACL SETUSER nochannels on >secret ~* resetchannels +@all");
        String url = "redis://nochannels:secret@127.0.0.1:" + redis.port();
        RedisBroker b = brokers.start(url, prefix, new Recorder(),
                Map.of("gateway.redis.reconnect-min-ms", "100", "gateway.redis.reconnect-max-ms", "1000"));
        long before = subscribeAttempts();
        long started = System.nanoTime();
        b.channelActive("job:noperm");
        // Retried: a count reached, however long a loaded machine takes to get there.
        Await.until(WAIT, "the refused SUBSCRIBE retried", () -> subscribeAttempts() - before, n -> n >= 3);
        long attempts = subscribeAttempts() - before;
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        // With back-off, not in a loop: never more than one attempt per minimum back-off (100 ms) plus
        // the first. A slower machine only makes this bound looser; a loop makes thousands a second.
        assertTrue(attempts <= elapsedMs / 100 + 2,
                "with back-off, not in a loop: " + attempts + " SUBSCRIBEs in " + elapsedMs + " ms");
    }

    /** SUBSCRIBE calls the server saw, refused ones included (INFO commandstats). */
    private static long subscribeAttempts() {
        try (RedisClient admin = RedisClient.create(redis.url())) {
            String stats = admin.info("commandstats");
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("cmdstat_subscribe:calls=(\\d+).*?rejected_calls=(\\d+),failed_calls=(\\d+)")
                    .matcher(stats);
            return m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) : 0;
        }
    }

    @Test
    void resumeReplaysExactlyWhatWasMissed() throws Exception {
        RedisBroker a = brokers.start(redis.url(), prefix, new Recorder(), Map.of());
        String channel = "job:resume";
        List<EventId> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(a.publish(Drafts.progress(channel, i), brokers.policy()).id());
        }
        History missed = a.historyAfter(channel, ids.get(3), brokers.policy());
        assertTrue(missed.complete());
        assertEquals(ids.subList(4, 10), missed.events().stream().map(ChannelEvent::id).toList());
        assertEquals(ids.get(9), missed.top());

        History upToDate = a.historyAfter(channel, ids.get(9), brokers.policy());
        assertTrue(upToDate.complete());
        assertTrue(upToDate.events().isEmpty());

        History positionOnly = a.historyAfter(channel, null, brokers.policy());
        assertTrue(positionOnly.events().isEmpty());
        assertEquals(ids.get(9), positionOnly.top());

        // An id this stream never reached (another Redis, a lost stream) cannot be vouched for.
        EventId future = new EventId(ids.get(9).ms() + 60_000, 0);
        assertFalse(a.historyAfter(channel, future, brokers.policy()).complete());
    }

    @Test
    void aChannelWithNoEventsHasAPositionThatResumesWithoutLoss() throws Exception {
        RedisBroker a = brokers.start(redis.url(), prefix, new Recorder(), Map.of());
        String channel = "alerts:nobody-yet";
        EventId top = a.historyAfter(channel, null, brokers.policy()).top();
        assertNotEquals(EventId.ZERO, top);
        EventId first = a.publish(Drafts.of(channel, "alert", "{\"id\":\"1\"}"), brokers.policy()).id();
        EventId second = a.publish(Drafts.of(channel, "alert", "{\"id\":\"2\"}"), brokers.policy()).id();
        History resumed = a.historyAfter(channel, top, brokers.policy());
        assertTrue(resumed.complete());
        assertEquals(List.of(first, second), resumed.events().stream().map(ChannelEvent::id).toList());
        // From before the channel's first position: its stream was born after that id.
        assertFalse(a.historyAfter(channel, new EventId(top.ms() - 1, 0), brokers.policy()).complete());
    }

    @Test
    void aTrimmedStreamGivesAResetButAResumeWithinItDoesNot() throws Exception {
        TestBrokers small = new TestBrokers(new HistoryPolicy(10, Duration.ofMinutes(10)));
        try (small) {
            RedisBroker a = small.start(redis.url(), prefix, new Recorder(), Map.of());
            String channel = "job:trim";
            List<EventDraft> drafts = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                drafts.add(Drafts.progress(channel, i));
            }
            List<ChannelEvent> events = a.publishAll(drafts, Collections.nCopies(600, small.policy()));
            History fromStart = a.historyAfter(channel, events.get(0).id(), small.policy());
            assertFalse(fromStart.complete(), "MAXLEN ~ 10 trimmed the first events away");
            assertEquals(events.get(599).id(), fromStart.top());
            History recent = a.historyAfter(channel, events.get(594).id(), small.policy());
            assertTrue(recent.complete());
            assertEquals(events.subList(595, 600).stream().map(ChannelEvent::id).toList(),
                    recent.events().stream().map(ChannelEvent::id).toList());
        }
    }

    @Test
    void subscribesOnlyWhileAChannelHasLocalSubscribers() throws Exception {
        RedisBroker b = brokers.start(redis.url(), prefix, new Recorder(), Map.of());
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            channels.add("job:many-" + i);
        }
        // Many first subscribers at once: they share SUBSCRIBE commands, and all are confirmed.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String c : channels) {
                done.add(pool.submit(() -> b.channelActive(c)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(40, b.status().subscribedChannels());
        assertEquals("1", numsub("job:many-3"));
        for (String c : channels) {
            b.channelInactive(c);
        }
        Await.until(WAIT, "unsubscribed after the last", () -> numsub("job:many-3").equals("0"));
        assertEquals(0, b.status().subscribedChannels());
    }

    @Test
    void closeEndsTheLinkThreadAndItsConnection() throws Exception {
        RedisBroker b = brokers.start(redis.url(), prefix, new Recorder(), Map.of());
        b.channelActive("job:close");
        Await.until(WAIT, "a link running", () -> TestBrokers.runningLinks() >= 1);
        assertTrue(subscriberConnections() >= 1);
        BrokerStatus status = b.status();
        assertTrue(status.connected() && status.subscriberAlive() && !status.degraded(), status.toString());

        brokers.close();
        Await.until(WAIT, "no link thread left running", () -> TestBrokers.runningLinks() == 0);
        Await.until(WAIT, "no subscriber connection left", () -> subscriberConnections() == 0);
    }

    private String numsub(String channel) {
        try (Jedis client = new Jedis("127.0.0.1", redis.port())) {
            return Long.toString(client.pubsubNumSub(prefix + "c:{" + channel + "}").values().iterator().next());
        }
    }

    /** Connections named as the broker names its subscriber links. */
    private static long subscriberConnections() {
        try (Jedis client = new Jedis("127.0.0.1", redis.port())) {
            return client.clientList().lines().filter(l -> l.contains("name=rt-gateway-subscriber")).count();
        }
    }

}
