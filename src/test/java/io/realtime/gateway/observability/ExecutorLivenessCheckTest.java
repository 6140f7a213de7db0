package io.realtime.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.channel.DeliveryThreads;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExecutorLivenessCheckTest {

    /** Outside Liberty there is no provider of responses: a plain one. */
    @BeforeAll
    static void responses() {
        HealthCheckResponse.setResponseProvider(PlainBuilder::new);
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** A check whose thread is interrupted while it waits on the probe answers DOWN and keeps the interrupt. */
    @Test
    void interruptedProbeKeepsTheInterrupt() {
        DeliveryThreads threads = new DeliveryThreads() {
            @Override
            public void probe(long timeoutMs) throws Exception {
                // What the real probe does: wait on a task's future (which clears the interrupt as it throws).
                new CompletableFuture<Void>().get(timeoutMs, TimeUnit.MILLISECONDS);
            }
        };
        ExecutorLivenessCheck check = new ExecutorLivenessCheck(threads);

        Thread.currentThread().interrupt();
        HealthCheckResponse response = check.call();
        boolean stillInterrupted = Thread.currentThread().isInterrupted();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(stillInterrupted, "the interrupt is kept for the caller");
    }

    private static final class PlainBuilder extends HealthCheckResponseBuilder {
        private String name;
        private boolean up;
        private final Map<String, Object> data = new HashMap<>();

        @Override
        public HealthCheckResponseBuilder name(String name) {
            this.name = name;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, String value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, long value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, boolean value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder up() {
            return status(true);
        }

        @Override
        public HealthCheckResponseBuilder down() {
            return status(false);
        }

        @Override
        public HealthCheckResponseBuilder status(boolean up) {
            this.up = up;
            return this;
        }

        @Override
        public HealthCheckResponse build() {
            return new HealthCheckResponse(name, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                    Optional.of(data));
        }
    }
}
