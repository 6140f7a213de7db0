package io.realtime.gateway.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.realtime.gateway.broker.Idempotency;
import io.realtime.gateway.broker.local.LocalBroker;
import io.realtime.gateway.config.HistoryPolicy;
import io.realtime.gateway.config.NamespaceSettings;
import io.realtime.gateway.config.Namespaces;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.metrics.GatewayMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The core's presence seam on the local broker: who is told of what, and who hears a signal. */
class SubscriptionWatchTest {

    private final AtomicReference<ChannelManager> core = new AtomicReference<>();
    private final List<String> told = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();

    SubscriptionWatchTest() {
        LocalBroker broker = new LocalBroker(new EnvelopeCodec(), e -> core.get().dispatch(e),
                System::currentTimeMillis, Idempotency.DEFAULT);
        HistoryPolicy policy = new HistoryPolicy(100, Duration.ofMinutes(5));
        Namespaces namespaces = new Namespaces(Map.of("job", new NamespaceSettings("job", false, policy),
                "campaign", new NamespaceSettings("campaign", false, policy)));
        core.set(new ChannelManager(namespaces, broker, new GatewayMeters(), Runnable::run, 4096));
        core.get().watchWith(new SubscriptionWatch() {
            @Override
            public boolean watches(String channel) {
                asked.add(channel);
                return channel.startsWith("job:");
            }

            @Override
            public void subscribed(Subscriber subscriber, String channel, String info) {
                told.add("+" + subscriber.identity().id() + " " + channel + " " + info);
            }

            @Override
            public void unsubscribed(Subscriber subscriber, String channel) {
                told.add("-" + subscriber.identity().id() + " " + channel);
            }
        });
    }

    static final class Member implements Subscriber {
        final String id;
        final List<String> signals = new ArrayList<>();

        Member(String id) {
            this.id = id;
        }

        @Override
        public void onSubscribed(String channel, SubscribeOutcome outcome) {
        }

        @Override
        public void onEvent(ChannelEvent event, boolean replayed) {
        }

        @Override
        public void onHistoryGap(String channel) {
        }

        @Override
        public Identity identity() {
            return new Identity(id, null, "websocket");
        }

        @Override
        public synchronized void onSignal(String channel, String kind, String json) {
            signals.add(kind + " " + json);
        }
    }

    @Test
    void aWatchedChannelsSubscriptionsAreToldInOrderAndAnUnwatchedOneIsAskedOnce() {
        ChannelManager manager = core.get();
        Member a = new Member("a");
        Member b = new Member("b");
        manager.subscribe(a, manager.channel("job:1"), null, "{\"n\":1}");
        manager.subscribe(b, manager.channel("job:1"), null);
        manager.unsubscribe(a, "job:1");
        manager.subscribe(a, manager.channel("campaign:1"), null);
        manager.subscribe(b, manager.channel("campaign:1"), null);
        manager.unsubscribe(b, "campaign:1");
        assertEquals(List.of("+a job:1 {\"n\":1}", "+b job:1 null", "-a job:1"), told);
        assertEquals(List.of("job:1", "campaign:1"), asked, "asked once per channel entry");
    }

    @Test
    void aSignalReachesTheChannelsLiveSubscribersButTheOneItIsAbout() {
        ChannelManager manager = core.get();
        Member a = new Member("a");
        Member b = new Member("b");
        Member c = new Member("c");
        manager.subscribe(a, manager.channel("job:2"), null);
        manager.subscribe(b, manager.channel("job:2"), null);
        manager.subscribe(c, manager.channel("job:3"), null);
        manager.signal("job:2", "join", "{\"m\":\"b\"}", "b");
        assertEquals(List.of("join {\"m\":\"b\"}"), a.signals);
        assertEquals(List.of(), b.signals);
        assertEquals(List.of(), c.signals);
    }
}
