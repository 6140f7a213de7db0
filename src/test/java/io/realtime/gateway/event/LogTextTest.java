package io.realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void lineBreaksAndOtherControlsAreEscaped() {
        assertEquals("a\\n[AUDIT   ] x\\r\\tb\\u0000\\u0085\\u2028", LogText.escape("a\n[AUDIT   ] x\r\tb\u0000\u0085\u2028"));
        assertEquals("plain text é", LogText.escape("plain text é"));
        assertEquals("null", LogText.escape(null));
    }

    @Test
    void longTextIsCut() {
        String cut = LogText.escape("x".repeat(1000) + "\n");
        assertTrue(cut.endsWith("…"));
        assertEquals(LogText.MAX_CHARS + 1, cut.length());
        assertFalse(cut.contains("\n"));
    }
}
