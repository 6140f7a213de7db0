package io.realtime.gateway.broker.local;

import io.realtime.gateway.broker.Idempotency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.event.History;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalBrokerTest {

    private static final HistoryPolicy FIVE_FOR_A_MINUTE = new HistoryPolicy(5, Duration.ofMinutes(1));

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<ChannelEvent> fired = Collections.synchronizedList(new ArrayList<>());
    private final LocalBroker broker = new LocalBroker(new EnvelopeCodec(), fired::add, clock::get, Idempotency.DEFAULT);

    @Test
    void historyKeepsTheLastNAndSaysWhenItNoLongerReachesBack() {
        List<ChannelEvent> published = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            published.add(publish("job:1", i));
        }
        History fromThird = broker.historyAfter("job:1", published.get(2).id(), FIVE_FOR_A_MINUTE);
        assertTrue(fromThird.complete(), "ids 3..7 are all still kept");
        assertEquals(published.subList(3, 8), fromThird.events());

        History fromFirst = broker.historyAfter("job:1", published.get(0).id(), FIVE_FOR_A_MINUTE);
        assertFalse(fromFirst.complete(), "id 1 and 2 were trimmed: a reset");
        assertEquals(published.subList(3, 8), fromFirst.events());
        assertEquals(published.get(7).id(), fromFirst.top());
    }

    @Test
    void eventsOlderThanTheTtlExpire() {
        ChannelEvent old = publish("job:1", 0);
        clock.addAndGet(30_000);
        ChannelEvent recent = publish("job:1", 1);
        clock.addAndGet(31_000);
        History h = broker.historyAfter("job:1", old.id(), FIVE_FOR_A_MINUTE);
        assertEquals(List.of(recent), h.events(), "the first is older than a minute");
        assertTrue(h.complete(), "the client already has the expired one");
        assertFalse(broker.historyAfter("job:1", EventId.ZERO, FIVE_FOR_A_MINUTE).complete());
    }

    @Test
    void anIdFromBeforeTheLogExistedIsAReset() {
        History h = broker.historyAfter("job:new", new EventId(5, 0), FIVE_FOR_A_MINUTE);
        assertFalse(h.complete(), "the events before this log's birth may have been lost (a restart)");
        History fromTop = broker.historyAfter("job:new", h.top(), FIVE_FOR_A_MINUTE);
        assertTrue(fromTop.complete(), "the position handed out resumes cleanly");
    }

    @Test
    void readingTheHistoryOfChannelsWithNoneKeepsNothing() {
        for (int i = 0; i < 100; i++) {
            History h = broker.readHistory("job:made-up-" + i, EventId.ZERO, FIVE_FOR_A_MINUTE);
            assertTrue(h.events().isEmpty());
        }
        assertEquals(0, broker.channelCount(), "a read of a name nobody uses leaves no log behind");
        ChannelEvent e = publish("job:1", 0);
        assertEquals(List.of(e), broker.readHistory("job:1", EventId.ZERO, FIVE_FOR_A_MINUTE).events());
        assertEquals(1, broker.channelCount());
    }

    @Test
    void sweepForgetsIdleExpiredChannelsAndNewLogsResetOldClients() {
        ChannelEvent e = publish("job:1", 0);
        clock.addAndGet(61_000);
        assertEquals(1, broker.sweep(c -> FIVE_FOR_A_MINUTE));
        assertEquals(0, broker.channelCount());
        assertFalse(broker.historyAfter("job:1", e.id(), FIVE_FOR_A_MINUTE).complete());
    }

    /**
     * A channel merely idle past its TTL while a client is subscribed: the sweep keeps its log, so
     * when that client resumes from the last id (it missed nothing) it is not told to reset; once
     * the last subscriber left, the idle log is swept as before.
     */
    @Test
    void sweepKeepsTheLogOfASubscribedChannelSoAResumeFromItsLastIdIsNoReset() {
        broker.channelActive("job:2");
        ChannelEvent e = publish("job:2", 0);
        clock.addAndGet(61_000);
        assertEquals(0, broker.sweep(c -> FIVE_FOR_A_MINUTE));
        History resumed = broker.historyAfter("job:2", e.id(), FIVE_FOR_A_MINUTE);
        assertTrue(resumed.complete(), "nothing was missed after " + e.id());
        assertEquals(List.of(), resumed.events());
        broker.channelInactive("job:2");
        clock.addAndGet(61_000);
        assertEquals(1, broker.sweep(c -> FIVE_FOR_A_MINUTE));
    }

    @Test
    void concurrentPublishersGetStrictlyIncreasingIdsFiredInIdOrder() throws Exception {
        int threads = 4;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        // A real clock that often stands still within a millisecond, and sometimes goes back.
        LocalBroker realClock = new LocalBroker(new EnvelopeCodec(), fired::add,
                () -> System.currentTimeMillis() - (Thread.currentThread().getId() % 2), Idempotency.DEFAULT);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    realClock.publish(draft("job:c", i), new HistoryPolicy(100_000, Duration.ofHours(1)));
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        // A bound for a loaded machine (the work takes seconds quiet, over 30 s at a load of 30), not a speed.
        assertTrue(pool.awaitTermination(5, TimeUnit.MINUTES));
        assertEquals(threads * each, fired.size());
        for (int i = 1; i < fired.size(); i++) {
            assertTrue(fired.get(i).id().isAfter(fired.get(i - 1).id()),
                    "fired out of order at " + i + ": " + fired.get(i - 1).id() + " then " + fired.get(i).id());
        }
        History all = realClock.historyAfter("job:c", EventId.ZERO, new HistoryPolicy(100_000, Duration.ofHours(1)));
        assertEquals(fired, all.events(), "history order is fan-out order");
    }

    private ChannelEvent publish(String channel, int n) {
        clock.incrementAndGet();
        return broker.publish(draft(channel, n), FIVE_FOR_A_MINUTE);
    }

    private static EventDraft draft(String channel, int n) {
        return EventDraft.of(ChannelName.parse(channel), Json.createValue("t"),
                Json.createObjectBuilder().add("n", n).build());
    }
}
