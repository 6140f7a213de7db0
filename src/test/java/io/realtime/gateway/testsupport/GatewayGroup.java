package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * N gateway instances (runnable-JAR Liberty servers) sharing a Redis: the one lifecycle the cluster and
 * fault tests use. Started one after the other: a start keeps both of two cores busy (about 20 s of CPU
 * with C1), so starting two at once mostly doubles each one's time; the lanes of the integration tests
 * ({@link OwnServers}) fill the waits instead. Any instance can be killed and a new one started in its
 * place (on new ports).
 */
public final class GatewayGroup implements AutoCloseable {

    /** Redis liveness tightened so that faults show within a second or two. */
    public static final Map<String, String> FAST_REDIS_LIVENESS = Map.of(
            "GATEWAY_REDIS_PING_INTERVAL_MS", "250",
            "GATEWAY_REDIS_DEAD_AFTER_MS", "1500",
            "GATEWAY_REDIS_RECONNECT_MIN_MS", "100",
            "GATEWAY_REDIS_RECONNECT_MAX_MS", "1000",
            "GATEWAY_REDIS_TIMEOUT_MS", "1000");

    private final IntFunction<String> redisUrl;
    private final Map<String, String> env;
    private final IntFunction<Map<String, String>> ownEnv;
    private final AtomicReferenceArray<GatewayProcess> processes;
    private final AtomicReferenceArray<GatewayHttp> https;

    private GatewayGroup(int n, IntFunction<String> redisUrl, Map<String, String> env,
                         IntFunction<Map<String, String>> ownEnv) {
        this.redisUrl = redisUrl;
        this.env = Map.copyOf(env);
        this.ownEnv = ownEnv;
        this.processes = new AtomicReferenceArray<>(n);
        this.https = new AtomicReferenceArray<>(n);
    }

    /**
     * Starts {@code n} instances, instance {@code i} with {@code REDIS_URL} = {@code redisUrl.apply(i)},
     * {@link #FAST_REDIS_LIVENESS} and then {@code env} (which wins); returns once all are ready.
     */
    public static GatewayGroup start(int n, IntFunction<String> redisUrl, Map<String, String> env)
            throws IOException, InterruptedException {
        return start(n, redisUrl, env, i -> Map.of());
    }

    /**
     * As {@link #start(int, IntFunction, Map)}, with {@code ownEnv.apply(i)} added for instance
     * {@code i} last (instances whose settings differ: a rollout of new settings, half done).
     */
    public static GatewayGroup start(int n, IntFunction<String> redisUrl, Map<String, String> env,
                                     IntFunction<Map<String, String>> ownEnv)
            throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(FAST_REDIS_LIVENESS);
        all.putAll(env);
        GatewayGroup group = new GatewayGroup(n, redisUrl, all, ownEnv);
        try {
            for (int i = 0; i < n; i++) {
                group.launch(i);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.close();
            throw e;
        }
        return group;
    }

    /** Starts instance {@code i} (again, after a kill or a stop: on new ports) and waits until it is ready. */
    public void launch(int i) throws IOException, InterruptedException {
        Map<String, String> own = new HashMap<>(env);
        own.put("REDIS_URL", redisUrl.apply(i));
        own.putAll(ownEnv.apply(i));
        GatewayProcess p = GatewayProcess.start(own);
        GatewayProcess old = processes.getAndSet(i, p);
        https.set(i, new GatewayHttp("http://localhost:" + p.httpPort()));
        if (old != null) {
            old.close(); // stopped if still alive; keeps its log under target/gateway-logs
        }
    }

    public int size() {
        return processes.length();
    }

    public GatewayProcess process(int i) {
        return processes.get(i);
    }

    public GatewayHttp http(int i) {
        return https.get(i);
    }

    /** The last {@code lines} lines of every instance's log, for a failure report. */
    public String logs(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < processes.length(); i++) {
            GatewayProcess p = processes.get(i);
            if (p != null) {
                List<String> all = p.log().lines().toList();
                sb.append("--- gateway ").append(i).append(" log (tail) ---\n")
                        .append(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        InterruptedException interrupted = null;
        for (int i = 0; i < processes.length(); i++) {
            GatewayProcess p = processes.get(i);
            if (p != null) {
                try {
                    p.close();
                } catch (InterruptedException e) {
                    interrupted = e;
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }
}
