package io.realtime.gateway.cluster;

import static io.realtime.gateway.cluster.TwoGateways.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RedisClusterNodes;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

/**
 * The cross-instance test against a three-master Redis Cluster started by the test: two Liberty
 * servers with {@code GATEWAY_REDIS_CLUSTER=true}, several channels (so several masters), events
 * published on A over HTTP and by a worker's SPUBLISH script arrive in order on B over SSE and
 * WebSocket, and a client resumes on B.
 */
@OwnServers
class ClusterCrossInstanceIT {

    private static RedisClusterNodes cluster;
    private static TwoGateways gateways;

    @RegisterExtension
    final TestWatcher logs = TwoGateways.dumpLogsOnFailure(() -> gateways);

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisClusterNodes.start(3);
        gateways = TwoGateways.start(cluster.url(), Map.of("GATEWAY_REDIS_CLUSTER", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gateways != null) {
                gateways.close();
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void publishedOnAArriveOnBInOrderAcrossTheClusterAndResume() throws Exception {
        List<String> channels = List.of("job:a", "job:b", "job:c", "job:d", "job:e", "job:f");
        String script = TwoGateways.publishScript();
        List<SseTestClient> streams = new ArrayList<>();
        try (WsTestClient ws = TwoGateways.ws(gateways.httpB, channels.get(0), null, null);
             RedisClusterClient worker = RedisClusterClient.create(
                     new HostAndPort("127.0.0.1", cluster.nodes().get(1).port()))) {
            for (String c : channels) {
                SseTestClient s = TwoGateways.sse(gateways.httpB, c, null);
                streams.add(s);
                TwoGateways.awaitPosition(s);
            }
            List<List<String>> published = new ArrayList<>();
            for (String c : channels) {
                published.add(new ArrayList<>());
            }
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < channels.size(); i++) {
                    String c = channels.get(i);
                    String data = "{\"jobId\":\"" + c.substring("job:".length()) + "\",\"stage\":\"s\",\"frame\":" + round + ",\"totalFrames\":8}";
                    if (round % 4 == 3) {
                        Object reply = worker.eval(script, List.of("rt:h:{" + c + "}", "rt:c:{" + c + "}"),
                                List.of(c, "job_progress", data, "1000", "600", "SPUBLISH"));
                        Object id = reply;
                        published.get(i).add(id instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                                : id.toString());
                    } else {
                        published.get(i).add(gateways.httpA.publish(c, "job_progress", data));
                    }
                }
            }
            for (int i = 0; i < channels.size(); i++) {
                assertEquals(published.get(i), TwoGateways.ids(streams.get(i).events("job_progress", 8, WAIT)),
                        channels.get(i));
            }
            assertEquals(published.get(0), ws.events(8, WAIT).stream().map(e -> e.getString("id")).toList());

            // Resume on B from the middle of job:c, published on A.
            String c = channels.get(2);
            try (SseTestClient resumed = TwoGateways.sse(gateways.httpB, c, published.get(2).get(4))) {
                List<SseFrame> replay = resumed.events("job_progress", 3, WAIT);
                assertEquals(published.get(2).subList(5, 8), TwoGateways.ids(replay));
            }
            JsonObject broker = gateways.httpB.stats().getJsonObject("broker");
            assertEquals("redis-cluster", broker.getString("mode"), broker.toString());
            assertEquals(true, broker.getBoolean("subscriberAlive"), broker.toString());
        } finally {
            streams.forEach(SseTestClient::close);
        }
    }

}
