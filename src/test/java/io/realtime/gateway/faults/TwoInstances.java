package io.realtime.gateway.faults;

import io.realtime.gateway.testsupport.GatewayGroup;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.LinkProxy;
import io.realtime.gateway.testsupport.RedisServer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Two gateway instances on loopback sharing one redis-server: instance 0 reaches Redis through a
 * {@link LinkProxy} the test can cut, instance 1 directly, so a cut link partitions one instance
 * while the other goes on. Either instance can be killed and a new one started in its place; the
 * clients find the current address of each through {@link #http(int)}.
 */
final class TwoInstances implements AutoCloseable {

    private final RedisServer redis;
    private final LinkProxy proxy;
    private final GatewayGroup group;

    private TwoInstances(RedisServer redis, LinkProxy proxy, GatewayGroup group) {
        this.redis = redis;
        this.proxy = proxy;
        this.group = group;
    }

    static TwoInstances start(RedisServer redis, LinkProxy proxy, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of(
                // Dead streams are found within a couple of seconds (Redis faults show within a second
                // or two: GatewayGroup's liveness settings).
                "GATEWAY_SSE_HEARTBEAT_SECONDS", "2"));
        env.putAll(extraEnv);
        return new TwoInstances(redis, proxy, GatewayGroup.start(2, i -> i == 0 ? proxy.url() : redis.url(), env));
    }

    /** Starts instance {@code i} (again, after a kill: on new ports) and waits until it is ready. */
    void launch(int i) throws IOException, InterruptedException {
        group.launch(i);
    }

    GatewayHttp http(int i) {
        return group.http(i);
    }

    GatewayProcess process(int i) {
        return group.process(i);
    }

    RedisServer redis() {
        return redis;
    }

    LinkProxy proxy() {
        return proxy;
    }

    /** The last lines of both logs, for a failure report. */
    String logs() {
        return group.logs(80);
    }

    @Override
    public void close() throws InterruptedException {
        group.close();
    }
}
