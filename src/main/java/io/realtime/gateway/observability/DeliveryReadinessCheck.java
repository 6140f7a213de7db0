package io.realtime.gateway.observability;

import io.realtime.gateway.channel.DeliveryThreads;
import io.realtime.gateway.transport.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the delivery path: DOWN while the writers are saturated (more queue drains waiting
 * for a writer thread than {@code gateway.health.max-delivery-backlog}), so a load balancer sends
 * new clients to an instance that can serve them, and DOWN once the shutdown started, so none
 * arrive while this one says goodbye.
 */
@Readiness
@ApplicationScoped
public class DeliveryReadinessCheck implements HealthCheck {

    private DeliveryThreads threads;
    private ConnectionRegistry connections;
    private int maxBacklog;

    protected DeliveryReadinessCheck() {
        // for the CDI proxy
    }

    @Inject
    public DeliveryReadinessCheck(DeliveryThreads threads, ConnectionRegistry connections,
                                  @ConfigProperty(name = "gateway.health.max-delivery-backlog") int maxBacklog) {
        this.threads = threads;
        this.connections = connections;
        this.maxBacklog = maxBacklog;
    }

    @Override
    public HealthCheckResponse call() {
        int backlog = threads.backlog();
        boolean accepting = connections.isAccepting();
        boolean saturated = backlog > maxBacklog;
        HealthCheckResponseBuilder response = HealthCheckResponse.named("delivery").status(accepting && !saturated)
                .withData("backlog", backlog)
                .withData("maxBacklog", maxBacklog)
                .withData("writerThreads", threads.size())
                .withData("connections", connections.size());
        if (!accepting) {
            response.withData("reason", "shutting down: draining client connections");
        } else if (saturated) {
            response.withData("reason", "writers saturated: " + backlog + " queue drains waiting for a writer thread");
        }
        return response.build();
    }
}
