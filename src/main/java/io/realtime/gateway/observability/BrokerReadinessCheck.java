package io.realtime.gateway.observability;

import io.realtime.gateway.broker.Broker;
import io.realtime.gateway.broker.BrokerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness with the broker's state in its data. It stays UP while the instance can serve, local
 * delivery included (DESIGN §9): a degraded instance still serves its own clients.
 */
@Readiness
@ApplicationScoped
public class BrokerReadinessCheck implements HealthCheck {

    private Broker broker;
    private boolean redisRequired;

    protected BrokerReadinessCheck() {
        // for the CDI proxy
    }

    @Inject
    public BrokerReadinessCheck(Broker broker,
                                @ConfigProperty(name = "gateway.redis.required") boolean redisRequired) {
        this.broker = broker;
        this.redisRequired = redisRequired;
    }

    @Override
    public HealthCheckResponse call() {
        BrokerStatus status = broker.status();
        // DOWN only where configuration says Redis is required (DESIGN §9).
        boolean up = status.connected() || !redisRequired;
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker").status(up);
        if (status.degraded()) {
            // Why, in words an operator can act on (Redis unreachable since..., subscriber link down...).
            response.withData("reason", status.detail());
        }
        return response
                .withData("mode", status.mode())
                .withData("connected", status.connected())
                .withData("degraded", status.degraded())
                .withData("subscriberAlive", status.subscriberAlive())
                .withData("reconnects", status.reconnects())
                .withData("localOnlyPublishes", status.localOnlyPublishes())
                .withData("refusedPublishes", status.refusedPublishes())
                .withData("detail", status.detail())
                .build();
    }
}
