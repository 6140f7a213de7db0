package io.realtime.gateway.websocket;

import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Utf8;
import io.realtime.gateway.transport.ClientConnection;
import io.realtime.gateway.transport.ConnectionContext;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.transport.Transport;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket client's connection: it assembles incoming messages (for its
 * {@link WebSocketProtocol}), and writes what is queued for it. Messages waiting together go out
 * as one text frame, separated by newlines (DESIGN §6), so a client that lags costs one write, not
 * one per message. A protocol ping travels through the same queue, so there is only ever one send
 * in flight on the session.
 */
final class WebSocketConnection extends ClientConnection<WsFrame> {

    private static final Logger LOG = Logger.getLogger(WebSocketConnection.class.getName());
    static final CloseReason.CloseCode TRY_AGAIN_LATER = CloseReason.CloseCodes.getCloseCode(1013);

    private final Session session;
    private final WebSocketFrames frames;
    private final WebSocketProtocol protocol;
    private final ConnectionGuards guards;
    private final long pingIntervalMs;
    private final int maxMessageBytes;
    /** The message being assembled from its parts, and its size so far in UTF-8 bytes. */
    private final StringBuilder partial = new StringBuilder();
    private long partialBytes;
    private volatile long lastSeenMs = System.currentTimeMillis();
    /**
     * The ref of the subscribe being handled, for the {@code subscribed} reply the core asks for
     * (synchronously, inside {@code subscribe}). The container hands one session's messages over
     * one at a time, so a field suffices.
     */
    private JsonValue subscribeRef;
    /** The batch being written, until it completed or failed. */
    private volatile CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

    WebSocketConnection(Session session, WebSocketWiring wiring, ConnectionContext context, Caller caller,
                        String address) {
        super(context, caller, address);
        this.session = session;
        this.frames = wiring.frames();
        this.pingIntervalMs = wiring.pingIntervalMs();
        this.maxMessageBytes = wiring.maxMessageBytes();
        this.guards = wiring.guards();
        this.protocol = new WebSocketProtocol(this, context.core(), frames, wiring.maxSubscriptions(), guards,
                "session " + session.getId() + (address == null ? "" : " from " + address));
    }

    /** @throws io.realtime.gateway.transport.ShuttingDownException once the server is stopping */
    void open() {
        register();
    }

