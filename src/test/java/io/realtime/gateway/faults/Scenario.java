package io.realtime.gateway.faults;

import io.realtime.gateway.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One fault under traffic: subscribers over SSE and WebSocket on both instances, one publisher per
 * instance, the fault, and at the end the figures and the checks. Channels are the scenario's own,
 * so scenarios sharing two instances never see each other's events.
 */
final class Scenario implements AutoCloseable {

    final String name;
    final TwoInstances cluster;
    final Ledger ledger = new Ledger();
    final List<String> channels = new ArrayList<>();
    final List<ResumingSubscriber> subscribers = new ArrayList<>();
    private final List<Publisher> publishers = new ArrayList<>();
    private final long intervalMs;
    private final int padBytes;
    private long liftedAt;

    /**
     * @param perSlot subscribers per channel, instance and transport
     */
    Scenario(String name, TwoInstances cluster, int channelCount, int perSlot, long intervalMs, int padBytes) {
        this.name = name;
        this.cluster = cluster;
        this.intervalMs = intervalMs;
        this.padBytes = padBytes;
        String run = Long.toString(System.currentTimeMillis() % 100_000);
        for (int c = 0; c < channelCount; c++) {
            channels.add("job:" + name + "-" + run + "-" + c);
        }
        for (String channel : channels) {
            for (int home = 0; home < 2; home++) {
                for (int k = 0; k < perSlot; k++) {
                    String suffix = channel.substring(channel.lastIndexOf('-') + 1) + "-" + home + "-" + k;
                    subscribers.add(new SseSubscriber("sse-" + suffix, channel, home, cluster));
                    subscribers.add(new WsSubscriber("ws-" + suffix, channel, home, cluster));
                }
            }
        }
    }

    Scenario(String name, TwoInstances cluster) {
        this(name, cluster, 2, 1, FaultSettings.PUBLISH_INTERVAL_MS, 0);
    }

    /** Subscribers live on their home instance, then publishers running. */
    Scenario start() throws InterruptedException {
        subscribers.forEach(ResumingSubscriber::start);
        for (ResumingSubscriber s : subscribers) {
            if (!s.awaitLive(Duration.ofSeconds(60))) {
                throw new AssertionError(s.name + " not live within 60 s");
            }
        }
        for (int i = 0; i < 2; i++) {
            Publisher p = new Publisher(name + "-p" + i, cluster, i, channels, intervalMs, padBytes, ledger);
            publishers.add(p);
            p.start();
        }
        return this;
    }

    /** Lets traffic flow. */
    void traffic(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    /** The fault is over (or, for a crash, happened): recovery is timed from here. */
    void lifted() {
        liftedAt = System.nanoTime();
    }

    /** Stops publishing, waits for every subscriber to have every accepted event it is owed, and counts. */
    Figures finish() throws InterruptedException {
        for (Publisher p : publishers) {
            p.close();
        }
        try {
            Await.until(FaultSettings.CONVERGE, "every subscriber has every accepted cluster event",
                    () -> subscribers.stream().allMatch(s -> s.checker.missing(ledger.clusterIds(s.channel)).isEmpty()));
        } catch (AssertionError notAll) {
            // counted as lost below
        }
        ResumingSubscriber.closeAll(subscribers);
        Figures f = count();
        record(f.line());
        return f;
    }

    private Figures count() {
        int min = Integer.MAX_VALUE;
        int max = 0;
        long delivered = 0;
        int lost = 0;
        int dupIds = 0;
        int dupTags = 0;
        int order = 0;
        int resets = 0;
        int excused = 0;
        long recoverNanos = 0;
        List<String> problems = new ArrayList<>();
        Set<String> unanswered = new HashSet<>();
        for (ResumingSubscriber s : subscribers) {
            StreamChecker c = s.checker;
            List<String> accepted = ledger.clusterIds(s.channel);
            List<String> missing = c.missing(accepted);
            min = Math.min(min, c.delivered());
            max = Math.max(max, c.delivered());
            delivered += c.delivered();
            lost += missing.size();
            dupIds += c.duplicateIds();
            dupTags += c.duplicateTags();
            order += c.outOfOrder();
            resets += c.resets();
            excused += c.excusedCount(accepted);
            for (String tag : c.tags()) {
                if (!ledger.acceptedTag(tag)) {
                    unanswered.add(tag);
                }
            }
            if (!missing.isEmpty() && problems.size() < 20) {
                problems.add(s.name + " on " + s.liveOn() + " misses " + missing.size() + ", e.g. "
                        + missing.subList(0, Math.min(5, missing.size())));
            }
            c.problems().forEach(p -> problems.add(s.name + ": " + p));
            Ledger.Accepted first = ledger.firstClusterAfter(s.channel, liftedAt);
            if (liftedAt != 0 && first != null) {
                Long at = c.receivedAt(first.id());
                if (at != null) {
                    recoverNanos = Math.max(recoverNanos, at - liftedAt);
                }
            }
        }
        return new Figures(name, ledger.attempted(), ledger.cluster(), ledger.local(), ledger.refused(),
                ledger.failed(), subscribers.size(), min, max, delivered, lost, dupIds, dupTags, order, resets,
                excused, unanswered.size(), recoverNanos / 1_000_000, problems, ledger.failures());
    }

    /** The figures line goes to the test output and to target/faults-figures.txt for the closing note. */
    static void record(String line) {
        System.out.println(line);
        try {
            Path file = Path.of(System.getProperty("faults.figures", "target/faults-figures.txt"));
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Publisher p : publishers) {
            p.close();
        }
        ResumingSubscriber.closeAll(subscribers);
    }

    /**
     * {@code lost} counts the accepted events a subscriber never got and was not told of (untold);
     * {@code excusedByReset} those it was told of with a reset (told).
     */
    record Figures(String name, int attempted, long cluster, long local, int refused, int failed, int subscribers,
                   int minDelivered, int maxDelivered, long delivered, int lost, int duplicateIds,
                   int duplicateEvents, int outOfOrder, int resets, int excusedByReset, int deliveredUnanswered,
                   long recoverMs, List<String> problems, List<String> failures) {

        String line() {
            return String.format("FAULT %s%s: published %d, accepted %d cluster + %d local, refused %d, no answer %d"
                            + " | %d subscribers: delivered %d..%d each (%d in all), lost %d (told %d by a reset,"
                            + " untold %d), duplicated %d (+%d same event under another id), out of order %d,"
                            + " resets %d, delivered without a 202 %d | recovered in %d ms",
                    name, FaultSettings.LONG ? " (long)" : "", attempted, cluster, local, refused, failed,
                    subscribers, minDelivered, maxDelivered, delivered, lost + excusedByReset, excusedByReset, lost,
                    duplicateIds, duplicateEvents, outOfOrder, resets, deliveredUnanswered, recoverMs);
        }

        /** The promises: nothing accepted lost without a reset, nothing twice, order kept. */
        void assertPromisesKept(String logs) {
            String detail = line() + "\nproblems: " + problems + "\nno-answer examples: " + failures + "\n" + logs;
            if (lost != 0 || duplicateIds != 0 || duplicateEvents != 0 || outOfOrder != 0) {
                throw new AssertionError("promise broken: " + detail);
            }
            if (cluster == 0 || minDelivered == 0) {
                throw new AssertionError("no traffic went through: " + detail);
            }
        }
    }
}
