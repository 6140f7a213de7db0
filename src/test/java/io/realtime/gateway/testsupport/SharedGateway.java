package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test gateway that the test classes asking for the same settings share, instead of each starting its
 * own: the first class starts it, the next ones find it running, and it stops when the test run ends
 * (JUnit closes what its root store holds). A start costs about 10 s of CPU and the integration tests keep
 * two cores busy, so each start saved is suite time saved. Register it in the class:
 *
 * <pre>{@code @RegisterExtension static final SharedGateway GATEWAY = SharedGateway.with(SharedGateway.SHORT_KEEPALIVES);}</pre>
 *
 * <p>What a class that shares must do: run in {@link OwnServers}' lane (one class at a time), wait until
 * the gateway is idle before it counts anything ({@link GatewayHttp#awaitIdle}), use channels of its own,
 * and read only the part of the log written since then. A class that stops or kills the gateway
 * does not share it. A gateway found dead (a failed class crashed it) is replaced by a new one.
 */
public final class SharedGateway implements BeforeAllCallback {

    /**
     * Keep-alives of a second (SSE heartbeat, WebSocket ping), so that a client that went away is noticed
     * within seconds, and small outbound queues (64 frames; a replay cut off after 2 s without room), so that
     * a client that stops reading is cut off after a few MB: the settings of the connection, back-pressure
     * and resource-bound tests. The replay's 2 s are below the silence limit (two 1 s pings and a second), so a
     * client that reads nothing is mostly cut off for its replay (1013); on a loaded machine the silence may
     * still come first (1001), which ResourceBoundsIT accepts. With 10 s it came first every time (stop 34).
     */
    public static final Map<String, String> SHORT_KEEPALIVES = Map.of(
            "GATEWAY_SSE_HEARTBEAT_SECONDS", "1",
            "GATEWAY_WS_PING_SECONDS", "1",
            "GATEWAY_OUTBOUND_QUEUE_SIZE", "64",
            "GATEWAY_OUTBOUND_REPLAY_TIMEOUT_MS", "2000");

    private static final ExtensionContext.Namespace POOL = ExtensionContext.Namespace.create(SharedGateway.class);

    private final Map<String, String> env;
    private volatile GatewayProcess process;
    private volatile GatewayHttp http;

    private SharedGateway(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The gateway started with {@code env} (the key of the pool: equal settings, one gateway). */
    public static SharedGateway with(Map<String, String> env) {
        return new SharedGateway(env);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Running running = context.getRoot().getStore(POOL)
                .getOrComputeIfAbsent(env, key -> new Running(env), Running.class);
        GatewayProcess p = running.alive();
        process = p;
        http = new GatewayHttp("http://localhost:" + p.httpPort());
    }

    public GatewayProcess process() {
        return process;
    }

    public GatewayHttp http() {
        return http;
    }

    /** The gateway's WebSocket endpoint. */
    public URI ws() {
        return URI.create("ws://localhost:" + process.httpPort() + "/ws");
    }

    /** The pool's entry for one set of settings: the gateway running with them, stopped when the run ends. */
    private static final class Running implements AutoCloseable {
        private final Map<String, String> env;
        private GatewayProcess process;

        Running(Map<String, String> env) {
            this.env = env;
        }

        /** The running gateway, started (again) if there is none or it died. */
        synchronized GatewayProcess alive() {
            if (process == null || !process.isAlive()) {
                try {
                    if (process != null) {
                        process.close(); // keeps the dead one's log
                    }
                    process = GatewayProcess.start(env);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting a shared gateway", e);
                }
            }
            return process;
        }

        @Override
        public synchronized void close() throws InterruptedException {
            if (process != null) {
                process.close();
            }
        }
    }
}
