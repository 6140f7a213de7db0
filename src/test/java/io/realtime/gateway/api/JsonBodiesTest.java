package io.realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.JsonFactories;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each way a body fails is answered for what it is: too deep, malformed, or not the client's fault. */
class JsonBodiesTest {

    private static final int LIMIT = 1 << 20;

    @Test
    void aBodyNestedPastTheParserIsTooDeepAndAMalformedOneIsMalformed() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        InvalidInputException tooDeep = assertThrows(InvalidInputException.class, () -> read(deep));
        assertEquals(ErrorCode.BAD_JSON, tooDeep.code());
        assertTrue(tooDeep.getMessage().contains("nested too deeply"), tooDeep.getMessage());

        InvalidInputException malformed = assertThrows(InvalidInputException.class, () -> read("{\"a\":"));
        assertEquals(ErrorCode.BAD_JSON, malformed.code());
        assertTrue(malformed.getMessage().startsWith("Malformed JSON"), malformed.getMessage());
    }

    @Test
    void onlyTheParsersDepthRefusalCountsAsDepth() {
        // The parser's own refusal, provoked for real, is recognised...
        RuntimeException refusal = assertThrows(RuntimeException.class,
                () -> JsonFactories.reader(new StringReader("[".repeat(5000) + "]".repeat(5000))).read());
        assertTrue(JsonFactories.nestedTooDeep(refusal), refusal.toString());
        // ...and a fault of ours is not blamed on the client's JSON.
        assertFalse(JsonFactories.nestedTooDeep(new IllegalStateException("a bug")));
        assertFalse(JsonFactories.nestedTooDeep(new NullPointerException()));
    }

    @Test
    void aFailureThatIsNotTheInputsPassesThroughToBeLoggedAsOurs() {
        IllegalStateException ours = new IllegalStateException("reader broke");
        InputStream broken = new InputStream() {
            @Override
            public int read() {
                throw ours;
            }

            @Override
            public byte[] readNBytes(int len) {
                throw ours;
            }
        };
        assertSame(ours, assertThrows(IllegalStateException.class, () -> JsonBodies.read(broken, -1, LIMIT)));
    }

    private static void read(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        JsonBodies.read(new ByteArrayInputStream(bytes), bytes.length, LIMIT);
    }
}
