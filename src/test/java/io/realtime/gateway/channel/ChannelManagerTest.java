package io.realtime.gateway.channel;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The core on the local broker, without a server: resume, dedup, reset, unsubscribe. */
class ChannelManagerTest {

    private final AtomicReference<ChannelManager> core = new AtomicReference<>();
    /** Tasks handed to the fan-out. */
    private final AtomicInteger fanOutTasks = new AtomicInteger();
    private final LocalBroker broker = new LocalBroker(new EnvelopeCodec(), e -> core.get().dispatch(e),
            System::currentTimeMillis, Idempotency.DEFAULT);

    ChannelManagerTest() {
        Namespaces namespaces = new Namespaces(Map.of(
                "job", new NamespaceSettings("job", false, new HistoryPolicy(100_000, Duration.ofMinutes(5))),
                "tiny", new NamespaceSettings("tiny", false, new HistoryPolicy(3, Duration.ofMinutes(5)))));
        // Fan-out inline, on the publishing thread: these tests check the core's ordering logic; the
        // delivery threads' hand-over is exercised by the in-server and black-box tests.
        core.set(new ChannelManager(namespaces, broker, new GatewayMeters(), task -> {
            fanOutTasks.incrementAndGet();
            task.run();
        }, 4096));
    }

    /** A subscriber that records what it got, as a transport would queue it. */
    static final class Recorder implements Subscriber {
        final List<ChannelEvent> events = new ArrayList<>();
        final List<SubscribeOutcome> outcomes = new ArrayList<>();

        @Override
        public synchronized void onSubscribed(String channel, SubscribeOutcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public synchronized void onEvent(ChannelEvent event, boolean replayed) {
            events.add(event);
        }

        @Override
        public synchronized void onHistoryGap(String channel) {
            throw new AssertionError("no history gap expected on " + channel);
        }

        synchronized List<EventId> ids() {
            return events.stream().map(ChannelEvent::id).toList();
        }
    }

