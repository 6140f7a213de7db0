package io.realtime.gateway.observability;

import io.realtime.gateway.broker.Broker;
import io.realtime.gateway.broker.BrokerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness with the broker's state in its data. It stays UP while the instance can serve, local
 * delivery included (DESIGN §9): a degraded instance still serves its own clients.
 */
@Readiness
@ApplicationScoped
public class BrokerReadinessCheck implements HealthCheck {

    private Broker broker;

    protected BrokerReadinessCheck() {
        // for the CDI proxy
    }

    @Inject
    public BrokerReadinessCheck(Broker broker) {
        this.broker = broker;
    }

    @Override
    public HealthCheckResponse call() {
        BrokerStatus status = broker.status();
        return HealthCheckResponse.named("broker").up()
                .withData("mode", status.mode())
                .withData("connected", status.connected())
                .withData("degraded", status.degraded())
                .withData("detail", status.detail())
                .build();
    }
}
