package io.realtime.gateway.faults;

import io.realtime.gateway.event.EventId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one subscriber received on one channel, across all its connections, checked against the
 * promise: no duplicate (the same id twice, or the same published event under two ids), ids in
 * increasing order, and nothing accepted missing unless an explicit reset ({@code event: reset},
 * {@code recovered:false}) said history did not reach back. A reset received after resuming from id
 * {@code L} excuses exactly the events above {@code L} and below the first event that followed it:
 * the ones history no longer held.
 *
 * <p>Order is kept per form (DESIGN §3): cluster ids in increasing order among cluster ids, local
 * ids (an instance's, made while Redis was unreachable) among local ids. The two interleave: the
 * cluster events another instance published during a cut arrive after the local ones when the link
 * heals. A resume from a local id counts from its cluster part, where the cluster stood when it was
 * made.
 */
final class StreamChecker {

    private record Reset(EventId from, int index) {
    }

    /** Cluster ids received, in order (what a reset's excuse is measured against). */
    private final List<EventId> received = new ArrayList<>();
    private EventId lastLocal;
    private int delivered;
    private final Map<String, Long> receivedAt = new HashMap<>();
    private final Set<String> tags = new HashSet<>();
    private final List<Reset> resets = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int duplicateIds;
    private int duplicateTags;
    private int outOfOrder;

    synchronized void event(String id, String tag) {
        EventId eventId = EventId.parse(id);
        if (receivedAt.containsKey(id)) {
            duplicateIds++;
            note("id " + id + " received twice");
            return;
        }
        if (tag != null && !tags.add(tag)) {
            duplicateTags++;
            note("event " + tag + " received again under another id, " + id);
        }
        EventId previous = eventId.isLocal() ? lastLocal : received.isEmpty() ? null : received.get(received.size() - 1);
        if (previous != null && !eventId.isAfter(previous)) {
            outOfOrder++;
            note("id " + id + " after " + previous);
        }
        if (eventId.isLocal()) {
            lastLocal = eventId;
        } else {
            received.add(eventId);
        }
        delivered++;
        receivedAt.put(id, System.nanoTime());
    }

    /**
     * A reset: in answer to a resume from {@code from}, or pushed on a live stream whose events
     * history lost (then {@code from} is the client's last id). It excuses only what came after
     * both {@code from} and the last event received: a loss before it was not told.
     */
    synchronized void reset(String from) {
        EventId at = from == null ? EventId.ZERO : EventId.parse(from).cluster();
        EventId last = received.isEmpty() ? null : received.get(received.size() - 1);
        resets.add(new Reset(last != null && last.isAfter(at) ? last : at, received.size()));
    }

    synchronized boolean has(String id) {
        return receivedAt.containsKey(id);
    }

    synchronized Long receivedAt(String id) {
        return receivedAt.get(id);
    }

    synchronized boolean excused(EventId id) {
        for (Reset r : resets) {
            EventId firstAfter = r.index < received.size() ? received.get(r.index) : null;
            if (id.isAfter(r.from) && (firstAfter == null || firstAfter.isAfter(id))) {
                return true;
            }
        }
        return false;
    }

    /** The accepted ids neither received nor excused by a reset. */
    synchronized List<String> missing(Collection<String> accepted) {
        List<String> out = new ArrayList<>();
        for (String id : accepted) {
            if (!receivedAt.containsKey(id) && !excused(EventId.parse(id))) {
                out.add(id);
            }
        }
        return out;
    }

    /** The accepted ids not received because a reset said history no longer held them. */
    synchronized int excusedCount(Collection<String> accepted) {
        int n = 0;
        for (String id : accepted) {
            if (!receivedAt.containsKey(id) && excused(EventId.parse(id))) {
                n++;
            }
        }
        return n;
    }

    synchronized int delivered() {
        return delivered;
    }

    synchronized Set<String> tags() {
        return new HashSet<>(tags);
    }

    synchronized int resets() {
        return resets.size();
    }

    synchronized int duplicateIds() {
        return duplicateIds;
    }

    synchronized int duplicateTags() {
        return duplicateTags;
    }

    synchronized int outOfOrder() {
        return outOfOrder;
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void note(String problem) {
        if (problems.size() < 10) {
            problems.add(problem);
        }
    }
}