    @Test
    void resumeWhilePublishingHasNoGapAndNoDuplicate() throws Exception {
        ChannelManager manager = core.get();
        List<EventId> published = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 50; i++) {
            published.add(publish("job:r", i).id());
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            for (int i = 50; !stop.get() && i < 50_000; i++) {
                published.add(publish("job:r", i).id());
            }
        });
        publisher.start();
        List<Recorder> resumed = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            Recorder r = new Recorder();
            // Resume from a point in the past, while the publisher runs.
            EventId since = published.get(k);
            manager.subscribe(r, manager.channel("job:r"), since);
            resumed.add(r);
            Thread.sleep(2);
        }
        stop.set(true);
        publisher.join();
        for (int k = 0; k < resumed.size(); k++) {
            List<EventId> expected = published.subList(k + 1, published.size());
            assertEquals(expected, resumed.get(k).ids(), "subscriber " + k);
            assertTrue(resumed.get(k).outcomes.get(0).recovered());
        }
    }

    @Test
    void anEventOfAChannelNobodyHoldsCostsNoFanOutTask() {
        ChannelManager manager = core.get();
        for (int i = 0; i < 3; i++) {
            publish("job:nobody", i);
        }
        assertEquals(0, fanOutTasks.get(), "nobody holds job:nobody: nothing handed to the fan-out");

        Recorder held = new Recorder();
        manager.subscribe(held, manager.channel("job:held"), null);
        EventId first = publish("job:held", 0).id();
        EventId second = publish("job:held", 1).id();
        publish("job:nobody", 3);
        assertEquals(List.of(first, second), held.ids(), "the held channel's events are delivered");
        assertEquals(2, fanOutTasks.get(), "one fan-out task per event of the held channel only");

        manager.unsubscribe(held, "job:held");
        publish("job:held", 2);
        assertEquals(2, fanOutTasks.get(), "once its last subscriber left, the channel costs nothing again");
        assertEquals(List.of(first, second), held.ids());
    }

    @Test
    void aFreshSubscriberGetsOnlyWhatFollowsAndItsPositionResumesCleanly() {
        ChannelManager manager = core.get();
        publish("job:p", 0);
        Recorder r = new Recorder();
        SubscribeOutcome outcome = manager.subscribe(r, manager.channel("job:p"), null);
        assertFalse(outcome.resumed());
        assertEquals(List.of(), r.ids());
        ChannelEvent next = publish("job:p", 1);
        assertEquals(List.of(next.id()), r.ids());

        Recorder later = new Recorder();
        manager.subscribe(later, manager.channel("job:p"), EventId.parse(outcome.position()));
        assertEquals(List.of(next.id()), later.ids());
        assertTrue(later.outcomes.get(0).recovered());
    }

    @Test
    void resumingPastTrimmedHistoryIsAReset() {
        ChannelManager manager = core.get();
        List<ChannelEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(publish("tiny:1", i));
        }
        Recorder r = new Recorder();
        SubscribeOutcome outcome = manager.subscribe(r, manager.channel("tiny:1"), events.get(0).id());
        assertTrue(outcome.reset());
        assertEquals(events.subList(3, 6).stream().map(ChannelEvent::id).toList(), r.ids(),
                "what history still has follows the reset");
    }

    @Test
    void anIdFromTheFutureIsAResetAndLiveEventsStillFlow() {
        ChannelManager manager = core.get();
        publish("job:f", 0);
        Recorder r = new Recorder();
        SubscribeOutcome outcome = manager.subscribe(r, manager.channel("job:f"),
                new EventId(System.currentTimeMillis() + 3_600_000, 0));
        assertTrue(outcome.reset());
        ChannelEvent next = publish("job:f", 1);
        assertEquals(List.of(next.id()), r.ids(), "not held back until the clock reaches the client's id");
    }

    @Test
    void unsubscribeStopsDeliveryAndTheLastOneReleasesTheChannel() {
        ChannelManager manager = core.get();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        manager.subscribe(a, manager.channel("job:u"), null);
        manager.subscribe(b, manager.channel("job:u"), null);
        assertEquals(1, manager.channelCount());
        assertTrue(manager.unsubscribe(a, "job:u"));
        assertFalse(manager.unsubscribe(a, "job:u"));
        publish("job:u", 1);
        assertEquals(0, a.events.size());
        assertEquals(1, b.events.size());
        assertTrue(manager.unsubscribe(b, "job:u"));
        assertEquals(0, manager.channelCount());
        assertEquals(0, manager.subscriptionCount());
    }

    /**
     * The rule of DESIGN §3 for local ids (a cluster instance's events while Redis was away): they
     * pass and leave the subscriber's last cluster id alone, so a cluster event below one of them by
     * the clock (published elsewhere meanwhile, fired here when the link caught up) still passes,
     * live or waiting in a subscriber's catch-up buffer; a cluster id at or below the last does not.
     */
    @Test
    void localIdsPassApartAndLeaveTheLastClusterIdWhereItWas() {
        ChannelManager manager = core.get();
        ChannelEvent first = publish("job:l", 0);
        Recorder r = new Recorder();
        manager.subscribe(r, manager.channel("job:l"), first.id());
        EventId at = first.id();
        ChannelEvent local = event(EventId.local(at, new EventId(at.ms() + 60_000, 0)));
        ChannelEvent missedMeanwhile = event(new EventId(at.ms() + 1, 0));
        manager.dispatch(local);
        manager.dispatch(missedMeanwhile);
        manager.dispatch(first);
        manager.dispatch(missedMeanwhile);
        ChannelEvent local2 = event(EventId.local(missedMeanwhile.id(), new EventId(at.ms() + 60_000, 1)));
        manager.dispatch(local2);
        assertEquals(List.of(local.id(), missedMeanwhile.id(), local2.id()), r.ids());
    }

    /** The local broker never issued a local id: a resume from one is a reset, like any id it never issued. */
    @Test
    void aResumeFromALocalIdIsAReset() {
        ChannelManager manager = core.get();
        ChannelEvent first = publish("job:lr", 0);
        ChannelEvent second = publish("job:lr", 1);
        Recorder r = new Recorder();
        SubscribeOutcome outcome = manager.subscribe(r, manager.channel("job:lr"),
                EventId.local(first.id(), new EventId(first.id().ms() + 60_000, 0)));
        assertTrue(outcome.reset());
        ChannelEvent third = publish("job:lr", 2);
        assertEquals(List.of(second.id(), third.id()), r.ids(), "history after its cluster part, then live");
    }

    private static ChannelEvent event(EventId id) {
        return EnvelopeCodec.fromParts(id, "job:l", "t", "{}");
    }

    private ChannelEvent publish(String channel, int n) {
        ChannelManager manager = core.get();
        return manager.publish(EventDraft.of(manager.channel(channel), Json.createValue("t"),
                Json.createObjectBuilder().add("n", n).build()));
    }
}
