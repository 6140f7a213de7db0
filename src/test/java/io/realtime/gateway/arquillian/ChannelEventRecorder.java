package io.realtime.gateway.arquillian;

import io.realtime.gateway.event.ChannelEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Observes the CDI event the broker fires for every accepted event, as the transports' path does
 * (the channel core's observer), and keeps those of the channels a test asked for.
 */
@ApplicationScoped
public class ChannelEventRecorder {

    private final Map<String, List<ChannelEvent>> byChannel = new HashMap<>();

    /** Starts recording a channel (only those: the application may carry other traffic). */
    public synchronized void watch(String channel) {
        byChannel.putIfAbsent(channel, new ArrayList<>());
    }

    synchronized void record(@Observes ChannelEvent event) {
        List<ChannelEvent> events = byChannel.get(event.channel());
        if (events != null) {
            events.add(event);
            notifyAll();
        }
    }

    /** Waits until {@code n} events of the channel were observed; returns them in observed order. */
    public synchronized List<ChannelEvent> await(String channel, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChannelEvent> events = byChannel.get(channel);
        while (events.size() < n) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new AssertionError("observed " + events.size() + " of " + n + " events of " + channel
                        + " within " + timeout);
            }
            wait(leftMs);
        }
        return List.copyOf(events);
    }
}
