package io.realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"job:42", "council:eval-7.a", "alerts:user@example.com", "system", "a:b:c:d",
            "ns_1-x:Part_.@-9"})
    void acceptsNamesOfTheDesign(String name) {
        assertEquals(name, ChannelName.parse(name).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Job:42", "1job:42", "job:", "job::1", ":42", "job:4 2", "job:42\n",
            "job:ä", "job:a/b", "abcdefghijklmnopqrstuvwxyzabcdefg:1"})
    void refusesEverythingElse(String name) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ChannelName.parse(name));
        assertEquals(ErrorCode.BAD_CHANNEL, e.code());
    }

    @Test
    void splitsNamespaceAndKnowsBareNames() {
        ChannelName job = ChannelName.parse("job:42");
        assertEquals("job", job.namespace());
        assertFalse(job.bare());
        assertTrue(ChannelName.parse("system").bare());
    }

    @Test
    void enforcesLengthLimits() {
        assertThrows(InvalidInputException.class, () -> ChannelName.parse("job:" + "a".repeat(129)));
        String longest = "job:" + "a".repeat(128) + ":" + "b".repeat(122);
        assertEquals(255, longest.length());
        assertEquals(longest, ChannelName.parse(longest).value());
        assertThrows(InvalidInputException.class, () -> ChannelName.parse(longest + "b"));
    }

    @Test
    void theMessageNeverEchoesControlCharacters() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ChannelName.parse("job:\u0007x"));
        assertFalse(e.getMessage().contains("\u0007"));
    }
}
