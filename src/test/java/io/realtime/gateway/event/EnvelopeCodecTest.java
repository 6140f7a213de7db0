package io.realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void serialisesTheEnvelopeInDesignOrderOnce() {
        EventDraft draft = EventDraft.of(ChannelName.parse("job:42"), Json.createValue("job_progress"),
                Json.createObjectBuilder().add("frame", 3).add("note", "a\nb\"c").build());
        ChannelEvent event = codec.encode(draft, new EventId(1732474800123L, 0), 1732474800123L);
        assertEquals("{\"id\":\"1732474800123-0\",\"channel\":\"job:42\",\"type\":\"job_progress\","
                + "\"ts\":\"2024-11-24T19:00:00.123Z\",\"data\":{\"frame\":3,\"note\":\"a\\nb\\\"c\"}}", event.json());
        assertEquals("{\"op\":\"event\"," + event.json().substring(1), event.webSocketFrame());
        Object frame = event.sseFrame(e -> new Object());
        assertSame(frame, event.sseFrame(e -> new Object()), "the SSE frame is built once and shared");
    }

    @Test
    void decodesAnEnvelopeFromRedisWithoutReserialising() {
        String json = "{\"id\":\"5-1\",\"channel\":\"job:1\",\"type\":\"t\",\"ts\":\"2026-11-24T19:00:00.123Z\",\"data\":{}}";
        ChannelEvent event = codec.decode(json);
        assertSame(json, event.json());
        assertEquals(new EventId(5, 1), event.id());
        assertEquals("job:1", event.channel());
        assertThrows(IllegalArgumentException.class, () -> codec.decode("{\"id\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> codec.decode("not json"));
    }
}
