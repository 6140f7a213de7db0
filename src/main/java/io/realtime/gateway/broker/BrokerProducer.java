package io.realtime.gateway.broker;

import io.realtime.gateway.broker.local.LocalBroker;
import io.realtime.gateway.broker.redis.RedisBroker;
import io.realtime.gateway.broker.redis.RedisSettings;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedExecutors;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Chooses the broker once, at start-up: Redis when {@code redis.url} ({@code REDIS_URL}) is set,
 * else the local one.
 */
@ApplicationScoped
public class BrokerProducer {

    private static final Logger LOG = Logger.getLogger(BrokerProducer.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** Runs the Redis subscriber loop; injected with @Resource, which works where @Inject does not. */
    @Resource
    ManagedExecutorService executor;

    @Inject
    Config mpConfig;

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
        Optional<RedisSettings> redis = RedisSettings.from(mpConfig);
        if (redis.isPresent()) {
            RedisSettings settings = redis.get();
            LOG.info("Broker: " + settings.mode() + " at " + settings.where() + " (fallback when unreachable: "
                    + settings.fallback().name().toLowerCase(java.util.Locale.ROOT) + ")");
            return new RedisBroker(settings, config.namespaces()::history, codec, events::fire,
                    longRunning(), scheduler);
        }
        LocalBroker local = new LocalBroker(codec, events::fire, System::currentTimeMillis);
        sweep = scheduler.scheduleWithFixedDelay(() -> local.sweep(config.namespaces()::history),
                30, 30, TimeUnit.SECONDS);
        LOG.info("Broker: local (single instance, in-memory history); set REDIS_URL to join a cluster");
        return local;
    }

    /**
     * Submits a task that runs for the application's lifetime. The hint keeps it from holding one
     * of the threads the server's shared pool lends to short tasks; the executor ends it with the
     * application, and the broker's close() ends its loop first.
     */
    private Executor longRunning() {
        Map<String, String> hints = Map.of(ManagedTask.LONGRUNNING_HINT, "true",
                ManagedTask.IDENTITY_NAME, "redis-subscriber-link");
        return task -> executor.submit(ManagedExecutors.managedTask(task, hints, null));
    }

    void closeBroker(@Disposes Broker broker) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        broker.close();
    }
}
