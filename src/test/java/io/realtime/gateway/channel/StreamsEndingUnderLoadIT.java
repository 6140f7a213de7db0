package io.realtime.gateway.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.realtime.gateway.event.EventId;
import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.ProcessProbe;
import io.realtime.gateway.testsupport.SharedGateway;
import io.realtime.gateway.testsupport.SseFrame;
import io.realtime.gateway.testsupport.SseTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The channel core under the load that stopped it (issue 25): many render-progress streams that
 * end on a published event ({@code job_completed} / {@code job_failed}), each watched by several
 * viewers, while other viewers of the same jobs open and close, and events flow on other channels.
 * A close run inside the fan-out's iteration (a stream whose last frame was written before it was
 * told to end) removed a subscriber mid-iteration (ConcurrentModificationException: the viewers
 * after it missed the end and never ended) or deadlocked every channel's delivery against a writer
 * closing another viewer. The end comes twice, as a worker retrying at least once sends it: a
 * viewer whose first end was already written is then told to end again while the fan-out iterates,
 * the case that closed it there.
 *
 * <p>Asserted: the other channels keep delivering throughout (each round ends with a fresh event
 * reaching each of them), every viewer gets its job's end event and its stream ends, the
 * background streams got every event in order, the gateway's threads are not deadlocked, and its
 * log holds no stack trace and nothing at SEVERE.
 */
