package io.realtime.gateway.observability;

import io.realtime.gateway.channel.DeliveryThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the delivery threads (the fan-out thread and the writers) still run tasks. If they cannot run a
 * trivial one within a second, no client is getting anything.
 */
@Liveness
@ApplicationScoped
public class ExecutorLivenessCheck implements HealthCheck {

    private DeliveryThreads threads;

    protected ExecutorLivenessCheck() {
        // for the CDI proxy
    }

    @Inject
    public ExecutorLivenessCheck(DeliveryThreads threads) {
        this.threads = threads;
    }

    @Override
    public HealthCheckResponse call() {
        long started = System.nanoTime();
        try {
            threads.probe(1_000);
            return HealthCheckResponse.named("executor").up()
                    .withData("probeMicros", (System.nanoTime() - started) / 1000).withData("threads", threads.size()).build();
        } catch (InterruptedException e) {
            // The caller's thread is being stopped, not the delivery threads: say nothing is known
            // (DOWN, as the probe did not finish) and keep the interrupt for the caller.
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named("executor").down().withData("error", e.toString()).build();
        } catch (Exception e) {
            return HealthCheckResponse.named("executor").down().withData("error", e.toString()).build();
        }
    }
}
