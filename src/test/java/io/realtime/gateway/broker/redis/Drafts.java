package io.realtime.gateway.broker.redis;

import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventDraft;
import jakarta.json.Json;
import java.io.StringReader;

final class Drafts {

    private Drafts() {
    }

    static EventDraft of(String channel, String type, String dataJson) {
        try (var reader = Json.createReader(new StringReader(dataJson))) {
            return EventDraft.of(ChannelName.parse(channel), Json.createValue(type), reader.readObject());
        }
    }

    static EventDraft progress(String channel, int frame) {
        return of(channel, "job_progress", "{\"frame\":" + frame + ",\"note\":\"é \\\"q\\\"\"}");
    }
}
