package io.realtime.gateway.arquillian;

import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.channel.Subscriber;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A subscriber as the channel core sees any connection: it only records, under its own monitor (the
 * core calls it with a channel lock held), and flags any breach of the {@link Subscriber} contract as
 * it happens: an event before {@code onSubscribed}, or an id not above the previous one.
 */
public final class RecordingSubscriber implements Subscriber {

    /** One delivered event and whether it came from the history replay. */
    public record Delivery(ChannelEvent event, boolean replayed) {
    }

    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> gaps = new ArrayList<>();
    private SubscribeOutcome outcome;
    private EventId last;

    @Override
    public synchronized void onSubscribed(String channel, SubscribeOutcome outcome) {
        if (this.outcome != null) {
            violations.add("onSubscribed twice on " + channel);
        }
        this.outcome = outcome;
        notifyAll();
    }

    @Override
    public synchronized void onEvent(ChannelEvent event, boolean replayed) {
        if (outcome == null) {
            violations.add(event + " before onSubscribed");
        }
        if (last != null && !event.id().isAfter(last)) {
            violations.add(event.id() + " after " + last + (event.id().equals(last) ? " (duplicate)" : " (out of order)"));
        }
        last = event.id();
        deliveries.add(new Delivery(event, replayed));
        notifyAll();
    }

    @Override
    public synchronized void onHistoryGap(String channel) {
        gaps.add(channel);
        notifyAll();
    }

    /** The channels whose history gaps it was told of, in order. */
    public synchronized List<String> gaps() {
        return List.copyOf(gaps);
    }

    public synchronized SubscribeOutcome outcome() {
        return outcome;
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public synchronized List<EventId> ids() {
        return deliveries.stream().map(d -> d.event().id()).toList();
    }

    public synchronized int count() {
        return deliveries.size();
    }

    /** The id of the last event delivered, or null. */
    public synchronized EventId last() {
        return last;
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Waits until the recorded state matches; fails after the timeout. */
    public synchronized void await(Predicate<RecordingSubscriber> condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new AssertionError("not within " + timeout + ": " + what + " (got " + deliveries.size()
                        + " events, last " + last + ")");
            }
            wait(leftMs);
        }
    }

    /** Waits until at least {@code n} events arrived. */
    public void awaitCount(int n, Duration timeout) throws InterruptedException {
        await(s -> s.deliveries.size() >= n, timeout, n + " events");
    }

    /** Waits until the event with this id (or a later one) arrived. */
    public void awaitId(EventId id, Duration timeout) throws InterruptedException {
        await(s -> s.last != null && !id.isAfter(s.last), timeout, "event " + id);
    }
}
