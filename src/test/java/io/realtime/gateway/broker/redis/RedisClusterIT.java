package io.realtime.gateway.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.broker.Delivery;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.event.History;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RedisClusterNodes;
import io.realtime.gateway.testsupport.RedisServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

/**
 * The Redis broker against a three-master Redis Cluster started by the test: hash-tagged keys keep
 * each channel's stream and pub/sub in one slot, fan-out is sharded pub/sub (SSUBSCRIBE on the
 * channel's master), and the cross-instance behaviour is the standalone one.
 */
@OwnServers
class RedisClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static RedisClusterNodes cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterNodes.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void eventsCrossInstancesInOrderOverShardedPubSubOnEveryMaster() throws Exception {
        try (TestBrokers brokers = new TestBrokers()) {
            String prefix = TestBrokers.prefix("cluster");
            Map<String, String> clusterMode = Map.of("gateway.redis.cluster", "true");
            Recorder onB = new Recorder();
            RedisBroker a = brokers.start(cluster.url(), prefix, new Recorder(), clusterMode);
            RedisBroker b = brokers.start(cluster.url(), prefix, onB, clusterMode);
            assertEquals("redis-cluster", b.status().mode());

            List<String> channels = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                channels.add("job:c" + i);
            }
            for (String c : channels) {
                b.channelActive(c);
            }
            // Each channel is held on the master of its slot, and the channels spread over the masters.
            Set<Integer> nodesWithChannels = new HashSet<>();
            int held = 0;
            for (RedisServer node : cluster.nodes()) {
                try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                    List<String> shard = jedis.pubsubShardChannels(prefix + "*");
                    held += shard.size();
                    if (!shard.isEmpty()) {
                        nodesWithChannels.add(node.port());
                    }
                }
            }
            assertEquals(12, held);
            assertTrue(nodesWithChannels.size() >= 2, "channels on " + nodesWithChannels);

            Map<String, List<String>> expected = new HashMap<>();
            List<EventDraft> batch = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (String c : channels) {
                    if (round % 2 == 0) {
                        expected.computeIfAbsent(c, k -> new ArrayList<>())
                                .add(a.publish(Drafts.progress(c, round), brokers.policy()).id().toString());
                    } else {
                        batch.add(Drafts.progress(c, round));
                    }
                }
                if (!batch.isEmpty()) {
                    var pub = a.publish(batch, Collections.nCopies(batch.size(), brokers.policy()), Fallback.REFUSE);
                    assertEquals(Delivery.CLUSTER, pub.delivery());
                    for (ChannelEvent e : pub.events()) {
                        expected.get(e.channel()).add(e.id().toString());
                    }
                    batch.clear();
                }
            }
            for (String c : channels) {
                assertEquals(expected.get(c), onB.awaitDelivered(c, 10, WAIT), c);
                assertTrue(onB.firedInOrder(c));
            }

            String c0 = channels.get(0);
            History resumed = b.historyAfter(c0, EventId.parse(expected.get(c0).get(3)), brokers.policy());
            assertTrue(resumed.complete());
            assertEquals(expected.get(c0).subList(4, 10), resumed.events().stream().map(e -> e.id().toString()).toList());

            // A worker on a plain cluster client, with the shipped script and SPUBLISH.
            String script;
            try (InputStream in = RedisBroker.class.getResourceAsStream("/redis/publish.lua")) {
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String c5 = channels.get(5);
            Object reply;
            try (RedisClusterClient worker = RedisClusterClient.create(
                    new HostAndPort("127.0.0.1", cluster.nodes().get(0).port()))) {
                reply = worker.eval(script, List.of(prefix + "h:{" + c5 + "}", prefix + "c:{" + c5 + "}"),
                        List.of(c5, "job_completed", "{\"jobId\":\"c5\"}", "1000", "600", "SPUBLISH"));
            }
            String workerId = StreamEvents.text(reply);
            List<String> got = onB.awaitDelivered(c5, 11, WAIT);
            assertEquals(workerId, got.get(got.size() - 1));
            assertTrue(b.status().subscriberAlive() && !b.status().degraded(), b.status().toString());
        }
    }

    /**
     * A publish whose answer is lost (the node ran the script, then the connection was reset before
     * the answer came back) is not sent again. Jedis retries a cluster command after any connection
     * failure, and a retried publish appended the event a second time, under another id. The broker
     * says the outcome is unknown; the history holds the event once, and the next publish goes on.
     */
    @Test
    void aPublishWhoseAnswerIsLostIsNotSentAgain() throws Exception {
        try (RedisClusterNodes proxied = RedisClusterNodes.startBehindProxies(3);
             TestBrokers brokers = new TestBrokers();
             RedisClusterClient reader = RedisClusterClient.create(
                     new HostAndPort("127.0.0.1", proxied.nodes().get(0).port()))) {
            String prefix = TestBrokers.prefix("lost");
            RedisBroker a = brokers.start(proxied.url(), prefix, new Recorder(), Map.of("gateway.redis.cluster", "true"));
            String channel = "job:lost-answer";
            String stream = prefix + "h:{" + channel + "}";
            a.publish(Drafts.progress(channel, 0), brokers.policy()); // the script is on the channel's node now
            String tag = "answer-lost-" + System.nanoTime();
            proxied.proxies().forEach(p -> p.holdAnswersTo(tag));
            java.util.concurrent.CompletableFuture<ChannelEvent> publishing = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> a.publish(Drafts.of(channel, "note", "{\"tag\":\"" + tag + "\"}"), brokers.policy()));
            try {
                io.realtime.gateway.testsupport.Await.until(WAIT, "the node ran the publish", () -> reader.xlen(stream) == 2);
            } finally {
                proxied.proxies().forEach(io.realtime.gateway.testsupport.LinkProxy::dropHeldAnswers);
            }
            Throwable outcome = null;
            try {
                publishing.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                outcome = e.getCause();
            }
            assertEquals(2, reader.xlen(stream), "the event once in history, not sent again after its answer was lost");
            org.junit.jupiter.api.Assertions.assertInstanceOf(io.realtime.gateway.event.UnavailableException.class,
                    outcome, String.valueOf(outcome));
            assertTrue(outcome.getMessage().contains("may or may not have been published"), outcome.getMessage());
            a.publish(Drafts.progress(channel, 2), brokers.policy());
            assertEquals(3, reader.xlen(stream));
        }
    }
}
