package io.realtime.gateway.websocket;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.PublishOutcome;
import io.realtime.gateway.channel.SlowSubscriberException;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.event.LimitException;
import io.realtime.gateway.event.UnavailableException;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.security.Permissions;
import io.realtime.gateway.security.PublishRate;
import io.realtime.gateway.transport.ClientConnection;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The client-to-server ops of DESIGN §6 for one connection: auth, subscribe (with resume),
 * unsubscribe, publish and ping. A bad message gets an {@code error} op with the message's
 * {@code ref}; the connection stays. A missing or bad token where one is needed closes it with 1008
 * (DESIGN §7). The connection's lifecycle (queue, writes, close) is not its business.
 */
final class WebSocketProtocol {

    private static final Logger LOG = Logger.getLogger(WebSocketProtocol.class.getName());

    private final WebSocketConnection connection;
    private final ChannelManager core;
    private final WebSocketFrames frames;
    private final int maxSubscriptions;
    private final ConnectionGuards guards;
    private final PresenceOps presence;
    /** Who this is, for the rejection log line. */
    private final String client;

    WebSocketProtocol(WebSocketConnection connection, ChannelManager core, WebSocketFrames frames,
                      int maxSubscriptions, ConnectionGuards guards, String client) {
        this.guards = guards;
        this.client = client;
        this.connection = connection;
        this.core = core;
        this.frames = frames;
        this.maxSubscriptions = maxSubscriptions;
        this.presence = new PresenceOps(connection, core, guards);
    }

