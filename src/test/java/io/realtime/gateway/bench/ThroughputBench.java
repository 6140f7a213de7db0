package io.realtime.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Throughput of one running gateway on loopback: events per second delivered to one SSE subscriber
 * and one WebSocket subscriber of the same channel, while a few threads publish through the batch
 * API ({@code POST /api/events}, each body under the 64 KiB limit). Also the publish rate and the
 * publish-to-receive latency (receive time minus the envelope's {@code ts}; same machine, same
 * clock; {@code ts} has millisecond resolution).
 *
 * <p>The gateway cuts off a subscriber that falls more than its outbound queue (default 4,096
 * frames) behind, so publishers never run more than {@code window} events ahead of the slower
 * subscriber: with {@code rate=0} (the default) they publish as fast as both keep up, which measures
 * the sustained delivery rate; with {@code rate=N} they publish N events/s, for the latency at a
 * load below saturation (at saturation, latency is mostly the window waiting in queues).
 *
 * <p>Not a test: a program to run by hand against a gateway started apart. Bounded: it publishes
 * {@code events} events and waits at most {@code timeout} seconds in all, then stops.
 *
 * <pre>
 * ThroughputBench [url] [events=20000] [publishers=4] [batch=500] [window=2000] [rate=0] [timeout=120]
 * url defaults to http://localhost:9080
 * </pre>
 */
public final class ThroughputBench {

    /** The gateway's default body limit (gateway.publish.max-body-bytes) and batch limit. */
    private static final int MAX_BODY_BYTES = 65_536;
    private static final int MAX_BATCH = 1_000;

