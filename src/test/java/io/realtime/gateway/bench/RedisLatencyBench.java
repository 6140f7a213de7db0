package io.realtime.gateway.bench;

import io.realtime.gateway.broker.redis.RedisBroker;
import io.realtime.gateway.broker.redis.RedisSettings;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.testsupport.RedisServer;
import jakarta.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;

/**
 * Cross-instance publish-to-receive latency through Redis, on loopback: instance A publishes at a
 * fixed rate (through the broker, as the publish API does), instance B holds the channels and
 * times each event from A's publish call to B's fan-out. Two brokers in one JVM, each with its own
 * connections, so both timestamps come from one clock. Also counts the commands Redis served per
 * event, and measures recovery after Redis is killed and restarted. A benchmark, not a test: run it
 * by hand (docs/redis.md has the command). It starts its own redis-server on a free port.
 *
 * <p>Arguments (all optional): rates in events/s (default {@code 1000,10000}), seconds per rate
 * (default 10).
 */
public final class RedisLatencyBench {

    private static final int CHANNELS = 8;
    private static final int PUBLISHERS = 4;

    public static void main(String[] args) throws Exception {
        Logger.getLogger("io.realtime.gateway").setLevel(Level.SEVERE);
        int[] rates = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1000, 10000};
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (RedisServer redis = RedisServer.start()) {
            System.out.printf("redis-server %s, %d channels, %d publisher threads, %d s per rate, %d cores, "
                            + "load average %.2f%n", redis.url(), CHANNELS, PUBLISHERS, seconds,
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (int rate : rates) {
                latency(redis, rate, seconds);
            }
            for (int trial = 1; trial <= 3; trial++) {
                recovery(redis);
            }
        }
        System.exit(0);
    }

    private static void latency(RedisServer redis, int rate, int seconds) throws Exception {
        Stamps stamps = new Stamps();
        try (Pair pair = new Pair(redis.url(), stamps)) {
            for (int c = 0; c < CHANNELS; c++) {
                pair.b.channelActive(channel(c));
            }
            // Warm-up: one second at the rate, drained, not recorded.
            int warm = drive(pair.a, rate, 1);
            stamps.awaitCount(warm, Duration.ofSeconds(30));
            stamps.reset();
            long commandsBefore = commands(redis, "total_commands_processed");
            long evalshaBefore = commandStat(redis, "evalsha");
            int sent = drive(pair.a, rate, seconds);
            stamps.awaitCount(sent, Duration.ofSeconds(30));
            long commands = commands(redis, "total_commands_processed") - commandsBefore;
            long evalsha = commandStat(redis, "evalsha") - evalshaBefore;
            long[] lat = stamps.sorted();
            System.out.printf("%6d ev/s: sent %d, received %d, achieved %.0f ev/s; latency p50 %.3f ms, "
                            + "p99 %.3f ms, p99.9 %.3f ms, max %.3f ms; per event: %.2f client round trips (EVALSHA), "
                            + "%.2f commands executed by Redis (the script's XADD, EXPIRE, PUBLISH included)%n",
                    rate, sent, lat.length, sent / (double) seconds, pct(lat, 50), pct(lat, 99), pct(lat, 99.9),
                    lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6, evalsha / (double) sent, commands / (double) sent);
        }
    }

