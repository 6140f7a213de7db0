package io.realtime.gateway.observability;

import io.realtime.gateway.broker.BrokerStatus;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Startup: UP once the application has initialised, which is when the broker has been made (in
 * cluster mode, after its first attempt to reach Redis) and the delivery threads run. Logs the one
 * line that says the gateway started, and in which mode.
 */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(StartedCheck.class.getName());

    private ChannelManager core;
    private DeliveryThreads threads;
    private volatile long startedAtMs;

    protected StartedCheck() {
        // for the CDI proxy
    }

    @Inject
    public StartedCheck(ChannelManager core, DeliveryThreads threads) {
        this.core = core;
        this.threads = threads;
    }

    void started(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        BrokerStatus status = core.broker().status();
        startedAtMs = System.currentTimeMillis();
        LOG.info("Gateway started: mode " + status.mode() + ", " + threads.size() + " writer threads, broker "
                + (status.degraded() ? "degraded: " : "") + status.detail());
    }

    @Override
    public HealthCheckResponse call() {
        long at = startedAtMs;
        return HealthCheckResponse.named("started").status(at > 0)
                .withData("mode", core.broker().status().mode())
                .withData("startedAtMs", at).build();
    }
}