    /**
     * A part of a text message (the whole of it when {@code last} and nothing came before). A
     * message over the size limit closes the connection with 1009, however it was fragmented.
     */
    void onTextPart(String part, boolean last) {
        partialBytes += Utf8.length(part);
        if (partialBytes > maxMessageBytes) {
            partial.setLength(0);
            guards.rejections().limitReached("frame_size");
            close(CloseCause.TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
            return;
        }
        if (!last) {
            partial.append(part);
            return;
        }
        String text = partial.length() == 0 ? part : partial.append(part).toString();
        partial.setLength(0);
        partialBytes = 0;
        lastSeenMs = System.currentTimeMillis();
        protocol.onMessage(text);
    }

    void onPong() {
        lastSeenMs = System.currentTimeMillis();
    }

    /** Subscribes for the protocol; the core's {@code subscribed} reply carries {@code ref}. */
    SubscribeOutcome subscribe(ChannelName channel, EventId since, JsonValue ref, String presenceInfo) {
        subscribeRef = ref;
        try {
            return subscribe(channel, since, presenceInfo);
        } finally {
            subscribeRef = null;
        }
    }

    void reply(String text) {
        send(WsFrame.reply(text), false, false);
    }

    @Override
    public void onSubscribed(String channel, SubscribeOutcome outcome) {
        reply(frames.subscribed(channel, outcome, subscribeRef));
    }

    @Override
    public void onEvent(ChannelEvent event, boolean replayed) {
        send(frames.event(event), replayed, true);
    }

    /** A member's {@code join} / {@code leave} (DESIGN §11): the op, then the signal's body. */
    @Override
    public void onSignal(String channel, String kind, String json) {
        reply(frames.signal(kind, json));
    }

    /** Live events were lost: a {@code subscribed} with {@code recovered:false} and no ref (DESIGN §6). */
    @Override
    public void onHistoryGap(String channel) {
        reply(frames.historyGap(channel));
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    /** Protocol ping; a client silent for two intervals (no pong, no message) is closed. */
    @Override
    public void heartbeat(long nowMs) {
        if (nowMs - lastSeenMs > 2 * pingIntervalMs + 1_000) {
            close(CloseCause.TIMEOUT, "ping timeout");
        } else {
            send(WsFrame.PING, false, false);
        }
    }

    /** The WebSocket goodbye is the close (1001) itself, sent once the queue is drained. */
    @Override
    protected WsFrame goodbye() {
        return null;
    }

    /**
     * Writes a batch on this (writer) thread through the basic remote: pings apart (a control frame
     * of their own), every message as text, several together in one frame up to
     * {@link WebSocketFrames#COALESCE_CHARS}, one frame after another.
     *
     * <p>Why blocking and not the async remote: Liberty queues every async WebSocket write to its
     * write selector, which hands it to a worker thread, whose completion comes back on yet another:
     * three hand-offs per write. The basic remote writes here. A client that stops reading holds this
     * writer until it reads again: {@link io.realtime.gateway.channel.DeliveryThreads} starts another
     * writer in place of a stuck one, and the client's queue, no longer drained, overflows and cuts it
     * off as slow (1013), as on SSE (it/BlockedWriterIT).
     */
    @Override
    protected CompletionStage<?> write(List<WsFrame> batch) {
        if (!session.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("session closed"));
        }
        // Recorded before the first byte goes out, so that Liberty's own close (see awaitWriteSettled)
        // never writes its close frame over this write.
        CompletableFuture<Void> written = new CompletableFuture<>();
        inFlight = written;
        if (!session.isOpen()) { // closed meanwhile: Liberty may have looked at inFlight already
            written.completeExceptionally(new IllegalStateException("session closed"));
            return written;
        }
        RemoteEndpoint.Basic remote = session.getBasicRemote();
        // Messages of the frame being gathered: [from, to) in the batch, `chars` long with separators.
        int from = -1;
        int chars = 0;
        int events = 0;
        try {
            for (int i = 0; i < batch.size(); i++) {
                WsFrame frame = batch.get(i);
                if (frame.kind() == WsFrame.Kind.PING) {
                    // A fresh buffer: Liberty reads a ping's payload through its backing array, and a
                    // shared read-only one made the ping fail (and the connection close).
                    remote.sendPing(ByteBuffer.allocate(0));
                    continue;
                }
                if (frame.kind() == WsFrame.Kind.EVENT) {
                    events++;
                }
                if (from >= 0 && chars + 1 + frame.text().length() > WebSocketFrames.COALESCE_CHARS) {
                    remote.sendText(join(batch, from, i, chars));
                    from = -1;
                }
                if (from < 0) {
                    from = i;
                    chars = frame.text().length();
                } else {
                    chars += 1 + frame.text().length();
                }
            }
            if (from >= 0) {
                remote.sendText(join(batch, from, batch.size(), chars));
            }
        } catch (IOException | RuntimeException e) {
            written.completeExceptionally(e);
            return written;
        }
        delivered(events);
        written.complete(null);
        return written;
    }

    /**
     * Waits, at most {@code boundMs}, until the write on the wire (if any) has completed or failed.
     * For a close Liberty starts itself when the read side fails (the client reset the connection):
     * its {@code WsocConnLink.close} calls {@code @OnClose} and then writes the close frame
     * synchronously, without the wait for a write in progress that its other close paths make
     * ({@code okToWrite}, {@code waitToClose}). Its TCP write context holds one request's state, so a
     * close frame written over our pending write can lose its completion and wait for good
     * (faults/LeakSoakIT: one executor thread lost, a stop held for its whole quiesce). Nothing new
     * starts meanwhile: Liberty marks the session closed before it calls {@code @OnClose}.
     */
    void awaitWriteSettled(long boundMs) {
        try {
            inFlight.handle((ok, error) -> null).get(boundMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.fine(() -> "a write to a closing WebSocket did not settle within " + boundMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // handle() never fails
        }
    }

    /** The texts of batch[from, to) one per line, pings left out; a lone message as it is. */
    private static String join(List<WsFrame> batch, int from, int to, int chars) {
        StringBuilder text = null;
        String only = null;
        for (int i = from; i < to; i++) {
            WsFrame frame = batch.get(i);
            if (frame.kind() == WsFrame.Kind.PING) {
                continue;
            }
            if (only == null && text == null) {
                only = frame.text();
            } else {
                if (text == null) {
                    text = new StringBuilder(chars).append(only);
                }
                text.append('\n').append(frame.text());
            }
        }
        return text == null ? only : text.toString();
    }

    /**
     * Closes the session if it is open. On shutdown this runs on the stopping thread after the
     * drain: closed from the completion of the last write (a container I/O thread) instead, the
     * close frame did not go out.
     */
    @Override
    protected void end(CloseCause cause, String detail) {
        if (!session.isOpen()) {
            return;
        }
        if (cause == CloseCause.BROKEN) {
            // A write failed with an I/O error: the connection is broken, and Liberty closes the session
            // itself once its read side sees that (and calls @OnClose, 1006). Closing it from here too
            // raced that close, and the loser's synchronous close-frame write waited for good: an
            // executor thread lost, a stop held for the whole 30 s quiesce (faults/LeakSoakIT, CWWKE1107W).
            // Any other failed write (a refused send, a ping beside a pending write) still closes it, so
            // the client reconnects and resumes instead of waiting on a session nobody writes to.
            return;
        }
        try {
            session.close(new CloseReason(closeCode(cause), detail.length() > 120 ? detail.substring(0, 120) : detail));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing a WebSocket session failed", e);
        }
    }

    private static CloseReason.CloseCode closeCode(CloseCause cause) {
        return switch (cause) {
            case SLOW, LIMIT -> TRY_AGAIN_LATER;
            // A write failed: the connection is gone (BROKEN is left to Liberty's own close, 1006 too).
            case WRITE_FAILED, BROKEN -> CloseReason.CloseCodes.CLOSED_ABNORMALLY;
            case TOO_BIG -> CloseReason.CloseCodes.TOO_BIG;
            case UNAUTHORIZED -> CloseReason.CloseCodes.VIOLATED_POLICY;
            case CLIENT, TIMEOUT, SHUTDOWN, SUBSCRIBE_FAILED, FINISHED -> CloseReason.CloseCodes.GOING_AWAY;
        };
    }

}
