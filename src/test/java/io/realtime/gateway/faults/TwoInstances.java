package io.realtime.gateway.faults;

import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.LinkProxy;
import io.realtime.gateway.testsupport.RedisServer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Two gateway instances on loopback sharing one redis-server: instance 0 reaches Redis through a
 * {@link LinkProxy} the test can cut, instance 1 directly, so a cut link partitions one instance
 * while the other goes on. Either instance can be killed and a new one started in its place; the
 * clients find the current address of each through {@link #http(int)}.
 */
final class TwoInstances implements AutoCloseable {

    private final RedisServer redis;
    private final LinkProxy proxy;
    private final Map<String, String> env;
    private final AtomicReferenceArray<GatewayProcess> processes = new AtomicReferenceArray<>(2);
    private final AtomicReferenceArray<GatewayHttp> https = new AtomicReferenceArray<>(2);

    private TwoInstances(RedisServer redis, LinkProxy proxy, Map<String, String> env) {
        this.redis = redis;
        this.proxy = proxy;
        this.env = env;
    }

    static TwoInstances start(RedisServer redis, LinkProxy proxy, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of(
                // Faults show within a second or two, as in the cluster tests.
                "GATEWAY_REDIS_PING_INTERVAL_MS", "250",
                "GATEWAY_REDIS_DEAD_AFTER_MS", "1500",
                "GATEWAY_REDIS_RECONNECT_MIN_MS", "100",
                "GATEWAY_REDIS_RECONNECT_MAX_MS", "1000",
                "GATEWAY_REDIS_TIMEOUT_MS", "1000",
                // Dead streams are found within a couple of seconds.
                "GATEWAY_SSE_HEARTBEAT_SECONDS", "2"));
        env.putAll(extraEnv);
        TwoInstances two = new TwoInstances(redis, proxy, env);
        try {
            // One after the other: on two shared cores a parallel start mostly doubles each one's time.
            two.launch(0);
            two.launch(1);
        } catch (IOException | InterruptedException | RuntimeException e) {
            two.close();
            throw e;
        }
        return two;
    }

    /** Starts instance {@code i} (again, after a kill: on new ports) and waits until it is ready. */
    void launch(int i) throws IOException, InterruptedException {
        Map<String, String> own = new HashMap<>(env);
        own.put("REDIS_URL", i == 0 ? proxy.url() : redis.url());
        GatewayProcess p = GatewayProcess.start(own);
        GatewayProcess old = processes.getAndSet(i, p);
        https.set(i, new GatewayHttp("http://localhost:" + p.httpPort()));
        if (old != null) {
            old.close(); // already dead; keeps its log under target/gateway-logs
        }
    }

    GatewayHttp http(int i) {
        return https.get(i);
    }

    GatewayProcess process(int i) {
        return processes.get(i);
    }

    RedisServer redis() {
        return redis;
    }

    LinkProxy proxy() {
        return proxy;
    }

    /** The last lines of both logs, for a failure report. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            GatewayProcess p = processes.get(i);
            if (p != null) {
                List<String> lines = p.log().lines().toList();
                sb.append("--- gateway ").append(i).append(" log (tail) ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            GatewayProcess p = processes.get(i);
            if (p != null) {
                p.close();
            }
        }
    }
}
