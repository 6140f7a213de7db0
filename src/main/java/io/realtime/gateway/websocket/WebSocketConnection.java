package io.realtime.gateway.websocket;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.broker.Fallback;
import io.realtime.gateway.broker.Publication;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.DeliveryStats;
import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.channel.Subscriber;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.OutboundQueue;
import io.realtime.gateway.transport.Transport;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket client: its protocol (DESIGN §6), its subscriptions and its outbound queue. Frames
 * are strings, the event ones shared with every other subscriber; a protocol ping travels through
 * the same queue, so there is only ever one send in flight on the session.
 */
final class WebSocketConnection implements Subscriber, GatewayConnection {

    private static final Logger LOG = Logger.getLogger(WebSocketConnection.class.getName());
    /** Marks a protocol ping in the queue (compared by identity). */
    static final String PING = new String("<ping>");
    static final CloseReason.CloseCode TRY_AGAIN_LATER = CloseReason.CloseCodes.getCloseCode(1013);

    private final Session session;
    private final ChannelManager core;
    private final WebSocketSessions sessions;
    private final DeliveryStats stats;
    private final int maxSubscriptions;
    private final int maxMessageBytes;
    /** The message being assembled from its parts, and its size so far in UTF-8 bytes. */
    private final StringBuilder partial = new StringBuilder();
    private long partialBytes;
    private final OutboundQueue<String> queue;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastSeenMs = System.currentTimeMillis();
    /**
     * The ref of the subscribe being handled, for the {@code subscribed} reply the core asks for
     * (synchronously, inside {@code subscribe}). The container hands one session's frames over one
     * at a time, so a field suffices.
     */
    private JsonValue subscribeRef;

    WebSocketConnection(Session session, ChannelManager core, WebSocketSessions sessions, DeliveryStats stats,
                        int queueSize, int maxSubscriptions, int maxMessageBytes, Executor executor) {
        this.session = session;
        this.core = core;
        this.sessions = sessions;
        this.stats = stats;
        this.maxSubscriptions = maxSubscriptions;
        this.maxMessageBytes = maxMessageBytes;
        this.queue = new OutboundQueue<>(queueSize, this::write, executor,
                () -> close(TRY_AGAIN_LATER, "slow consumer"),
                error -> close(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "write failed"));
    }

    /**
     * A part of a text message (the whole of it when {@code last} and nothing came before). A
     * message over the size limit closes the connection with 1009, however it was fragmented.
     */
    void onTextPart(String part, boolean last) {
        partialBytes += utf8Length(part);
        if (partialBytes > maxMessageBytes) {
            partial.setLength(0);
            close(CloseReason.CloseCodes.TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
            return;
        }
        if (!last) {
            partial.append(part);
            return;
        }
        String text = partial.length() == 0 ? part : partial.append(part).toString();
        partial.setLength(0);
        partialBytes = 0;
        onText(text);
    }

    /** A text frame from the client. Bad frames get an {@code error}; the connection stays. */
    void onText(String text) {
        lastSeenMs = System.currentTimeMillis();
        JsonObject frame;
        try (JsonReader reader = JsonFactories.reader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                reply(ServerFrames.error(ErrorCode.BAD_JSON, "A frame must be a JSON object", null));
                return;
            }
            frame = value.asJsonObject();
        } catch (JsonException e) {
            reply(ServerFrames.error(ErrorCode.BAD_JSON, "The frame is not valid JSON", null));
            return;
        } catch (RuntimeException e) {
            // Parsson refuses nesting past its own limit with a plain RuntimeException.
            reply(ServerFrames.error(ErrorCode.BAD_JSON, "The frame is nested too deeply to read", null));
            return;
        }
        JsonValue ref = frame.get("ref");
        try {
            String op = frame.get("op") instanceof JsonString s ? s.getString() : null;
            if (op == null) {
                throw new InvalidInputException(ErrorCode.BAD_OP, "'op' is required");
            }
            switch (op) {
                case "subscribe" -> subscribe(frame, ref);
                case "unsubscribe" -> unsubscribe(frame, ref);
                case "publish" -> publish(frame, ref);
                case "ping" -> reply(ServerFrames.PONG);
                default -> throw new InvalidInputException(ErrorCode.BAD_OP, "Unknown op '" + abbreviate(op) + "'");
            }
        } catch (InvalidInputException e) {
            reply(ServerFrames.error(e.code(), e.getMessage(), ref));
        } catch (io.realtime.gateway.broker.BrokerUnavailableException e) {
            reply(ServerFrames.error(ErrorCode.UNAVAILABLE, e.getMessage(), ref));
        }
    }

