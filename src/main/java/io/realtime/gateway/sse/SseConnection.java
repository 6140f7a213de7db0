package io.realtime.gateway.sse;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.channel.Subscriber;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.OutboundQueue;
import io.realtime.gateway.transport.Transport;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One SSE stream of one or more channels. On a stream of one channel the frame of an event is the
 * same object for every subscriber; on a stream of several, the {@code id:} is this stream's cursor,
 * so the frame is built here around the shared envelope JSON.
 */
final class SseConnection implements Subscriber, GatewayConnection {

    private static final Logger LOG = Logger.getLogger(SseConnection.class.getName());

    /** Frames of the gateway's own, not channel events: not counted as delivered. */
    private static final java.util.Set<String> CONTROL_EVENTS = java.util.Set.of("reset", "shutdown", "position");

    private final List<String> channels;
    private final String cursorCheck;
    private final EventId[] positions;
    private final SseEventSink sink;
    private final Sse sse;
    private final OutboundQueue<OutboundSseEvent> queue;
    private final ChannelManager core;
    private final SseStreams streams;
    private final DeliveryStats stats;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Events of a stream of several channels that came before every channel was subscribed: their
     * cursor cannot be written until each channel has a position. Null once the stream is open.
     */
    private List<Held> held;

    private record Held(ChannelEvent event, boolean replayed) {
    }

    /**
     * @param since the resume id of each channel, or null: until a channel's events move it, its
     *              place in the cursor is where the client asked to resume from
     */
    SseConnection(List<String> channels, EventId[] since, SseEventSink sink, Sse sse, int queueSize,
                  Executor executor, ChannelManager core, SseStreams streams, DeliveryStats stats) {
        this.channels = channels;
        this.cursorCheck = channels.size() > 1 ? StreamCursor.check(channels) : null;
        this.positions = since == null ? new EventId[channels.size()] : since.clone();
        this.held = cursorCheck == null ? null : new java.util.ArrayList<>();
        this.sink = sink;
        this.sse = sse;
        this.core = core;
        this.streams = streams;
        this.stats = stats;
        this.queue = new OutboundQueue<>(queueSize, this::write, executor,
                () -> close("slow consumer: more than " + queueSize + " frames waiting"),
                error -> close("write failed: " + error));
    }

    List<String> channels() {
        return channels;
    }

    /** The first frame, a comment: it sends the response headers before any subscribe work. */
    void open() {
        queue.offer(sse.newEventBuilder().comment("connected").build());
    }

    /**
     * After every channel is subscribed: {@code event: position} with the stream's {@code id:} and
     * the {@code retry:} delay, so a client that sees no event before it reconnects still resumes
     * from here. (JAX-RS writes neither id nor retry on a comment-only frame, hence the data.)
     */
    synchronized void announcePosition(long retryMs) {
        List<Held> waiting = held;
        held = null;
        if (waiting != null) {
            for (Held h : waiting) {
                onEvent(h.event(), h.replayed());
            }
        }
        String id = currentId();
        queue.offer(sse.newEventBuilder().name("position").id(id).reconnectDelay(retryMs)
                .data(String.class, "{\"position\":\"" + id + "\"}").build());
    }

    @Override
    public synchronized void onSubscribed(String channel, SubscribeOutcome outcome) {
        int index = channels.indexOf(channel);
        // A resumed channel keeps the client's id until its replayed events move it (a cursor
        // written before they are sent must not skip them); after a reset with nothing left to
        // replay the client reloads, so it stands at the channel's position.
        if (positions[index] == null || (outcome.reset() && outcome.replayed() == 0)) {
            positions[index] = EventId.parse(outcome.position());
        }
        if (outcome.reset()) {
            String data = JsonFactories.object().add("channel", channel).add("reason", "history_gap")
                    .build().toString();
            queue.offer(sse.newEventBuilder().name("reset").data(String.class, data).build());
        }
    }

    @Override
    public synchronized void onEvent(ChannelEvent event, boolean replayed) {
        if (held != null) {
            held.add(new Held(event, replayed));
            return;
        }
        OutboundSseEvent frame;
        if (cursorCheck == null) {
            positions[0] = event.id();
            frame = event.sseFrame(e -> frame(e, e.id().toString()));
        } else {
            positions[channels.indexOf(event.channel())] = event.id();
            frame = frame(event, currentId());
        }
        boolean queued = replayed ? queue.offerReplay(frame) : queue.offer(frame);
        if (!queued) {
            stats.countDropped(1);
        }
    }

    @Override
    public Transport transport() {
        return Transport.SSE;
    }

    @Override
    public void heartbeat(long nowMs) {
        if (sink.isClosed()) {
            close("client went away");
        } else {
            queue.offer(streams.heartbeatFrame());
        }
    }

    @Override
    public CompletionStage<Void> shutdown() {
        if (closed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        queue.offer(sse.newEventBuilder().name("shutdown")
                .data(String.class, "{\"reason\":\"server_shutdown\"}").build());
        return queue.closeWhenDrained();
    }

    @Override
    public void closeForShutdown() {
        close("server shutdown");
    }

    /** Ends the stream and forgets it; safe to call more than once. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.FINE, "SSE stream of {0} closed: {1}", new Object[] {channels, reason});
        for (String channel : channels) {
            core.unsubscribe(this, channel);
        }
        stats.countDropped(queue.discard());
        streams.forget(this);
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing an SSE sink failed", e);
        }
    }

    private String currentId() {
        return cursorCheck == null ? String.valueOf(positions[0]) : StreamCursor.encode(cursorCheck, positions);
    }

    private OutboundSseEvent frame(ChannelEvent event, String id) {
        return sse.newEventBuilder().id(id).name(event.type())
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, event.json()).build();
    }

    private CompletionStage<?> write(OutboundSseEvent frame) {
        if (sink.isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("sink closed"));
        }
        CompletionStage<?> sent = sink.send(frame);
        if (frame.getName() != null && !CONTROL_EVENTS.contains(frame.getName())) {
            return sent.thenRun(stats::countDelivered);
        }
        return sent;
    }
}
