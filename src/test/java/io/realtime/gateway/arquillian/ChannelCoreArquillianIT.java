package io.realtime.gateway.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.arquillian.RecordingSubscriber.Delivery;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.metrics.GatewayMeters;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The channel core inside a running server, with the beans the application really has: the local
 * broker, its CDI event, the configured namespaces. Each test uses channels of its own.
 */
@ExtendWith(ArquillianExtension.class)
public class ChannelCoreArquillianIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Deployment
    public static WebArchive deployment() {
        return GatewayDeployment.of("arq-channel-core", ChannelCoreArquillianIT.class, RecordingSubscriber.class,
                Delivery.class, ChannelEventRecorder.class);
    }

    @Inject
    ChannelManager core;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMeters stats;

    /** Publishers and resumers run on the server's own threads, as requests would. */
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    @Inject
    ChannelEventRecorder recorder;

    /**
     * Connections that come and go while publishers run, several at once (a herd reconnecting): each
     * resumes from where it, or an earlier one, was and must get exactly the channel's events after
     * that id, the replay and the live events that raced it joined with nothing missed and nothing
     * twice. Concurrent replays hold the channel's lock for a while, so a subscribe often finds an
     * event fired between its history read and its own turn: the catch-up buffer's case.
     */
    @Test
    void herdOfResumesWhilePublishersRunHasNoGapAndNoDuplicate() throws Exception {
        // council keeps 10,000 events per channel, more than this test publishes (100 + 4 x 20 x 100):
        // no resume can be overtaken by trimming, so every one of them must recover.
        ChannelName channel = core.channel("council:arq-resume-" + UUID.randomUUID());
        int channelsBefore = core.channelCount();
        int resumers = 4;
        int reconnects = 20;
        int burst = 100;

        RecordingSubscriber witness = new RecordingSubscriber();
        core.subscribe(witness, channel, null);

        // Publishers draw one permit per event; each reconnect hands out a burst and subscribes once it
        // is under way, so publishing overlaps every subscribe however fast or slow this machine is.
        Semaphore permits = new Semaphore(100);
        AtomicBoolean stop = new AtomicBoolean();
        Set<EventId> published = ConcurrentHashMap.newKeySet();
        List<Future<?>> publishers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int publisher = p;
            publishers.add(executor.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    if (permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        published.add(core.publish(draft(channel, "tick",
                                Json.createObjectBuilder().add("publisher", publisher).add("n", n++).build())).id());
                    }
                }
                return null;
            }));
        }
        witness.awaitCount(100, TIMEOUT);

        record Connection(EventId since, RecordingSubscriber subscriber) {
        }
        List<Connection> connections = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<EventId>> herd = new ArrayList<>();
        for (int r = 0; r < resumers; r++) {
            EventId start = witness.ids().get(10 * r);
            herd.add(executor.submit(() -> {
                EventId since = start;
                for (int k = 0; k < reconnects; k++) {
                    RecordingSubscriber subscriber = new RecordingSubscriber();
                    int before = witness.count();
                    permits.release(burst);
                    witness.awaitCount(before + 5, TIMEOUT);
                    SubscribeOutcome outcome = core.subscribe(subscriber, channel, since);
                    connections.add(new Connection(since, subscriber));
                    assertTrue(outcome.recovered(), "resume from " + since + " recovered: " + outcome);
                    // Whatever the witness had by now was published, so this connection gets it too.
                    EventId seen = witness.last();
                    if (seen.isAfter(since)) {
                        subscriber.awaitId(seen, TIMEOUT);
                    }
                    core.unsubscribe(subscriber, channel.value());
                    List<EventId> got = subscriber.ids();
                    // A plain reconnect from the last event it got, or one from far back, whose long
                    // replay overlaps what it had (and holds the channel's lock meanwhile).
                    if (!got.isEmpty()) {
                        since = k % 2 == 0 ? got.get(got.size() - 1) : witness.ids().get(k * 10);
                    }
                }
                return since;
            }));
        }
        List<EventId> lastPositions = new ArrayList<>();
        for (Future<EventId> f : herd) {
            lastPositions.add(f.get(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS));
        }
        stop.set(true);
        for (Future<?> f : publishers) {
            f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        assertTrue(published.size() < config.namespaces().history(channel.value()).size(),
                "fewer events than history keeps, so no resume could have been trimmed away");

        List<EventId> all = published.stream().sorted().toList();
        EventId top = all.get(all.size() - 1);
        // One more connection per resumer, from where it stopped, once publishing is over: it must
        // end up with everything.
        List<RecordingSubscriber> finals = new ArrayList<>();
        for (EventId since : lastPositions) {
            RecordingSubscriber subscriber = new RecordingSubscriber();
            assertTrue(core.subscribe(subscriber, channel, since).recovered());
            if (top.isAfter(since)) {
                subscriber.awaitId(top, TIMEOUT);
            }
            connections.add(new Connection(since, subscriber));
            finals.add(subscriber);
        }

        witness.awaitId(top, TIMEOUT);
        assertEquals(List.of(), witness.violations());
        assertEquals(all, witness.ids(), "the live subscriber got every event once, in id order");

        for (Connection c : connections) {
            RecordingSubscriber s = c.subscriber();
            assertEquals(List.of(), s.violations(), "resumed from " + c.since());
            int from = indexAfter(all, c.since());
            List<EventId> got = s.ids();
            assertEquals(all.subList(from, Math.min(all.size(), from + got.size())), got,
                    "resumed from " + c.since() + ": the events after it, each once, in order");
            int replayed = s.outcome().replayed();
            List<Delivery> deliveries = s.deliveries();
            for (int i = 0; i < deliveries.size(); i++) {
                assertEquals(i < replayed, deliveries.get(i).replayed(), "resumed from " + c.since()
                        + ", delivery " + i + ": the first " + replayed + " come from history, the rest live");
            }
        }

        core.unsubscribe(witness, channel.value());
        for (RecordingSubscriber s : finals) {
            core.unsubscribe(s, channel.value());
        }
        assertEquals(channelsBefore, core.channelCount(), "the channel is forgotten after its last subscriber left");
    }

    /** A resume from an id history no longer holds is a reset; from anything it still holds, it recovers. */
    @Test
    void resumeBeyondTrimmedHistoryIsAReset() throws Exception {
        ChannelName channel = core.channel("job:arq-trim-" + UUID.randomUUID());
        int size = config.namespaces().history(channel.value()).size();
        List<EventId> ids = core.publishAll(IntStream.range(0, size + 10)
                        .mapToObj(i -> draft(channel, "step", Json.createObjectBuilder().add("i", i).build())).toList())
                .stream().map(ChannelEvent::id).toList();
        List<EventId> kept = ids.subList(10, ids.size());

        // The first ten were trimmed: from the first, the client missed some and must reload.
        RecordingSubscriber fromFirst = subscribe(channel, ids.get(0));
        assertTrue(fromFirst.outcome().reset(), "reset: " + fromFirst.outcome());
        assertEquals(size, fromFirst.outcome().replayed());
        assertEquals(kept, fromFirst.ids(), "after the reset, what history still holds");

        // From the last trimmed one, nothing after it is gone.
        RecordingSubscriber fromFloor = subscribe(channel, ids.get(9));
        assertTrue(fromFloor.outcome().recovered(), "recovered: " + fromFloor.outcome());
        assertEquals(kept, fromFloor.ids());

        RecordingSubscriber fromTop = subscribe(channel, ids.get(ids.size() - 1));
        assertTrue(fromTop.outcome().recovered());
        assertEquals(0, fromTop.outcome().replayed());

        // No resume: neither recovered nor reset, and its position resumes with nothing missed.
        RecordingSubscriber live = subscribe(channel, null);
        assertFalse(live.outcome().resumed());
        assertFalse(live.outcome().reset());
        assertEquals(ids.get(ids.size() - 1).toString(), live.outcome().position());
        EventId next = core.publish(draft(channel, "step", JsonObject.EMPTY_JSON_OBJECT)).id();
        live.awaitId(next, TIMEOUT);
        assertEquals(List.of(next), live.ids());

        // An id from before the channel had any history (an earlier run of the server): a reset.
        ChannelName fresh = core.channel("job:arq-fresh-" + UUID.randomUUID());
        RecordingSubscriber ancient = subscribe(fresh, new EventId(1, 0));
        assertTrue(ancient.outcome().reset(), "reset: " + ancient.outcome());
        assertEquals(0, ancient.outcome().replayed());

        for (RecordingSubscriber s : List.of(fromFirst, fromFloor, fromTop, live)) {
            assertEquals(List.of(), s.violations());
            assertTrue(core.unsubscribe(s, channel.value()));
        }
        assertTrue(core.unsubscribe(ancient, fresh.value()));
    }

    /**
     * What the broker accepts reaches CDI observers (the path every transport is fed by) as it was
     * published: same id, same envelope, batch order kept, whether or not anyone subscribed.
     */
    @Test
    void cdiObserversSeeEveryPublishedEventInOrder() throws Exception {
        String suffix = UUID.randomUUID().toString();
        ChannelName a = core.channel("job:arq-cdi-" + suffix);
        ChannelName b = core.channel("campaign:arq-cdi-" + suffix);
        recorder.watch(a.value());
        recorder.watch(b.value());
        long publishedBefore = stats.published();

        JsonObject data = Json.createObjectBuilder().add("text", "héllo \"quoted\"\n")
                .add("nested", Json.createObjectBuilder().add("n", 1.5)).build();
        ChannelEvent single = core.publish(draft(a, "arq.note", data));
        List<ChannelEvent> batch = core.publishAll(List.of(draft(b, "arq.note", seq(0)), draft(a, "arq.note", seq(1)),
                draft(b, "arq.note", seq(2)), draft(a, "arq.note", seq(3))));

        List<ChannelEvent> onA = recorder.await(a.value(), 3, TIMEOUT);
        List<ChannelEvent> onB = recorder.await(b.value(), 2, TIMEOUT);
        assertEquals(List.of(single.id(), batch.get(1).id(), batch.get(3).id()), onA.stream().map(ChannelEvent::id).toList());
        assertEquals(List.of(batch.get(0).id(), batch.get(2).id()), onB.stream().map(ChannelEvent::id).toList());
        assertEquals(5, stats.published() - publishedBefore);

        ChannelEvent seen = onA.get(0);
        assertEquals(single.json(), seen.json());
        assertEquals("arq.note", seen.type());
        JsonObject envelope = Json.createReader(new StringReader(seen.json())).readObject();
        assertEquals(List.of("id", "channel", "type", "ts", "data"), List.copyOf(envelope.keySet()),
                "envelope members in the documented order");
        assertEquals(single.id().toString(), envelope.getString("id"));
        assertEquals(a.value(), envelope.getString("channel"));
        assertEquals(Instant.ofEpochMilli(single.publishedAtMs()), Instant.parse(envelope.getString("ts")));
        assertEquals(data, envelope.getJsonObject("data"));
    }

    private RecordingSubscriber subscribe(ChannelName channel, EventId since) {
        RecordingSubscriber subscriber = new RecordingSubscriber();
        core.subscribe(subscriber, channel, since);
        return subscriber;
    }

    private static EventDraft draft(ChannelName channel, String type, JsonObject data) {
        return EventDraft.of(channel, Json.createValue(type), data);
    }

    private static JsonObject seq(int i) {
        return Json.createObjectBuilder().add("seq", i).build();
    }

    /** Index of the first id after {@code since} in an ascending list. */
    private static int indexAfter(List<EventId> ascending, EventId since) {
        int i = 0;
        while (i < ascending.size() && !ascending.get(i).isAfter(since)) {
            i++;
        }
        return i;
    }
}
