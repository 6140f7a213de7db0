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

}
