package io.realtime.gateway.faults;

import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the publishers were told: every event answered 202, with its id and how it went out
 * ({@code cluster}: in the shared history, owed to every subscriber; {@code local}: delivered on
 * the answering instance only, by contract), and the publishes that were refused (503) or got no
 * answer (the instance died, the request timed out), which are not accepted.
 */
final class Ledger {

    record Accepted(String channel, String id, String tag, boolean cluster, long atNanos) {
    }

    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Set<String> acceptedTags = ConcurrentHashMap.newKeySet();
    private final Set<String> notAcceptedTags = ConcurrentHashMap.newKeySet();
    private final AtomicInteger attempted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    void attempt() {
        attempted.incrementAndGet();
    }

    void accepted(String channel, String id, String tag, boolean cluster) {
        accepted.add(new Accepted(channel, id, tag, cluster, System.nanoTime()));
        ids.add(id);
        acceptedTags.add(tag);
    }

    boolean acceptedTag(String tag) {
        return acceptedTags.contains(tag);
    }

    void refused(String tag) {
        refused.incrementAndGet();
        notAcceptedTags.add(tag);
    }

    void failed(String tag, String why) {
        failed.incrementAndGet();
        notAcceptedTags.add(tag);
        if (failures.size() < 5) {
            failures.add(why);
        }
    }

    /** Ids answered {@code cluster} on this channel. */
    List<String> clusterIds(String channel) {
        return accepted.stream().filter(a -> a.cluster() && a.channel().equals(channel)).map(Accepted::id).toList();
    }

    /** The first event accepted for the cluster on this channel at or after {@code nanos}. */
    Accepted firstClusterAfter(String channel, long nanos) {
        return accepted.stream().filter(a -> a.cluster() && a.channel().equals(channel) && a.atNanos() >= nanos)
                .findFirst().orElse(null);
    }

    boolean known(String id) {
        return ids.contains(id);
    }

    boolean notAccepted(String tag) {
        return notAcceptedTags.contains(tag);
    }

    int attempted() {
        return attempted.get();
    }

    long cluster() {
        return accepted.stream().filter(Accepted::cluster).count();
    }

    long local() {
        return accepted.stream().filter(a -> !a.cluster()).count();
    }

    int refused() {
        return refused.get();
    }

    int failed() {
        return failed.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }
}
