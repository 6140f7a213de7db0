package io.realtime.gateway.transport;

import io.realtime.gateway.config.GatewayConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The goodbye to every client when the server stops: each connection first sends what it has
 * queued and its goodbye (SSE {@code event: shutdown}), within the drain time; then WebSockets are
 * closed with 1001, and SSE streams are ended last.
 *
 * <p>It runs at the first of: the start of a Liberty server stop ({@link EndpointWatch}: an endpoint
 * stops listening, before Liberty's quiesce waits up to 30 s for connections to end), a JVM shutdown
 * hook (SIGTERM), and the application's stop (an undeploy; or last, after everything else). Liberty
 * stops applications only after that quiesce, which an open SSE stream or WebSocket never ends by
 * itself, so a goodbye said only there would reach connections already cut. Once every connection
 * is closed here, the quiesce finds none left and the stop goes on at once. SSE streams end last:
 * while one is open the server does not tear down connections, so WebSocket close frames get out.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());

    private ConnectionRegistry registry;
    private GatewayConfig config;
    private JvmShutdownHook hook;

    protected GracefulShutdown() {
        // for the CDI proxy
    }

    @Inject
    public GracefulShutdown(ConnectionRegistry registry, GatewayConfig config) {
        this.registry = registry;
        this.config = config;
    }

    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // created with the application, so the hook is in place from the start
    }

    @PostConstruct
    void start() {
        hook = new JvmShutdownHook("gateway-shutdown", this::stop);
    }

    @PreDestroy
    void destroy() {
        hook.remove();
        stop();
    }

    /** A Liberty endpoint stopped listening: a server stop has begun (or {@code server pause}). */
    void endpointStopped(String endpoint) {
        LOG.info("Liberty endpoint " + endpoint + " stopped listening (server stop or pause):"
                + " saying goodbye to clients now");
        stop();
    }

    /** An endpoint listens again ({@code server resume}): clients may connect again. */
    void endpointListening(String endpoint) {
        registry.startAccepting();
        LOG.info("Liberty endpoint " + endpoint + " listens again: accepting client connections");
    }

    /** Safe to run twice (hook, then application stop): the second finds no connection left. */
    synchronized void stop() {
        boolean first = registry.isAccepting();
        registry.stopAccepting();
        List<GatewayConnection> open = registry.all();
        if (open.isEmpty()) {
            if (first) {
                LOG.info("Shutting down: no client connections to drain");
            }
            return;
        }
        LOG.info("Shutting down: draining " + open.size() + " client connections (up to "
                + config.shutdownDrain().toMillis() + " ms)");
        CompletableFuture<?>[] drained = open.stream().map(c -> c.shutdown().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(drained).get(config.shutdownDrain().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Whoever stops us wants it sooner: close at once, and leave the interrupt for them to see.
            Thread.currentThread().interrupt();
            LOG.warning("Interrupted while draining connections: closing them");
        } catch (TimeoutException e) {
            LOG.warning("Some connections did not drain within " + config.shutdownDrain() + ": closing them");
        } catch (ExecutionException | RuntimeException e) {
            // A connection's drain failed (not slow): the operator sees why; the rest are closed anyway.
            LOG.log(Level.WARNING, "Draining a connection failed: closing them all", e);
        }
        for (Transport transport : List.of(Transport.WEBSOCKET, Transport.SSE)) {
            for (GatewayConnection c : registry.of(transport)) {
                c.closeForShutdown();
            }
        }
        LOG.info("Closed " + open.size() + " connections for shutdown");
    }
}
