package io.realtime.gateway.sse;

import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.transport.ClientConnection;
import io.realtime.gateway.transport.ConnectionContext;
import io.realtime.gateway.transport.Transport;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One SSE stream of one or more channels. On a stream of one channel the frame of an event is the
 * same object for every subscriber ({@link SseFrames#single}); on a stream of several, the
 * {@code id:} is this stream's cursor, so the frame is built here around the shared envelope JSON.
 */
final class SseConnection extends ClientConnection<SseFrame> {

    private static final Logger LOG = Logger.getLogger(SseConnection.class.getName());

    private final List<String> channels;
    private final String cursorCheck;
    private final EventId[] positions;
    private final SseEventSink sink;
    private final SseFrames frames;
    /**
     * Live events of a fresh stream of several channels that came before every channel was
     * subscribed: their cursor cannot be written until each channel has a position. Null once the
     * stream is open, and from the start on a resumed stream, whose every channel has a position
     * (the client's) already: its replay must flow at the client's pace, not pile up here.
     */
    private List<Held> held;
    private final java.util.Set<String> endOn;
    private final boolean quietReset;

    /** An event held, or (event null) a history gap of {@code gapOf}. */
    private record Held(ChannelEvent event, boolean replayed, String gapOf) {
    }

    /**
     * @param since      the resume id of each channel, or null: until a channel's events move it, its
     *                   place in the cursor is where the client asked to resume from
     * @param endOn      event types after which the stream ends (a seed route's: a finished job)
     * @param quietReset the resume ids are the server's choice (a seed route starting from the latest
     *                   event), so history not reaching them is no gap to tell the client of
     */
    SseConnection(List<String> channels, EventId[] since, SseEventSink sink, SseFrames frames,
                  java.util.Set<String> endOn, boolean quietReset, ConnectionContext context, Caller caller,
                  String address) {
        super(context, caller, address);
        this.endOn = endOn;
        this.quietReset = quietReset;
        this.channels = channels;
        this.cursorCheck = channels.size() > 1 ? StreamCursor.check(channels) : null;
        this.positions = since == null ? new EventId[channels.size()] : since.clone();
        this.held = cursorCheck == null || since != null ? null : new ArrayList<>();
        this.sink = sink;
        this.frames = frames;
    }

    List<String> channels() {
        return channels;
    }

    /** Registers the stream and sends its first frame, a comment: the response headers go out now. */
    void open() {
        register();
        send(frames.connected(), false, false);
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
                if (h.event() == null) {
                    sendReset(h.gapOf());
                } else {
                    onEvent(h.event(), h.replayed());
                }
            }
        }
        send(frames.position(currentId(), retryMs), false, false);
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
        if (outcome.reset() && !quietReset) {
            sendReset(channel);
        }
    }

    /**
     * Live events were lost (history no longer holds them): the same {@code event: reset} as a
     * resume that history could not reach, even on a seed route (that gap is no choice of ours).
     * The cursor stays at the last event sent: a reconnect from it is a reset again, never a skip.
     */
    @Override
    public synchronized void onHistoryGap(String channel) {
        if (held != null) {
            held.add(new Held(null, false, channel)); // in order with the events held before it
            return;
        }
        sendReset(channel);
    }

    private void sendReset(String channel) {
        String data = JsonFactories.object().add("channel", channel).add("reason", "history_gap")
                .build().toString();
        send(frames.control("reset", data), false, false);
    }

    @Override
    public synchronized void onEvent(ChannelEvent event, boolean replayed) {
        if (held != null) {
            held.add(new Held(event, replayed, null));
            return;
        }
        SseFrame frame;
        if (cursorCheck == null) {
            positions[0] = event.id();
            frame = frames.single(event);
        } else {
            positions[channels.indexOf(event.channel())] = event.id();
            frame = frames.event(event, currentId());
        }
        send(frame, replayed, true);
        if (endOn.contains(event.type())) {
            endWhenDrained(CloseCause.FINISHED, event.type());
        }
    }

    /**
     * A member's {@code join} / {@code leave} (DESIGN §11): {@code event: join} with no {@code id:},
     * so it moves no cursor. None while the stream is still opening (its events are held).
     */
    @Override
    public synchronized void onSignal(String channel, String kind, String json) {
        if (held == null) {
            send(frames.control(kind, json), false, false);
        }
    }

    @Override
    public Transport transport() {
        return Transport.SSE;
    }

    @Override
    public void heartbeat(long nowMs) {
        if (sink.isClosed()) {
            close(CloseCause.CLIENT, "client went away");
        } else {
            send(frames.heartbeat(), false, false);
        }
    }

    /**
     * The token ended (expired or revoked): {@code event: unauthorized} says why, then the stream
     * ends; the client reconnects with a fresh token and resumes from its last id.
     */
    @Override
    public void closeForAccess(String detail) {
        String data = JsonFactories.object().add("reason", detail).build().toString();
        send(frames.control("unauthorized", data), false, false);
        endWhenDrained(CloseCause.UNAUTHORIZED, detail);
    }

    @Override
    protected SseFrame goodbye() {
        return frames.control("shutdown", "{\"reason\":\"server_shutdown\"}");
    }

    /**
     * Writes a batch: frames waiting together as one event of the sink where they can be
     * ({@link SseFrame#join}), so a client that lags costs one write and one flush, not one per frame;
     * a frame that cannot join goes alone.
     */
    @Override
    protected CompletionStage<?> write(List<SseFrame> batch) {
        if (sink.isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("sink closed"));
        }
        // The sink keeps its sends in order, so only the last completion needs waiting for, but every
        // one may fail.
        List<CompletableFuture<?>> sent = new ArrayList<>(1);
        int events = 0;
        for (int from = 0; from < batch.size(); ) {
            SseFrame.Joined joined = SseFrame.join(batch, from);
            for (int i = from; i < joined.to(); i++) {
                if (batch.get(i).isEvent()) {
                    events++;
                }
            }
            sent.add(sink.send(joined.frame()).toCompletableFuture());
            from = joined.to();
        }
        int delivered = events;
        CompletableFuture<?> all = sent.size() == 1 ? sent.get(0)
                : CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
        return all.thenRun(() -> delivered(delivered));
    }

    @Override
    protected void end(CloseCause cause, String detail) {
        LOG.log(Level.FINE, "SSE stream of {0} closed ({1}): {2}", new Object[] {channels, cause, detail});
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing an SSE sink failed", e);
        }
    }

    private String currentId() {
        return cursorCheck == null ? String.valueOf(positions[0]) : StreamCursor.encode(cursorCheck, positions);
    }
}
