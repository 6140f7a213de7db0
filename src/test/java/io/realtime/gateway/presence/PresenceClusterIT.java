package io.realtime.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayGroup;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.RedisClusterNodes;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence on a three-master Redis Cluster (DESIGN §11): a channel's hash, expiry set and pub/sub
 * share its slot, so the scripts run on the channel's master and join/leave travel by sharded
 * pub/sub. Several channels, so several masters.
 */
@OwnServers
class PresenceClusterIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static RedisClusterNodes cluster;
    private static GatewayGroup group;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisClusterNodes.start(3);
        group = GatewayGroup.start(1, i -> cluster.url(), Map.of("GATEWAY_REDIS_CLUSTER", "true",
                "GATEWAY_NAMESPACE_JOB_PRESENCE", "true", "GATEWAY_NAMESPACE_JOB_JOIN_LEAVE", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (group != null) {
                group.close();
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void membersJoinsAndLeavesWorkOnEveryMaster() throws Exception {
        GatewayHttp http = group.http(0);
        URI ws = URI.create(http.uri("/ws").toString().replaceFirst("^http", "ws"));
        List<String> channels = List.of("job:ca", "job:cb", "job:cc", "job:cd", "job:ce", "job:cf");
        List<WsTestClient> watchers = new ArrayList<>();
        try {
            for (String c : channels) {
                WsTestClient w = WsTestClient.connect(ws);
                watchers.add(w);
                w.send("{\"op\":\"subscribe\",\"channel\":\"" + c + "\"}");
                w.next("subscribed", WAIT);
            }
            try (WsTestClient joiner = WsTestClient.connect(ws)) {
                for (String c : channels) {
                    joiner.send("{\"op\":\"subscribe\",\"channel\":\"" + c + "\",\"info\":{\"c\":\"" + c + "\"}}");
                    joiner.next("subscribed", WAIT);
                }
                for (int i = 0; i < channels.size(); i++) {
                    String c = channels.get(i);
                    JsonObject join = watchers.get(i).next("join", WAIT);
                    assertEquals(c, join.getString("channel"));
                    assertEquals(c, join.getJsonObject("member").getJsonObject("info").getString("c"));
                    JsonObject stats = Await.until(WAIT, "2 members of " + c,
                            () -> GatewayHttp.json(http.get("/api/channels/" + c + "/presence/stats").body()),
                            s -> s.getInt("connections") == 2);
                    assertFalse(stats.getBoolean("partial"));
                }
            }
            for (int i = 0; i < channels.size(); i++) {
                assertEquals(channels.get(i), watchers.get(i).next("leave", WAIT).getString("channel"));
                JsonObject page = GatewayHttp.json(http.get("/api/channels/" + channels.get(i) + "/presence").body());
                assertEquals(1, page.getJsonArray("members").size(), page.toString());
            }
        } finally {
            watchers.forEach(WsTestClient::close);
        }
    }
}
