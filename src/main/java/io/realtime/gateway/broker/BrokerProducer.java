package io.realtime.gateway.broker;

import io.realtime.gateway.broker.local.LocalBroker;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Chooses the broker once, at start-up: Redis when configured, else the local one.
 */
@ApplicationScoped
public class BrokerProducer {

    private static final Logger LOG = Logger.getLogger(BrokerProducer.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> sweep;

    @Produces
    @Singleton
    EnvelopeCodec codec() {
        return new EnvelopeCodec();
    }

    void closeCodec(@Disposes EnvelopeCodec codec) throws Exception {
        codec.close();
    }

    @Produces
    @ApplicationScoped
    Broker broker(GatewayConfig config, EnvelopeCodec codec, Event<ChannelEvent> events) {
        LocalBroker local = new LocalBroker(codec, events::fire, System::currentTimeMillis);
        sweep = scheduler.scheduleWithFixedDelay(() -> local.sweep(config.namespaces()::history),
                30, 30, TimeUnit.SECONDS);
        LOG.info("Broker: local (single instance, in-memory history); set REDIS_URL to join a cluster");
        return local;
    }

    void closeBroker(@Disposes Broker broker) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        broker.close();
    }
}
