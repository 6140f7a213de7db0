package io.realtime.gateway.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.broker.HistoryGap;
import io.realtime.gateway.broker.Idempotency;
import io.realtime.gateway.broker.local.LocalBroker;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.config.NamespaceSettings;
import io.realtime.gateway.config.Namespaces;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.metrics.GatewayMeters;
import io.realtime.gateway.testsupport.Await;
import jakarta.json.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's lock order (issue 25), with real threads and a real fan-out thread: a subscriber that
 * unsubscribes from inside its live event (a stream ending on its last event) while another thread
 * unsubscribes from the same channel, and a subscriber that removes itself in the middle of the
 * fan-out's iteration. Both are forced into the bad interleaving by waiting on thread states, not
 * on time; before the fix the first deadlocked and the second threw a ConcurrentModificationException.
 */
class ChannelLockOrderTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final AtomicReference<ChannelManager> core = new AtomicReference<>();
    private final ExecutorService fanOut = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-fan-out");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Throwable> fanOutFailure = new AtomicReference<>();
    private final LocalBroker broker = new LocalBroker(new EnvelopeCodec(), e -> core.get().dispatch(e),
            System::currentTimeMillis, Idempotency.DEFAULT);

    ChannelLockOrderTest() {
        Namespaces namespaces = new Namespaces(Map.of(
                "job", new NamespaceSettings("job", false, new HistoryPolicy(1000, Duration.ofMinutes(5)))));
        // The real shape: one fan-out thread; a task that throws is recorded (the executor would
        // only print it and go on without the rest of the subscribers).
        core.set(new ChannelManager(namespaces, broker, new GatewayMeters(), task -> fanOut.execute(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                fanOutFailure.compareAndSet(null, e);
                throw e;
            }
        }), 4096));
    }

    @AfterEach
    void stop() throws InterruptedException {
        fanOut.shutdownNow();
        fanOut.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A subscriber that records its events and runs an action on each live one (on the fan-out thread). */
    static final class Acting implements Subscriber {
        final List<ChannelEvent> events = new ArrayList<>();
        final List<String> gaps = new ArrayList<>();
        volatile BiConsumer<Acting, ChannelEvent> onLive = (s, e) -> { };

        @Override
        public void onSubscribed(String channel, SubscribeOutcome outcome) {
        }

        @Override
        public void onEvent(ChannelEvent event, boolean replayed) {
            synchronized (this) {
                events.add(event);
                notifyAll();
            }
            if (!replayed) {
                onLive.accept(this, event);
            }
        }

        @Override
        public synchronized void onHistoryGap(String channel) {
            gaps.add(channel + "@" + events.size());
        }

        synchronized int count() {
            return events.size();
        }
    }

    /**
     * The deadlock of issue 25: the fan-out thread, holding the channel's subscriber monitor, closes
     * its subscriber (unsubscribes it) while a writer thread closing another subscriber of the same
     * channel holds the lifecycle lock and waits for that monitor.
     */
    @Test
    void aSubscriberClosingItselfOnItsEventWhileAnotherIsClosedDoesNotDeadlock() {
        ChannelManager manager = core.get();
        Acting ending = new Acting();
        Acting other = new Acting();
        Acting witness = new Acting();
        manager.subscribe(witness, manager.channel("job:d"), null);
        manager.subscribe(ending, manager.channel("job:d"), null);
        manager.subscribe(other, manager.channel("job:d"), null);

        AtomicReference<Thread> writer = new AtomicReference<>();
        CountDownLatch inFanOut = new CountDownLatch(1);
        ending.onLive = (self, event) -> {
            // Holding the channel's monitor: let the writer take the lifecycle lock and block on
            // the monitor, then close this stream as a finished one does.
            inFanOut.countDown();
            Await.until(BOUND, "the writer blocked on the channel's monitor", () -> writer.get() != null
                    && writer.get().getState() == Thread.State.BLOCKED);
            manager.unsubscribe(self, "job:d");
        };
        Thread closingAnother = new Thread(() -> {
            try {
                inFanOut.await();
            } catch (InterruptedException e) {
                return;
            }
            manager.unsubscribe(other, "job:d");
        }, "test-writer");
        closingAnother.setDaemon(true);
        writer.set(closingAnother);
        closingAnother.start();

        publish("job:d", 1);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Await.until(BOUND, "the writer done, or a deadlock", () -> !closingAnother.isAlive() || threads.findDeadlockedThreads() != null);
        assertNull(threads.findDeadlockedThreads(), "the fan-out thread and the writer deadlocked");
        Await.until(BOUND, "two subscribers off the channel", () -> manager.subscribersByChannel().getOrDefault("job:d", List.of()).size() == 1);
        assertEquals(List.of(witness), manager.subscribersByChannel().get("job:d"));

        // Delivery goes on for the one left.
        publish("job:d", 2);
        Await.until(BOUND, "the witness got the second event", () -> witness.count() == 2);
        assertNull(fanOutFailure.get());
    }

    /** The ConcurrentModificationException of issue 25: a subscriber removed in the middle of the iteration. */
    @Test
    void aSubscriberClosingItselfMidIterationLeavesTheOthersTheirEvent() {
        ChannelManager manager = core.get();
        List<Acting> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Acting s = new Acting();
            all.add(s);
            manager.subscribe(s, manager.channel("job:c"), null);
        }
        // The second and the fourth end on the event: itself, and (the fourth) the last one too.
        all.get(1).onLive = (self, event) -> manager.unsubscribe(self, "job:c");
        all.get(3).onLive = (self, event) -> {
            manager.unsubscribe(self, "job:c");
            manager.unsubscribe(all.get(4), "job:c");
        };

        publish("job:c", 1);
        Await.until(BOUND, "the two closers off the channel", () -> manager.subscribersByChannel().get("job:c").size() == 2);
        assertNull(fanOutFailure.get(), "the fan-out failed mid-iteration");
        for (Acting s : all) {
            assertEquals(1, s.count(), "every subscriber of the iteration got the event");
        }
        assertEquals(List.of(all.get(0), all.get(2)), manager.subscribersByChannel().get("job:c"));
        publish("job:c", 2);
        Await.until(BOUND, "the second event after the closes", () -> all.get(2).count() == 2);
        assertEquals(1, all.get(1).count());
        assertEquals(1, all.get(4).count());
    }

    /** The last subscriber ending on its event releases the channel, after the fan-out let go. */
    @Test
    void theLastSubscriberEndingOnItsEventReleasesTheChannel() {
        ChannelManager manager = core.get();
        Acting only = new Acting();
        only.onLive = (self, event) -> manager.unsubscribe(self, "job:l");
        manager.subscribe(only, manager.channel("job:l"), null);
        publish("job:l", 1);
        Await.until(BOUND, "the channel released", () -> manager.channelCount() == 0);
        assertEquals(1, only.count());
        assertNull(fanOutFailure.get());
    }

    /** A subscribe from inside a callback would take the locks in the wrong order: refused. */
    @Test
    void aSubscribeFromInsideACallbackIsRefused() {
        ChannelManager manager = core.get();
        Acting s = new Acting();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        s.onLive = (self, event) -> refused.set(assertThrows(IllegalStateException.class,
                () -> manager.subscribe(new Acting(), manager.channel("job:s2"), null)));
        manager.subscribe(s, manager.channel("job:s"), null);
        publish("job:s", 1);
        Await.until(BOUND, "the subscribe refused", () -> refused.get() != null);
        assertFalse(manager.subscribersByChannel().containsKey("job:s2"));
    }

    /**
     * A history gap reaches the subscribers whose last id is below the first id history still
     * holds, in order with the events, and nobody who has that id already.
     */
    @Test
    void aHistoryGapIsToldToTheSubscribersItReaches() {
        ChannelManager manager = core.get();
        Acting early = new Acting();
        manager.subscribe(early, manager.channel("job:g"), null);
        ChannelEvent first = publish("job:g", 1);
        Await.until(BOUND, "the first event", () -> early.count() == 1);
        ChannelEvent second = publish("job:g", 2);
        Await.until(BOUND, "the second event", () -> early.count() == 2);

        // Lost: what came after `first` up to (not including) an id above `second`.
        EventId upTo = new EventId(second.id().ms() + 1, 0);
        manager.gap(new HistoryGap("job:g", first.id(), upTo));
        // Not reached: early had `second`, and the gap ends at it.
        manager.gap(new HistoryGap("job:g", first.id(), second.id()));
        publish("job:g", 3);
        Await.until(BOUND, "the third event", () -> early.count() == 3);
        synchronized (early) {
            assertEquals(List.of("job:g@2"), early.gaps, "told once, after its two events, before the third");
        }
        assertTrue(manager.subscribersByChannel().containsKey("job:g"));
    }

    private ChannelEvent publish(String channel, int n) {
        ChannelManager manager = core.get();
        return manager.publish(EventDraft.of(manager.channel(channel), Json.createValue("t"),
                Json.createObjectBuilder().add("n", n).build()));
    }
}