    /** Publishes at {@code rate} for {@code seconds} from a few threads; returns how many were accepted. */
    private static int drive(RedisBroker a, int rate, int seconds)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
        AtomicInteger sent = new AtomicInteger();
        long perThreadIntervalNs = 1_000_000_000L * PUBLISHERS / rate;
        int perThread = rate * seconds / PUBLISHERS;
        CountDownLatch done = new CountDownLatch(PUBLISHERS);
        HistoryPolicy policy = new HistoryPolicy(1000, Duration.ofMinutes(10));
        for (int t = 0; t < PUBLISHERS; t++) {
            int thread = t;
            pool.execute(() -> {
                long next = System.nanoTime();
                for (int i = 0; i < perThread; i++) {
                    next += perThreadIntervalNs;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    // The send time rides in the event, so B needs no lookup to time it.
                    long at = System.nanoTime();
                    a.publish(List.of(draft(channel((thread + i) % CHANNELS), at)), List.of(policy), Fallback.REFUSE);
                    sent.incrementAndGet();
                }
                done.countDown();
            });
        }
        done.await();
        pool.shutdown();
        return sent.get();
    }

    /** Kills Redis while A publishes every 10 ms, restarts it, and times until B receives again. */
    private static void recovery(RedisServer redis) throws Exception {
        Stamps stamps = new Stamps();
        try (Pair pair = new Pair(redis.url(), stamps)) {
            pair.b.channelActive(channel(0));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong lastDeliveredAt = new AtomicLong();
            stamps.onEvent = e -> lastDeliveredAt.set(System.nanoTime());
            Thread publisher = new Thread(() -> {
                HistoryPolicy policy = new HistoryPolicy(1000, Duration.ofMinutes(10));
                while (running.get()) {
                    try {
                        pair.a.publish(List.of(draft(channel(0), System.nanoTime())), List.of(policy), Fallback.REFUSE);
                    } catch (RuntimeException refusedWhileDown) {
                        // expected while Redis is down
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
            });
            publisher.start();
            Thread.sleep(1000);
            redis.kill();
            Thread.sleep(3000);
            long restarted = System.nanoTime();
            redis.restart();
            long restartedReturned = System.nanoTime();
            long deadline = restarted + TimeUnit.SECONDS.toNanos(30);
            while (lastDeliveredAt.get() < restartedReturned && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long healthyAt = System.nanoTime();
            while (!(pair.a.status().connected() && pair.b.status().subscriberAlive()) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            running.set(false);
            publisher.join();
            System.out.printf("recovery after a 3 s outage (default settings): first cross-instance delivery %.0f ms "
                            + "after redis-server was restarted (its start took %.0f ms of that)%n",
                    (lastDeliveredAt.get() - restarted) / 1e6, (restartedReturned - restarted) / 1e6);
            if (healthyAt > deadline) {
                System.out.println("  (not recovered within 30 s)");
            }
        }
    }

    private static EventDraft draft(String channel, long atNanos) {
        return EventDraft.of(ChannelName.parse(channel), Json.createValue("bench"),
                Json.createObjectBuilder().add("t", atNanos).add("pad", "x".repeat(100)).build());
    }

    private static String channel(int i) {
        return "job:bench-" + i;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static long commands(RedisServer redis, String field) {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (String line : jedis.info("stats").split("\r?\n")) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim());
                }
            }
        }
        return 0;
    }

    private static long commandStat(RedisServer redis, String command) {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_" + command + ":calls=")) {
                    String rest = line.substring(("cmdstat_" + command + ":calls=").length());
                    return Long.parseLong(rest.substring(0, rest.indexOf(',')));
                }
            }
        }
        return 0;
    }

    /** Latencies B saw, from the send time each event carries. */
    private static final class Stamps implements Consumer<ChannelEvent> {
        private final List<Long> latencies = new ArrayList<>();
        volatile Consumer<ChannelEvent> onEvent = e -> { };

        @Override
        public void accept(ChannelEvent event) {
            long now = System.nanoTime();
            String json = event.json();
            int at = json.indexOf("\"t\":") + 4;
            int end = at;
            while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
                end++;
            }
            long sent = Long.parseLong(json.substring(at, end));
            synchronized (this) {
                latencies.add(now - sent);
                notifyAll();
            }
            onEvent.accept(event);
        }

        synchronized void reset() {
            latencies.clear();
        }

        synchronized void awaitCount(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (latencies.size() < n && System.nanoTime() < deadline) {
                wait(100);
            }
        }

        synchronized long[] sorted() {
            long[] a = latencies.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(a);
            return a;
        }
    }

    /** Two broker instances on one Redis, with the shipped defaults. */
    private static final class Pair implements AutoCloseable {
        final EnvelopeCodec codec = new EnvelopeCodec();
        final ExecutorService links = Executors.newCachedThreadPool();
        final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        final RedisBroker a;
        final RedisBroker b;

        Pair(String url, Consumer<ChannelEvent> onB) throws IOException {
            Properties defaults = new Properties();
            try (InputStream in = RedisLatencyBench.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
                defaults.load(in);
            }
            RedisSettings settings = RedisSettings.from(key -> key.equals("redis.url") ? Optional.of(url)
                    : Optional.ofNullable(defaults.getProperty(key))).orElseThrow();
            HistoryPolicy policy = new HistoryPolicy(1000, Duration.ofMinutes(10));
            a = new RedisBroker(settings, c -> policy, io.realtime.gateway.broker.Idempotency.DEFAULT, codec, new io.realtime.gateway.metrics.GatewayMeters(), e -> { }, g -> { }, links, scheduler);
            b = new RedisBroker(settings, c -> policy, io.realtime.gateway.broker.Idempotency.DEFAULT, codec, new io.realtime.gateway.metrics.GatewayMeters(), onB, g -> { }, links, scheduler);
        }

        @Override
        public void close() throws Exception {
            a.close();
            b.close();
            links.shutdownNow();
            scheduler.shutdownNow();
            codec.close();
        }
    }
}
