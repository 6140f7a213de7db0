package io.realtime.gateway.observability;

import io.realtime.gateway.transport.TransportExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the managed executor that drains every connection's queue still runs tasks. If it
 * cannot run a trivial one within a second, no client is getting anything.
 */
@Liveness
@ApplicationScoped
public class ExecutorLivenessCheck implements HealthCheck {

    private TransportExecutors executors;

    protected ExecutorLivenessCheck() {
        // for the CDI proxy
    }

    @Inject
    public ExecutorLivenessCheck(TransportExecutors executors) {
        this.executors = executors;
    }

    @Override
    public HealthCheckResponse call() {
        long started = System.nanoTime();
        try {
            Future<?> probe = executors.executor().submit(() -> { });
            probe.get(1, TimeUnit.SECONDS);
            return HealthCheckResponse.named("executor").up()
                    .withData("probeMicros", (System.nanoTime() - started) / 1000).build();
        } catch (Exception e) {
            return HealthCheckResponse.named("executor").down().withData("error", e.toString()).build();
        }
    }
}