    /** One whole text message from the client. */
    void onMessage(String text) {
        JsonObject message;
        try (JsonReader reader = JsonFactories.reader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                refuse(ErrorCode.BAD_JSON, "A frame must be a JSON object", null);
                return;
            }
            message = value.asJsonObject();
        } catch (JsonException e) {
            refuse(ErrorCode.BAD_JSON, "The frame is not valid JSON", null);
            return;
        } catch (RuntimeException e) {
            if (!JsonFactories.nestedTooDeep(e)) {
                // Not the frame's depth: our fault, logged with its cause; the client may retry.
                LOG.log(Level.WARNING, "Reading a WebSocket frame failed", e);
                refuse(ErrorCode.INTERNAL, "The server failed to read this frame; retry", null);
                return;
            }
            refuse(ErrorCode.BAD_JSON, "The frame is nested too deeply to read", null);
            return;
        }
        JsonValue ref = message.get("ref");
        try {
            String op = message.get("op") instanceof JsonString s ? s.getString() : null;
            if (op == null) {
                throw new InvalidInputException(ErrorCode.BAD_OP, "'op' is required");
            }
            switch (op) {
                case "auth" -> auth(message, ref);
                case "subscribe" -> subscribe(message, ref);
                case "unsubscribe" -> unsubscribe(message, ref);
                case "publish" -> publish(message, ref);
                case "ping" -> connection.reply(WebSocketFrames.PONG);
                case "presence", "presence_stats" -> presence.handle(op, message, ref);
                default -> throw new InvalidInputException(ErrorCode.BAD_OP, "Unknown op '" + abbreviate(op) + "'");
            }
        } catch (InvalidInputException e) {
            refuse(e, ref);
        } catch (UnavailableException e) {
            refuse(ErrorCode.UNAVAILABLE, e.getMessage(), ref);
        } catch (SlowSubscriberException e) {
            // The connection is already being cut off as slow (1013): nothing more to say.
        } catch (RuntimeException e) {
            // Not the client's fault: it hears that the op failed (with its ref, so it can retry),
            // the operator gets the stack trace, and the connection stays.
            LOG.log(Level.WARNING, "WebSocket op failed", e);
            refuse(ErrorCode.INTERNAL, "The server failed to handle this frame; retry", ref);
        }
    }

    /** Answers an {@code error} op, counted and logged as a rejection like an HTTP problem. */
    private void refuse(ErrorCode code, String message, JsonValue ref) {
        guards.rejections().refused("websocket", code.wire(), client, message);
        connection.reply(frames.error(code, message, ref));
    }

    /** A refused op: a limit is counted as such; no or a bad token closes the connection (1008). */
    private void refuse(InvalidInputException e, JsonValue ref) {
        if (e instanceof LimitException limit) {
            guards.rejections().limitReached(limit.limit());
        }
        refuse(e.code(), e.getMessage(), ref);
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            connection.close(ClientConnection.CloseCause.UNAUTHORIZED, e.getMessage());
        }
    }

    /**
     * {@code {"op":"auth","token":"..."}}: the first frame, or a refresh before the token expires.
     * A connection keeps its user: a token for another subject is refused like a bad one.
     */
    private void auth(JsonObject message, JsonValue ref) {
        Caller next = guards.authenticator().verify(string(message, "token", ErrorCode.UNAUTHORIZED));
        Caller current = connection.caller();
        if (!current.isAnonymous() && !current.subject().equals(next.subject())) {
            throw new InvalidInputException(ErrorCode.UNAUTHORIZED, "A connection keeps its user: this token is "
                    + "for another subject; open a new connection");
        }
        try {
            connection.authorize(next, guards.scheduler());
        } catch (LimitException e) {
            // The same answer as a connection opened past the user's limit (DESIGN §7): close 1013.
            guards.rejections().limitReached(e.limit());
            guards.rejections().refused("websocket", e.code().wire(), client, e.getMessage());
            connection.close(ClientConnection.CloseCause.LIMIT, "limit: " + e.getMessage());
            return;
        }
        connection.reply(frames.authenticated(next.subject(), next.expiresAtMs(), ref));
        // A fresh token may carry fewer rights (a role taken away): what it may no longer read ends now.
        for (String held : connection.heldChannels()) {
            ChannelName channel = core.channel(held);
            if (!guards.permissions().allows(next, Permissions.Action.SUBSCRIBE, channel)) {
                connection.unsubscribe(held);
                refuse(ErrorCode.FORBIDDEN, "User '" + next.subject() + "' may not subscribe to '" + held
                        + "' any more: unsubscribed", ref);
            }
        }
    }

    private void subscribe(JsonObject message, JsonValue ref) {
        ChannelName channel = core.channel(string(message, "channel", ErrorCode.BAD_CHANNEL));
        JsonValue sinceValue = message.get("since");
        EventId since = null;
        if (sinceValue != null && sinceValue.getValueType() != JsonValue.ValueType.NULL) {
            if (!(sinceValue instanceof JsonString s)) {
                throw new InvalidInputException(ErrorCode.BAD_SINCE, "'since' must be an event id string");
            }
            since = EventId.parse(s.getString());
        }
        guards.permissions().check(connection.caller(), Permissions.Action.SUBSCRIBE, channel);
        if (!connection.holds(channel.value()) && connection.subscriptionCount() >= maxSubscriptions) {
            throw new LimitException("subscriptions_per_connection",
                    "At most " + maxSubscriptions + " subscriptions on one connection");
        }
        connection.subscribe(channel, since, ref, guards.presence().info(channel, message.get("info")));
    }

    private void unsubscribe(JsonObject message, JsonValue ref) {
        String name = string(message, "channel", ErrorCode.BAD_CHANNEL);
        if (!connection.unsubscribe(name)) {
            throw new InvalidInputException(ErrorCode.NOT_SUBSCRIBED, "Not subscribed to '" + abbreviate(name) + "'");
        }
        connection.reply(frames.unsubscribed(name, ref));
    }

    private void publish(JsonObject message, JsonValue ref) {
        ChannelName channel = core.channel(string(message, "channel", ErrorCode.BAD_CHANNEL));
        guards.permissions().check(connection.caller(), Permissions.Action.PUBLISH, channel);
        Fallback fallback;
        try {
            fallback = Fallback.parse(message.get("fallback") instanceof JsonString f ? f.getString() : null);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(ErrorCode.BAD_OP, e.getMessage());
        }
        JsonValue key = message.get("idempotencyKey");
        if (key != null && !(key instanceof JsonString) && key.getValueType() != JsonValue.ValueType.NULL) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'idempotencyKey' must be a string");
        }
        EventDraft draft = EventDraft.of(channel, message.get("type"), message.get("data"))
                .withIdempotencyKey(key instanceof JsonString k ? k.getString() : null);
        guards.publishRate().take(PublishRate.client(connection.caller(), connection.address()), 1);
        PublishOutcome published = core.publish(List.of(draft), fallback);
        connection.reply(frames.ack(published.events().get(0).id().toString(), published.delivery(),
                published.duplicate(0), ref));
    }

    private static String string(JsonObject message, String key, ErrorCode code) {
        JsonValue v = message.get(key);
        if (!(v instanceof JsonString s)) {
            throw new InvalidInputException(code, "'" + key + "' is required and must be a string");
        }
        return s.getString();
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