@OwnServers
class StreamsEndingUnderLoadIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = Integer.getInteger("streams-ending.rounds", 4);
    private static final int JOBS = 12;
    private static final int VIEWERS = 6;
    private static final int CHURNERS = 2;
    private static final int FRAMES = 8;
    private static final int BACKGROUND = 3;
    /** What must never be in the gateway's output: a stack trace, an uncaught exception, an error. */
    private static final Pattern TROUBLE = Pattern.compile(
            "(?m)^.*(Exception in thread|ConcurrentModificationException|SEVERE|\\[ERROR|^\\s*(\\[err\\]\\s*)?at [a-z]+\\.).*$");

    /** The delivery-bound classes' shared gateway: 1 s heartbeats, so that a closed stream is noticed soon. */
    @RegisterExtension
    static final SharedGateway SHARED = SharedGateway.with(SharedGateway.SHORT_KEEPALIVES);

    private static GatewayProcess gateway;
    private static GatewayHttp http;
    /** Where this class's part of the shared gateway's log begins. */
    private static int logStart;

    /** Starts once the classes before it on the shared gateway have left it: their log lines are theirs. */
    @BeforeAll
    static void start() {
        gateway = SHARED.process();
        http = SHARED.http();
        http.awaitIdle(WAIT);
        logStart = gateway.log().length();
    }

    /** A stream of a channel of its own, and a thread recording the ids of the events it gets. */
    private static final class Background {
        final String channel;
        final SseTestClient client;
        final List<String> published = new CopyOnWriteArrayList<>();
        final List<String> received = new CopyOnWriteArrayList<>();
        final Thread reader;

        Background(String channel) throws Exception {
            this.channel = channel;
            this.client = SseTestClient.connect(http.uri("/api/stream?channel=" + channel));
            client.next(f -> "position".equals(f.event()), WAIT);
            this.reader = new Thread(() -> {
                try {
                    while (true) {
                        SseFrame f = client.next(Duration.ofMillis(200));
                        if (f == null && client.ended().isDone()) {
                            return;
                        }
                        if (f != null && "job_progress".equals(f.event())) {
                            received.add(f.id());
                        }
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            }, "background-" + channel);
            reader.setDaemon(true);
            reader.start();
        }
    }

    @Test
    void streamsEndingOnTheirLastEventNeitherStallNorStarveOthers() throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 1_000_000);
        List<Background> background = new ArrayList<>();
        for (int b = 0; b < BACKGROUND; b++) {
            background.add(new Background("job:bg-" + run + "-" + b));
        }
        AtomicBoolean flowing = new AtomicBoolean(true);
        AtomicReference<Throwable> publishFailed = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                for (int n = 0; flowing.get(); n++) {
                    Background b = background.get(n % BACKGROUND);
                    b.published.add(http.publish(b.channel, "job_progress",
                            "{\"frame\":" + (n % 1000) + ",\"totalFrames\":1000}"));
                }
            } catch (Throwable e) {
                publishFailed.set(e);
            }
        }, "background-publisher");
        publisher.start();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                round(run + "-" + round);
                // Delivery on the other channels goes on: a fresh event reaches each of them.
                for (Background b : background) {
                    String marker = http.publish(b.channel, "job_progress", "{\"frame\":1,\"totalFrames\":2}");
                    b.published.add(marker);
                    Await.until(WAIT, b.channel + " delivers after round " + round, () -> b.received.contains(marker));
                }
            }
        } finally {
            flowing.set(false);
            publisher.join(WAIT.toMillis());
        }
        assertNull(publishFailed.get(), "the background publisher failed");

        // Every background event reached its stream, once and in id order.
        for (Background b : background) {
            List<String> expected = b.published.stream().map(EventId::parse).sorted().map(EventId::toString).toList();
            Await.until(WAIT, b.channel + " has every event", () -> b.received.size() >= expected.size());
            assertEquals(expected, List.copyOf(b.received), b.channel);
            b.client.close();
        }
        new ProcessProbe(gateway.pid()).assertNoDeadlock("after the streams ended");
        String log = gateway.log().substring(logStart);
        List<String> trouble = TROUBLE.matcher(log).results().map(m -> m.group()).limit(20).toList();
        assertEquals(List.of(), trouble, "the gateway's log (this class's part):\n" + log);
    }

    /**
     * One round: JOBS jobs, VIEWERS viewers each that stay to the end and CHURNERS that come and go
     * while the job's frames are published, then every job ends at once (half completed, half
     * failed); every staying viewer gets its end event and its stream ends.
     */
    private void round(String tag) throws Exception {
        List<String> jobs = new ArrayList<>();
        List<GatewayHttp.Item> first = new ArrayList<>();
        for (int j = 0; j < JOBS; j++) {
            String job = "r" + tag + "-" + j;
            jobs.add(job);
            first.add(new GatewayHttp.Item("job:" + job, "job_progress", "{\"frame\":0,\"totalFrames\":" + FRAMES + "}"));
        }
        http.publishBatch(first);
        List<List<SseTestClient>> viewers = new ArrayList<>();
        for (String job : jobs) {
            List<SseTestClient> own = new ArrayList<>();
            for (int v = 0; v < VIEWERS; v++) {
                own.add(SseTestClient.connect(http.uri("/api/stream/render-progress/" + job)));
            }
            viewers.add(own);
        }
        for (List<SseTestClient> own : viewers) {
            for (SseTestClient viewer : own) {
                viewer.next(f -> "position".equals(f.event()), WAIT);
            }
        }
        AtomicBoolean churning = new AtomicBoolean(true);
        AtomicReference<Throwable> churnFailed = new AtomicReference<>();
        List<Thread> churners = new ArrayList<>();
        for (int c = 0; c < CHURNERS; c++) {
            Thread churner = new Thread(() -> {
                try {
                    for (int n = 0; churning.get(); n++) {
                        try (SseTestClient viewer = SseTestClient.connect(
                                http.uri("/api/stream/render-progress/" + jobs.get(n % jobs.size())))) {
                            viewer.next(f -> f.event() != null, WAIT);
                        }
                    }
                } catch (Throwable e) {
                    churnFailed.compareAndSet(null, e);
                }
            }, "churner-" + c);
            churner.start();
            churners.add(churner);
        }
        try {
            for (int frame = 1; frame < FRAMES; frame++) {
                List<GatewayHttp.Item> items = new ArrayList<>();
                for (String job : jobs) {
                    items.add(new GatewayHttp.Item("job:" + job, "job_progress",
                            "{\"frame\":" + frame + ",\"totalFrames\":" + FRAMES + "}"));
                }
                http.publishBatch(items);
            }
            List<GatewayHttp.Item> ends = new ArrayList<>();
            for (int j = 0; j < jobs.size(); j++) {
                ends.add(j % 2 == 0
                        ? new GatewayHttp.Item("job:" + jobs.get(j), "job_completed", "{\"outputUrl\":\"https://cdn.test/x.mp4\"}")
                        : new GatewayHttp.Item("job:" + jobs.get(j), "job_failed", "{\"error\":\"out of memory\"}"));
            }
            http.publishBatch(ends);
            // The worker's retry (the inbox is at least once): the same end again, right behind.
            // A viewer whose first end is written already is told to end a second time: before
            // the fix that closed it inline, inside the fan-out's iteration.
            http.publishBatch(ends);
            for (int j = 0; j < jobs.size(); j++) {
                String end = j % 2 == 0 ? "job_completed" : "job_failed";
                for (int v = 0; v < VIEWERS; v++) {
                    SseTestClient viewer = viewers.get(j).get(v);
                    String who = "viewer " + v + " of job " + jobs.get(j);
                    viewer.next(f -> end.equals(f.event()), WAIT);
                    Await.until(WAIT, who + ": its stream ends after " + end, () -> viewer.ended().isDone());
                }
            }
        } finally {
            churning.set(false);
            for (Thread churner : churners) {
                churner.join(WAIT.toMillis());
            }
            viewers.forEach(own -> own.forEach(SseTestClient::close));
        }
        assertNull(churnFailed.get(), "a churning viewer failed");
    }
}
