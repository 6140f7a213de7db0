package io.realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.json.Json;
import java.util.concurrent.atomic.AtomicInteger;
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
    }

    @Test
    void anEventFromStoredPartsIsTheSameBytesAsOnePublishedHere() {
        EventDraft draft = EventDraft.of(ChannelName.parse("job:42"), Json.createValue("job_progress"),
                Json.createObjectBuilder().add("frame", 3).build());
        ChannelEvent published = codec.encode(draft, new EventId(1732474800123L, 7), 1732474800123L);
        ChannelEvent stored = EnvelopeCodec.fromParts(new EventId(1732474800123L, 7), "job:42", "job_progress",
                "{\"frame\":3}");
        assertEquals(published.json(), stored.json());
        assertEquals(1732474800123L, stored.publishedAtMs(), "ts is the id's milliseconds");
    }

    @Test
    void eachWireFormIsMadeOnceAndShared() {
        ChannelEvent event = EnvelopeCodec.fromParts(new EventId(5, 1), "job:1", "t", "{}");
        AtomicInteger made = new AtomicInteger();
        EventEncoding<String> upper = new EventEncoding<>("upper", e -> {
            made.incrementAndGet();
            return e.json().toUpperCase();
        });
        EventEncoding<Integer> length = new EventEncoding<>("length", e -> e.json().length());
        String first = event.encoded(upper);
        assertSame(first, event.encoded(upper));
        assertEquals(event.json().length(), event.encoded(length));
        assertSame(first, event.encoded(upper), "a second encoding keeps the first");
        assertEquals(1, made.get());
    }
}
