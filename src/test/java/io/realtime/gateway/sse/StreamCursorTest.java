package io.realtime.gateway.sse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamCursorTest {

    private static final List<String> CHANNELS = List.of("job:1", "system", "campaign:7");

    @Test
    void roundTripsOnePositionPerChannel() {
        EventId[] positions = {new EventId(1732474800123L, 0), new EventId(5, 2), new EventId(0, 0)};
        String cursor = StreamCursor.encode(StreamCursor.check(CHANNELS), positions);
        assertTrue(cursor.matches("[A-Za-z0-9.\\-]+"), "URL-safe: " + cursor);
        assertArrayEquals(positions, StreamCursor.decode(cursor, CHANNELS));
    }

    @Test
    void aPlainIdAppliesToEveryChannel() {
        EventId id = new EventId(9, 1);
        assertArrayEquals(new EventId[] {id, id, id}, StreamCursor.decode("9-1", CHANNELS));
    }

    @Test
    void refusesACursorOfAnotherStream() {
        String cursor = StreamCursor.encode(StreamCursor.check(CHANNELS),
                new EventId[] {EventId.ZERO, EventId.ZERO, EventId.ZERO});
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> StreamCursor.decode(cursor, List.of("job:1", "system", "campaign:8")));
        assertEquals(ErrorCode.BAD_SINCE, other.code());
        assertThrows(InvalidInputException.class, () -> StreamCursor.decode(cursor, List.of("job:1", "system")));
        assertThrows(InvalidInputException.class, () -> StreamCursor.decode("x.1-0.y.2-0", CHANNELS));
    }
}