    void onPong() {
        lastSeenMs = System.currentTimeMillis();
    }

    private void subscribe(JsonObject frame, JsonValue ref) {
        ChannelName channel = core.channel(string(frame, "channel", ErrorCode.BAD_CHANNEL));
        JsonValue sinceValue = frame.get("since");
        EventId since = null;
        if (sinceValue != null && sinceValue.getValueType() != JsonValue.ValueType.NULL) {
            if (!(sinceValue instanceof JsonString s)) {
                throw new InvalidInputException(ErrorCode.BAD_SINCE, "'since' must be an event id string");
            }
            since = EventId.parse(s.getString());
        }
        if (!channels.contains(channel.value()) && channels.size() >= maxSubscriptions) {
            throw new InvalidInputException(ErrorCode.LIMIT,
                    "At most " + maxSubscriptions + " subscriptions on one connection");
        }
        channels.add(channel.value());
        subscribeRef = ref;
        try {
            core.subscribe(this, channel, since);
        } catch (RuntimeException e) {
            channels.remove(channel.value());
            throw e;
        } finally {
            subscribeRef = null;
        }
    }

    private void unsubscribe(JsonObject frame, JsonValue ref) {
        String name = string(frame, "channel", ErrorCode.BAD_CHANNEL);
        if (!channels.remove(name) || !core.unsubscribe(this, name)) {
            throw new InvalidInputException(ErrorCode.NOT_SUBSCRIBED, "Not subscribed to '" + abbreviate(name) + "'");
        }
        reply(ServerFrames.unsubscribed(name, ref));
    }

    private void publish(JsonObject frame, JsonValue ref) {
        ChannelName channel = core.channel(string(frame, "channel", ErrorCode.BAD_CHANNEL));
        Fallback fallback;
        try {
            fallback = Fallback.parse(frame.get("fallback") instanceof JsonString f ? f.getString() : null);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(ErrorCode.BAD_OP, e.getMessage());
        }
        Publication published = core.publish(List.of(EventDraft.of(channel, frame.get("type"), frame.get("data"))),
                fallback);
        reply(ServerFrames.ack(published.events().get(0).id().toString(), published.delivery().wire(), ref));
    }

    @Override
    public void onSubscribed(String channel, SubscribeOutcome outcome) {
        queue.offer(ServerFrames.subscribed(channel, outcome, subscribeRef));
    }

    @Override
    public void onEvent(ChannelEvent event, boolean replayed) {
        boolean queued = replayed ? queue.offerReplay(event.webSocketFrame()) : queue.offer(event.webSocketFrame());
        if (!queued) {
            stats.countDropped(1);
        }
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    /** Protocol ping; a client silent for two intervals (no pong, no frame) is closed. */
    @Override
    public void heartbeat(long nowMs) {
        if (nowMs - lastSeenMs > 2 * sessions.pingIntervalMs() + 1_000) {
            close(CloseReason.CloseCodes.GOING_AWAY, "ping timeout");
        } else {
            queue.offer(PING);
        }
    }

    @Override
    public CompletionStage<Void> shutdown() {
        return queue.closeWhenDrained();
    }

    /**
     * On the stopping thread, after the drain: closed from the completion of the last write (a
     * container I/O thread) instead, the close frame did not go out.
     */
    @Override
    public void closeForShutdown() {
        close(CloseReason.CloseCodes.GOING_AWAY, "server shutdown");
    }

    /** Closes the session (if open) and forgets everything; safe to call more than once. */
    void close(CloseReason.CloseCode code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (String channel : channels) {
            core.unsubscribe(this, channel);
        }
        channels.clear();
        stats.countDropped(queue.discard());
        sessions.forget(this);
        if (session.isOpen()) {
            try {
                session.close(new CloseReason(code, reason));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing a WebSocket session failed", e);
            }
        }
    }

    private void reply(String frame) {
        queue.offer(frame);
    }

    private CompletionStage<?> write(String frame) {
        if (!session.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("session closed"));
        }
        if (frame == PING) {
            try {
                session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
                return CompletableFuture.completedFuture(null);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.getAsyncRemote().sendText(frame, result -> {
            if (result.isOK()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(result.getException());
            }
        });
        if (frame.startsWith("{\"op\":\"event\"")) {
            return sent.thenRun(stats::countDelivered);
        }
        return sent;
    }

    private static String string(JsonObject frame, String key, ErrorCode code) {
        JsonValue v = frame.get(key);
        if (!(v instanceof JsonString s)) {
            throw new InvalidInputException(code, "'" + key + "' is required and must be a string");
        }
        return s.getString();
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
