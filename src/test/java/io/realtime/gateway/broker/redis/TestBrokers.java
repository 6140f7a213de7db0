package io.realtime.gateway.broker.redis;

import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.EnvelopeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds RedisBrokers for tests the way the server does (settings from the shipped defaults file
 * plus overrides), with plain threads in place of the managed executors, and closes them all.
 * Threads are named {@code redis-link-test-*} so a test can tell they ended.
 */
final class TestBrokers implements AutoCloseable {

    static final String THREAD_PREFIX = "redis-link-test-";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final List<RedisBroker> brokers = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final HistoryPolicy policy;

    TestBrokers(HistoryPolicy policy) {
        this.policy = policy;
    }

    TestBrokers() {
        this(new HistoryPolicy(1000, Duration.ofMinutes(10)));
    }

    HistoryPolicy policy() {
        return policy;
    }

    EnvelopeCodec codec() {
        return codec;
    }

    /** The shipped defaults with {@code redis.url} and any overrides, through the production parser. */
    static RedisSettings settings(String url, Map<String, String> overrides) {
        Properties defaults = new Properties();
        try (InputStream in = TestBrokers.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RedisSettings.from(key -> key.equals("redis.url") ? Optional.of(url)
                : Optional.ofNullable(overrides.getOrDefault(key, defaults.getProperty(key)))).orElseThrow();
    }

    /** A broker whose keys start with {@code prefix} (each test its own, so tests never see each other's data). */
    RedisBroker start(String url, String prefix, Recorder recorder, Map<String, String> overrides) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(overrides);
        all.put("gateway.redis.key-prefix", prefix);
        return start(settings(url, all), recorder);
    }

    RedisBroker start(RedisSettings settings, Recorder recorder) {
        ExecutorService links = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, THREAD_PREFIX + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-keeper-test");
            t.setDaemon(true);
            return t;
        });
        executors.add(links);
        executors.add(scheduler);
        RedisBroker broker = new RedisBroker(settings, channel -> policy, io.realtime.gateway.broker.Idempotency.DEFAULT, codec, new io.realtime.gateway.metrics.GatewayMeters(), recorder, recorder::gap, links, scheduler);
        brokers.add(broker);
        return broker;
    }

    /** Threads currently running a subscriber link's loop (after close: none may be left). */
    static long runningLinks() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().isAlive())
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().equals(SubscriberLink.class.getName())))
                .count();
    }

    @Override
    public void close() {
        brokers.forEach(RedisBroker::close);
        executors.forEach(ExecutorService::shutdownNow);
        for (ExecutorService e : executors) {
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            codec.close();
        } catch (Exception e) {
            // nothing to release that matters to a test
        }
    }

    static String prefix(String test) {
        return "t" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-" + test + ":";
    }
}
