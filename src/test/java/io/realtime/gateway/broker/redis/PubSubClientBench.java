package io.realtime.gateway.broker.redis;

import io.realtime.gateway.testsupport.LinkProxy;
import io.realtime.gateway.testsupport.RedisServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Jedis's own pub/sub client ({@code JedisPubSub} on a {@code Jedis} connection) against the gateway's
 * {@link SubscriberLink}, on one real redis-server, in one JVM: what the subscriber connection costs
 * per message, whether a wedged peer is noticed, and how long a subscribe made while messages flow
 * takes. Issue 24 asked that the choice between them be made by measurement (DESIGN §1). A benchmark,
 * not a test: run by hand (docs/redis.md has the command). Arguments: messages per round (200,000),
 * measured rounds (3).
 */
public final class PubSubClientBench {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String PAYLOAD = "x".repeat(100);
    private static final long WAIT_MS = 120_000;

    /** A subscriber under test: subscribed to the channels given, counting what arrives, on a thread of its own. */
    private static final class Client implements AutoCloseable {
        private final Thread reader;
        /** Subscriptions asked for while running, each released by Redis's confirmation. */
        private final Map<String, CountDownLatch> more;
        private final Consumer<String> subscribe;
        private final AutoCloseable closer;

        Client(Thread reader, Map<String, CountDownLatch> more, Consumer<String> subscribe, AutoCloseable closer) {
            this.reader = reader;
            this.more = more;
            this.subscribe = subscribe;
            this.closer = closer;
        }

        Thread reader() {
            return reader;
        }

        /** Subscribes one more channel while running; returns when Redis confirmed it. */
        void subscribeMore(String channel) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(1);
            more.put(channel, done);
            subscribe.accept(channel);
            await(done, "a subscription while reading");
        }

        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    private record Round(String client, int channels, long messages, double msgsPerSecond, double cpuNsPerMessage,
                         double allocatedBytesPerMessage) {
        @Override
        public String toString() {
            return String.format("| %s | %,d | %,d | %,.0f | %,.0f | %,.0f |", client, channels, messages, msgsPerSecond,
                    cpuNsPerMessage, allocatedBytesPerMessage);
        }
    }

