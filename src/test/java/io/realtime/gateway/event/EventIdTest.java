package io.realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventIdTest {

    @Test
    void parsesAndPrintsTheStreamIdForm() {
        EventId id = EventId.parse("1732474800123-7");
        assertEquals(new EventId(1732474800123L, 7), id);
        assertEquals("1732474800123-7", id.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1", "1-", "-1", "1--1", "1-2-3", "+1-2", "1-+2", " 1-2", "1.5-2",
            "99999999999999999999-1", "1-99999999999999999999", "١-٢",
            "1-2~", "~1-2", "1-2~3", "1-2~3-4~5-6", "1-2~~3-4", "1-2~3-+4", "1-2.3-4"})
    void refusesMalformedIdsAsBadSince(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EventId.parse(text));
        assertEquals(ErrorCode.BAD_SINCE, e.code());
    }

    @Test
    void ordersByTimeThenSequence() {
        assertTrue(EventId.parse("2-0").isAfter(EventId.parse("1-99")));
        assertTrue(EventId.parse("2-1").isAfter(EventId.parse("2-0")));
    }

    @Test
    void parsesAndPrintsTheLocalForm() {
        EventId id = EventId.parse("1732474800123-7~1732474801000-2");
        assertTrue(id.isLocal());
        assertEquals(EventId.local(new EventId(1732474800123L, 7), new EventId(1732474801000L, 2)), id);
        assertEquals(new EventId(1732474800123L, 7), id.cluster());
        assertEquals("1732474800123-7~1732474801000-2", id.toString());
        assertFalse(EventId.parse("1732474800123-7").isLocal());
        assertEquals(EventId.parse("5-0"), EventId.parse("5-0").cluster());
    }

    @Test
    void sortsALocalIdAfterItsClusterPartAndBeforeTheNextClusterId() {
        EventId at = EventId.parse("5-0");
        EventId local = EventId.parse("5-0~9000-0");
        assertTrue(local.isAfter(at));
        assertTrue(EventId.parse("5-1").isAfter(local), "the cluster part decides first");
        assertTrue(EventId.parse("5-0~9000-1").isAfter(local));
    }

    @Test
    void nextIsAlwaysGreaterEvenWhenTheClockGoesBack() {
        EventId last = new EventId(1000, 5);
        assertEquals(new EventId(1000, 6), last.next(1000));
        assertEquals(new EventId(1000, 6), last.next(900));
        assertEquals(new EventId(1001, 0), last.next(1001));
    }
}
