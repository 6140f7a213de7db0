package io.realtime.gateway.websocket;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.presence.Presence;
import io.realtime.gateway.security.Permissions;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The presence ops of DESIGN §11 for one connection: {@code presence} (a page of members) and
 * {@code presence_stats}, answered with the same op and the request's {@code ref}. Whoever may
 * subscribe to the channel may read its presence; the connection need not hold it.
 */
final class PresenceOps {

    private final WebSocketConnection connection;
    private final ChannelManager core;
    private final ConnectionGuards guards;

    PresenceOps(WebSocketConnection connection, ChannelManager core, ConnectionGuards guards) {
        this.connection = connection;
        this.core = core;
        this.guards = guards;
    }

    void handle(String op, JsonObject message, JsonValue ref) {
        if (!(message.get("channel") instanceof JsonString name)) {
            throw new InvalidInputException(ErrorCode.BAD_CHANNEL, "'channel' is required and must be a string");
        }
        ChannelName channel = core.channel(name.getString());
        guards.permissions().check(connection.caller(), Permissions.Action.SUBSCRIBE, channel);
        Presence presence = guards.presence();
        StringBuilder reply = new StringBuilder(256).append("{\"op\":\"").append(op).append("\",\"channel\":\"")
                .append(channel.value()).append('"');
        if ("presence_stats".equals(op)) {
            Presence.Stats stats = presence.stats(channel);
            reply.append(",\"connections\":").append(stats.connections()).append(",\"users\":").append(stats.users())
                    .append(",\"partial\":").append(stats.partial());
        } else {
            Presence.Page page = presence.members(channel, after(message), limit(message));
            reply.append(",\"members\":[").append(String.join(",", page.members())).append("],\"next\":")
                    .append(page.next() == null ? "null" : quoted(page.next()))
                    .append(",\"partial\":").append(page.partial());
        }
        if (ref != null) {
            reply.append(",\"ref\":").append(ref);
        }
        connection.reply(reply.append('}').toString());
    }

    private static String after(JsonObject message) {
        JsonValue v = message.get("after");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'after' must be the 'next' of a previous page");
        }
        return s.getString();
    }

    private static Integer limit(JsonObject message) {
        JsonValue v = message.get("limit");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'limit' must be an integer");
        }
        return n.bigIntegerValue().bitLength() > 31 ? -1 : n.intValue();
    }

    /** A member id (the cursor) as a JSON string: escaped by the builder, not trusted to need nothing. */
    private static String quoted(String s) {
        return JsonFactories.array().add(s).build().get(0).toString();
    }
}