    private PubSubClientBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (RedisServer redis = RedisServer.start()) {
            List<Round> results = new ArrayList<>();
            for (int channels : new int[] {1, 1_000}) {
                List<String> names = names(channels);
                for (int r = -1; r < rounds; r++) { // round -1 warms both up
                    for (String kind : new String[] {"JedisPubSub", "SubscriberLink"}) {
                        Round round = receive(redis.url(), kind, names, n);
                        if (r >= 0) {
                            results.add(round);
                            System.out.println(round);
                        }
                    }
                }
            }
            System.out.println("\n| client | channels | messages | received/s | reader CPU ns per message | allocated B per message |");
            System.out.println("|---|---|---|---|---|---|");
            results.forEach(System.out::println);
            subscribeWhileReading(redis.url());
            wedgedPeer(redis);
        }
    }

    private static List<String> names(int channels) {
        List<String> names = new ArrayList<>(channels);
        for (int i = 0; i < channels; i++) {
            names.add("bench:pubsub:" + i);
        }
        return names;
    }

    /** One round: the client subscribed to every channel, then n messages published round-robin, pipelined. */
    private static Round receive(String url, String kind, List<String> channels, int n) throws Exception {
        CountDownLatch all = new CountDownLatch(n);
        try (Client client = open(kind, url, channels, payload -> all.countDown())) {
            long tid = client.reader().getId();
            long cpu0 = THREADS.getThreadCpuTime(tid);
            long alloc0 = THREADS.getThreadAllocatedBytes(tid);
            long t0 = System.nanoTime();
            publish(url, channels, n);
            if (!all.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(kind + ": " + all.getCount() + " of " + n + " messages never came");
            }
            long seconds = System.nanoTime() - t0;
            long cpu = THREADS.getThreadCpuTime(tid) - cpu0;
            long alloc = THREADS.getThreadAllocatedBytes(tid) - alloc0;
            return new Round(kind, channels.size(), n, n / (seconds / 1e9), (double) cpu / n, (double) alloc / n);
        }
    }

    private static void publish(String url, List<String> channels, int n) {
        try (Jedis publisher = new Jedis(URI.create(url))) {
            Pipeline pipe = publisher.pipelined();
            for (int i = 0; i < n; i++) {
                pipe.publish(channels.get(i % channels.size()), PAYLOAD);
                if (i % 1_000 == 999) {
                    pipe.sync();
                }
            }
            pipe.sync();
        }
    }

    private static Client open(String kind, String url, List<String> channels, Consumer<String> onMessage)
            throws InterruptedException {
        return kind.equals("JedisPubSub") ? jedisPubSub(url, channels, onMessage) : link(url, channels, onMessage);
    }

    /** Jedis's client as its documentation shows it: subscribe() blocks its thread and calls back on it. */
    private static Client jedisPubSub(String url, List<String> channels, Consumer<String> onMessage)
            throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(channels.size());
        Map<String, CountDownLatch> more = new java.util.concurrent.ConcurrentHashMap<>();
        JedisPubSub pubsub = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                onMessage.accept(message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                CountDownLatch waiting = more.remove(channel);
                (waiting != null ? waiting : subscribed).countDown();
            }
        };
        Jedis jedis = new Jedis(URI.create(url));
        Thread reader = new Thread(() -> {
            try {
                jedis.subscribe(pubsub, channels.toArray(String[]::new));
            } catch (RuntimeException e) {
                // unsubscribed, or the connection was closed under it: the round is over
            }
        }, "bench-jedispubsub");
        reader.setDaemon(true);
        reader.start();
        await(subscribed, "JedisPubSub subscriptions");
        return new Client(reader, more, pubsub::subscribe, () -> {
            pubsub.unsubscribe();
            reader.join(WAIT_MS);
            jedis.close();
        });
    }

    /** The gateway's link, wired as RedisSubscriber wires it, with a listener that only counts. */
    private static Client link(String url, List<String> channels, Consumer<String> onMessage) throws InterruptedException {
        return link(url, channels, onMessage, e -> { }, null);
    }

    private static Client link(String url, List<String> channels, Consumer<String> onMessage,
                               Consumer<Exception> onDown, ScheduledExecutorService pinger) throws InterruptedException {
        RedisSettings settings = TestBrokers.settings(url, Map.of());
        RedisConnector connector = new RedisConnector(settings, java.util.Set.of());
        URI uri = URI.create(url);
        List<ChannelState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String c : channels) {
            states.add(new ChannelState(c, c, 0));
        }
        CountDownLatch subscribed = new CountDownLatch(channels.size());
        Map<String, CountDownLatch> more = new java.util.concurrent.ConcurrentHashMap<>();
        SubscriberLink link = new SubscriberLink(new HostAndPort(uri.getHost(), uri.getPort()), connector,
                new SubscriberLink.Listener() {
                    @Override
                    public List<ChannelState> channelsFor(SubscriberLink l) {
                        return states;
                    }

                    @Override
                    public void onSubscribed(ChannelState state, boolean resubscribed) {
                        CountDownLatch waiting = more.remove(state.pubsubKey);
                        (waiting != null ? waiting : subscribed).countDown();
                    }

                    @Override
                    public void onSubscribeRefused(List<ChannelState> refused, JedisDataException error) {
                        throw new IllegalStateException("refused: " + refused, error);
                    }

                    @Override
                    public void onDropped(String pubsubKey) {
                    }

                    @Override
                    public void onMessage(String pubsubKey, String payload) {
                        onMessage.accept(payload);
                    }

                    @Override
                    public void onUp(SubscriberLink l, boolean reconnected) {
                    }

                    @Override
                    public void onDown(SubscriberLink l, Exception cause) {
                        onDown.accept(cause);
                    }
                }, settings);
        Thread reader = new Thread(link, "bench-subscriber-link");
        reader.setDaemon(true);
        reader.start();
        if (pinger != null) { // RedisSubscriber's liveness check, on its period
            pinger.scheduleWithFixedDelay(link::ping, settings.pingInterval().toMillis(),
                    settings.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
        await(subscribed, "link subscriptions");
        return new Client(reader, more, channel -> {
            ChannelState state = new ChannelState(channel, channel, 0);
            states.add(state);
            link.subscribe(state, false);
        }, () -> {
            link.stop(WAIT_MS);
            connector.close();
        });
    }

    /** 100 subscribes made from another thread while one channel carries a steady flow; their times. */
    private static void subscribeWhileReading(String url) throws Exception {
        System.out.println("\nA subscribe made from another thread while 1 channel carries a flow (100 subscribes):");
        for (String kind : new String[] {"JedisPubSub", "SubscriberLink"}) {
            AtomicLong received = new AtomicLong();
            try (Client client = open(kind, url, List.of("bench:flow"), p -> received.incrementAndGet())) {
                Thread flow = new Thread(() -> publish(url, List.of("bench:flow"), 400_000), "bench-flow");
                flow.start();
                long[] micros = new long[100];
                for (int i = 0; i < micros.length; i++) {
                    long t0 = System.nanoTime();
                    client.subscribeMore("bench:more:" + kind + ":" + i);
                    micros[i] = (System.nanoTime() - t0) / 1_000;
                }
                flow.join(WAIT_MS);
                Arrays.sort(micros);
                System.out.printf("| %s | p50 %,d µs | p99 %,d µs | max %,d µs | %,d messages read meanwhile |%n", kind,
                        micros[50], micros[98], micros[99], received.get());
            }
        }
    }

    /** The connection wedged (the proxy holds every byte): how long until each client notices. */
    private static void wedgedPeer(RedisServer redis) throws Exception {
        long boundMs = 30_000;
        System.out.println("\nA wedged peer (the proxy holds every byte of the subscriber connection):");
        for (String kind : new String[] {"JedisPubSub", "SubscriberLink"}) {
            ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
            CountDownLatch noticed = new CountDownLatch(1);
            try (LinkProxy proxy = new LinkProxy(redis.port());
                 Client client = kind.equals("JedisPubSub")
                         ? jedisPubSub(proxy.url(), List.of("bench:wedge"), p -> { })
                         : link(proxy.url(), List.of("bench:wedge"), p -> { }, e -> noticed.countDown(), pinger)) {
                proxy.wedgeSubscribers();
                long t0 = System.nanoTime();
                boolean seen;
                if (kind.equals("JedisPubSub")) {
                    client.reader().join(boundMs); // subscribe() returns or throws only when its read ends
                    seen = !client.reader().isAlive();
                } else {
                    seen = noticed.await(boundMs, TimeUnit.MILLISECONDS);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("| %s | %s |%n", kind, seen ? "noticed after " + ms + " ms" : "not noticed within " + boundMs + " ms");
                proxy.releaseSubscribers();
            } finally {
                pinger.shutdownNow();
            }
        }
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(what + ": not within " + WAIT_MS + " ms");
        }
    }
}
