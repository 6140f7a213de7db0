package io.realtime.gateway.broker;

import java.time.Duration;
import io.realtime.gateway.broker.local.LocalBroker;
import io.realtime.gateway.broker.redis.RedisBroker;
import io.realtime.gateway.broker.redis.RedisSettings;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.metrics.GatewayMeters;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
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

    /** Makes the Redis subscriber link threads; injected with @Resource, which works where @Inject does not. */
    @Resource
    ManagedThreadFactory threads;

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
    Broker broker(GatewayConfig config, EnvelopeCodec codec, GatewayMeters meters, Event<ChannelEvent> events,
                  Event<HistoryGap> gaps) {
        Optional<RedisSettings> redis = RedisSettings.from(mpConfig);
        Idempotency idempotency = new Idempotency(
                Duration.ofSeconds(mpConfig.getValue("gateway.publish.idempotency-window-seconds", Long.class)),
                mpConfig.getValue("gateway.publish.idempotency-max-keys", Integer.class));
        if (redis.isPresent()) {
            RedisSettings settings = redis.get();
            LOG.info("Broker: " + settings.mode() + " at " + settings.where() + " (fallback when unreachable: "
                    + settings.fallback().name().toLowerCase(java.util.Locale.ROOT) + ")");
            return new RedisBroker(settings, config.namespaces()::history, idempotency, codec, meters, events::fire,
                    gaps::fire, longRunning(), scheduler);
        }
        LocalBroker local = new LocalBroker(codec, events::fire, System::currentTimeMillis, idempotency);
        sweep = scheduler.scheduleWithFixedDelay(() -> local.sweep(config.namespaces()::history),
                30, 30, TimeUnit.SECONDS);
        LOG.info("Broker: local (single instance, in-memory history); set REDIS_URL to join a cluster");
        return local;
    }

    /**
     * Runs a task for the application's lifetime on a thread of its own from the server's managed
     * thread factory (application context, stopped with the application). Not a managed executor:
     * in Liberty those have no pool of their own, so a loop that blocks on a socket for the
     * application's lifetime would hold one of the threads every short task (request work, SSE and
     * WebSocket queue drains) shares; the long-running hint changes only which concurrency policy
     * applies. The broker's close() ends the loop and closes its socket first.
     */
    private Executor longRunning() {
        return task -> {
            Thread thread = threads.newThread(task);
            thread.setName("redis-subscriber-link");
            thread.setDaemon(true);
            thread.start();
        };
    }

    void closeBroker(@Disposes Broker broker) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        broker.close();
    }
}
