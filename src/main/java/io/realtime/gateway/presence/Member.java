package io.realtime.gateway.presence;

import io.realtime.gateway.event.JsonFactories;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;

/**
 * One connection's subscription to a channel, as presence shows it (DESIGN §11). Its JSON is made
 * once, at the join, and is what Redis stores and every read and join/leave signal carries.
 */
record Member(String id, String user, String transport, String instance, long joinedAtMs, String info, String json) {

    static Member of(String id, String user, String transport, String instance, long joinedAtMs, String info) {
        JsonObjectBuilder b = JsonFactories.object().add("id", id);
        if (user == null) {
            b.addNull("user");
        } else {
            b.add("user", user);
        }
        b.add("transport", transport).add("instance", instance)
                .add("joinedAt", java.time.Instant.ofEpochMilli(joinedAtMs).toString());
        if (info != null) {
            try (var reader = JsonFactories.reader(new StringReader(info))) {
                b.add("info", reader.readObject());
            }
        }
        return new Member(id, user, transport, instance, joinedAtMs, info, b.build().toString());
    }

    /** The body of a join or leave signal: {@code {"channel":...,"member":{...}}}. */
    static String signal(String channel, String memberJson) {
        // Channel names hold no character JSON escapes (DESIGN §2); the member is JSON already.
        return "{\"channel\":\"" + channel + "\",\"member\":" + memberJson + "}";
    }
}
