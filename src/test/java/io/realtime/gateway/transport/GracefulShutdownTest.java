package io.realtime.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.security.Caller;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** A stop interrupted while it waits for the drain closes every connection and keeps the interrupt. */
    @Test
    void interruptedDrainClosesAndKeepsTheInterrupt() {
        GatewayConfig config = new GatewayConfig() {
            @Override
            public Duration shutdownDrain() {
                return Duration.ofHours(1);
            }

            @Override
            public int connectionsPerAddress() {
                return 0;
            }

            @Override
            public int connectionsPerUser() {
                return 0;
            }
        };
        ConnectionRegistry registry = new ConnectionRegistry(config);
        NeverDrains connection = new NeverDrains();
        registry.add(connection);
        GracefulShutdown shutdown = new GracefulShutdown(registry, config);

        // The drain is an hour: a stop that waited it out instead of honouring the interrupt would
        // fail this generous bound (which is not a speed: an interrupted stop does not wait at all).
        boolean stillInterrupted = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Thread.currentThread().interrupt();
            shutdown.stop();
            return Thread.currentThread().isInterrupted();
        }, "did not wait out the drain");

        assertTrue(connection.closed.getCount() == 0, "connection closed");
        assertTrue(stillInterrupted, "the interrupt is kept for the caller");
    }

    private static final class NeverDrains implements GatewayConnection {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public Transport transport() {
            return Transport.SSE;
        }

        @Override
        public Caller caller() {
            return Caller.anonymous();
        }

        @Override
        public String address() {
            return "127.0.0.1";
        }

        @Override
        public void heartbeat(long nowMs) {
        }

        @Override
        public CompletionStage<Void> shutdown() {
            return new CompletableFuture<>();
        }

        @Override
        public void closeForShutdown() {
            closed.countDown();
        }

        @Override
        public void closeForFailure(String detail) {
        }

        @Override
        public void closeForAccess(String detail) {
        }
    }
}