    private ThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = "http://localhost:9080";
        java.util.Map<String, Integer> opt = new java.util.HashMap<>(java.util.Map.of("events", 20_000,
                "publishers", 4, "batch", 500, "window", 2_000, "rate", 0, "timeout", 120));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                base = strip(arg);
            } else if (opt.containsKey(arg.substring(0, eq))) {
                opt.put(arg.substring(0, eq), Integer.parseInt(arg.substring(eq + 1)));
            } else {
                throw new IllegalArgumentException("unknown option " + arg + "; known: " + opt.keySet());
            }
        }
        if (!base.startsWith("http://")) {
            throw new IllegalArgumentException("url must be http://host:port, got " + base);
        }
        int events = opt.get("events");
        int publishers = opt.get("publishers");
        int window = opt.get("window");
        int rate = opt.get("rate");
        int timeoutSeconds = opt.get("timeout");
        String channel = "job:bench-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Receiver sse = new Receiver("SSE", events);
        Receiver ws = new Receiver("WebSocket", events);
        Flow flow = new Flow(window, sse, ws);
        sse.flow = flow;
        ws.flow = flow;
        SseSubscriber sseSubscriber = SseSubscriber.open(http, base, channel, sse);
        WsSubscriber wsSubscriber = WsSubscriber.open(http, base, channel, ws);
        try {
            if (!sse.ready.await(10, TimeUnit.SECONDS) || !ws.ready.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("subscribers not ready within 10 s (sse " + sse.ready.getCount()
                        + ", ws " + ws.ready.getCount() + " pending)");
            }
            int batch = Math.min(Math.min(opt.get("batch"), window), maxBatch(channel));
            System.out.printf(Locale.ROOT, "gateway %s, channel %s: %d events, %d publishers, batches of %d,"
                    + " window %d, rate %s%n", base, channel, events, publishers, batch, window,
                    rate == 0 ? "as fast as delivered" : rate + "/s");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            AtomicInteger next = new AtomicInteger();
            AtomicLong lastAccepted = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            long start = System.nanoTime();
            sse.start = start;
            ws.start = start;
            List<Future<Integer>> running = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                String url = base;
                running.add(pool.submit(() -> publish(http, url, channel, events, batch, rate, start, next, flow,
                        lastAccepted, deadline)));
            }
            int published = 0;
            for (Future<Integer> f : running) {
                published += f.get();
            }
            pool.shutdown();
            long publishNanos = lastAccepted.get() - start;

            boolean sseDone = sse.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            boolean wsDone = ws.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);

            System.out.printf(Locale.ROOT, "publish:   %,d events accepted in %.2f s = %,.0f events/s%n",
                    published, publishNanos / 1e9, published / (publishNanos / 1e9));
            sse.report(published);
            ws.report(published);
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/api/realtime/stats"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("gateway stats: " + stats.body());
            if (!sseDone || !wsDone || published < events) {
                System.out.println("INCOMPLETE: not every event arrived within " + timeoutSeconds + " s");
                System.exit(1);
            }
        } finally {
            sseSubscriber.close();
            wsSubscriber.close();
        }
    }

    /** The most events per batch that keep a body under the limit (the largest sequence number sized in). */
    private static int maxBatch(String channel) {
        int item = item(channel, Integer.MAX_VALUE).length() + 1;
        return Math.min(MAX_BATCH, (MAX_BODY_BYTES - 1024) / item);
    }

    private static String item(String channel, int seq) {
        return "{\"channel\":\"" + channel + "\",\"type\":\"bench\",\"data\":{\"seq\":" + seq + "}}";
    }

    /**
     * One publisher: takes the next batch of sequence numbers until all are taken, sends it when its
     * turn comes (at {@code rate}, if any) and the flow window allows; returns the events accepted.
     */
    private static int publish(HttpClient http, String base, String channel, int events, int batch, int rate,
                               long start, AtomicInteger next, Flow flow, AtomicLong lastAccepted, long deadline)
            throws Exception {
        int accepted = 0;
        while (System.nanoTime() < deadline) {
            int from = next.getAndAdd(batch);
            if (from >= events) {
                break;
            }
            int to = Math.min(events, from + batch);
            if (rate > 0) {
                long due = start + (long) (from * 1e9 / rate);
                while (System.nanoTime() < due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            if (!flow.awaitRoom(to, deadline)) {
                break;
            }
            StringBuilder body = new StringBuilder(batch * 64).append('[');
            for (int seq = from; seq < to; seq++) {
                if (seq > from) {
                    body.append(',');
                }
                body.append(item(channel, seq));
            }
            body.append(']');
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("publish answered " + r.statusCode() + ": " + r.body());
            }
            accepted += to - from;
            lastAccepted.accumulateAndGet(System.nanoTime(), Math::max);
        }
        return accepted;
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Keeps publishers at most {@code window} events ahead of the slower subscriber. */
    static final class Flow {
        private final int window;
        private final Receiver[] receivers;

        Flow(int window, Receiver... receivers) {
            this.window = window;
            this.receivers = receivers;
        }

        /** Waits until events up to {@code upTo} (exclusive) may be sent; false on the deadline or a lost subscriber. */
        synchronized boolean awaitRoom(int upTo, long deadline) throws InterruptedException {
            while (true) {
                int slowest = Integer.MAX_VALUE;
                for (Receiver r : receivers) {
                    if (r.ended.get() != null) {
                        return false;
                    }
                    slowest = Math.min(slowest, r.received);
                }
                if (upTo - slowest <= window) {
                    return true;
                }
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    return false;
                }
                wait(Math.min(leftMs, 10)); // also woken by progress(); the bound covers a missed wake-up
            }
        }

        synchronized void progress() {
            notifyAll();
        }
    }

    /** Counts one transport's events; keeps each one's latency; notices duplicates and reordering. */
    static final class Receiver {
        final String name;
        final int expected;
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final long[] latencyMs;
        final boolean[] seen;
        volatile long start;
        int count;
        int duplicates;
        /** Events whose id was not above the previous one's: the gateway promises id order per channel. */
        int misordered;
        long lastIdMs = -1;
        long lastIdSeq = -1;
        long lastAtNanos;
        final AtomicReference<String> ended = new AtomicReference<>();
        volatile int received;
        Flow flow;

        Receiver(String name, int expected) {
            this.name = name;
            this.expected = expected;
            this.latencyMs = new long[expected];
            this.seen = new boolean[expected];
        }

        /** One event frame's JSON (the envelope, or the WebSocket event op). Called by one thread. */
        void onEvent(String json) {
            long nowMs = System.currentTimeMillis();
            long nowNanos = System.nanoTime();
            int seq = (int) number(json, "\"seq\":");
            String ts = string(json, "\"ts\":\"");
            if (seq < 0 || seq >= expected || ts == null) {
                return; // not one of ours
            }
            if (seen[seq]) {
                duplicates++;
                return;
            }
            seen[seq] = true;
            String id = string(json, "\"id\":\"");
            int dash = id == null ? -1 : id.indexOf('-');
            if (dash > 0) {
                long ms = Long.parseLong(id, 0, dash, 10);
                long idSeq = Long.parseLong(id, dash + 1, id.length(), 10);
                if (ms < lastIdMs || ms == lastIdMs && idSeq <= lastIdSeq) {
                    misordered++;
                }
                lastIdMs = ms;
                lastIdSeq = idSeq;
            }
            latencyMs[count++] = nowMs - Instant.parse(ts).toEpochMilli();
            lastAtNanos = nowNanos;
            received = count;
            if ((count & 63) == 0 || count == expected) {
                flow.progress();
            }
            if (count == expected) {
                done.countDown();
            }
        }

        void end(String why) {
            ended.compareAndSet(null, why);
            flow.progress();
        }

        void report(int published) {
            int n = count;
            long[] sorted = Arrays.copyOf(latencyMs, n);
            Arrays.sort(sorted);
            double seconds = (lastAtNanos - start) / 1e9;
            System.out.printf(Locale.ROOT,
                    "%-10s %,d of %,d events in %.2f s = %,.0f events/s; latency median %d ms, p99 %d ms, max %d ms;"
                            + " duplicates %d, out of id order %d%s%n",
                    name + ":", n, published, seconds, n / seconds, percentile(sorted, 50), percentile(sorted, 99),
                    n == 0 ? 0 : sorted[n - 1], duplicates, misordered, ended.get() == null ? "" : "; stream ended: " + ended.get());
        }

        private static long percentile(long[] sorted, int p) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        private static long number(String json, String key) {
            int i = json.lastIndexOf(key);
            if (i < 0) {
                return -1;
            }
            i += key.length();
            long v = 0;
            int start = i;
            while (i < json.length() && Character.isDigit(json.charAt(i))) {
                v = v * 10 + (json.charAt(i++) - '0');
            }
            return i == start ? -1 : v;
        }

        private static String string(String json, String key) {
            int i = json.indexOf(key);
            if (i < 0) {
                return null;
            }
            int from = i + key.length();
            int to = json.indexOf('"', from);
            return to < 0 ? null : json.substring(from, to);
        }
    }

    /** {@code GET /api/stream?channel=...}, read line by line on a thread of its own. */
    static final class SseSubscriber {
        private final InputStream body;
        private final Thread reader;

        private SseSubscriber(InputStream body, Receiver receiver) {
            this.body = body;
            this.reader = new Thread(() -> read(receiver), "bench-sse");
            reader.setDaemon(true);
            reader.start();
        }

        static SseSubscriber open(HttpClient http, String base, String channel, Receiver receiver)
                throws IOException, InterruptedException {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stream?channel="
                            + channel)).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("SSE stream answered " + r.statusCode());
            }
            return new SseSubscriber(r.body(), receiver);
        }

        private void read(Receiver receiver) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
                String event = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        event = null;
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                        if (event.equals("position")) {
                            receiver.ready.countDown(); // subscribed: the stream told its position
                        } else if (event.equals("reset") || event.equals("shutdown")) {
                            receiver.end("event: " + event);
                        }
                    } else if (line.startsWith("data:") && "bench".equals(event)) {
                        receiver.onEvent(line.substring(5));
                    }
                }
                receiver.end("closed by the server");
            } catch (IOException e) {
                receiver.end(e.toString());
            }
        }

        void close() {
            try {
                body.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** {@code /ws} with one subscribe; every text frame goes to one thread (the client's listener). */
    static final class WsSubscriber implements WebSocket.Listener {
        private final Receiver receiver;
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        private WsSubscriber(Receiver receiver) {
            this.receiver = receiver;
        }

        static WsSubscriber open(HttpClient http, String base, String channel, Receiver receiver) {
            WsSubscriber subscriber = new WsSubscriber(receiver);
            subscriber.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws" + base.substring(4) + "/ws"), subscriber).join();
            subscriber.socket.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"1\"}", true)
                    .join();
            return subscriber;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.startsWith("{\"op\":\"event\"")) {
                    receiver.onEvent(frame);
                } else if (frame.startsWith("{\"op\":\"subscribed\"")) {
                    receiver.ready.countDown();
                } else if (frame.startsWith("{\"op\":\"error\"")) {
                    receiver.end(frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            receiver.end("closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            receiver.end(error.toString());
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
            socket.abort();
        }
    }
}
