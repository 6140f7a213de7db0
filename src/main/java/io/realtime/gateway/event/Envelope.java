package io.realtime.gateway.event;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The event envelope every client receives (DESIGN §3). */
@JsonbPropertyOrder({"id", "channel", "type", "ts", "data"})
public record Envelope(String id, String channel, String type, String ts, JsonObject data) {
}
