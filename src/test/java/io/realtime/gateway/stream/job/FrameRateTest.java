package io.realtime.gateway.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.realtime.gateway.stream.MemoryStreamState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameRateTest {

    @Test
    void fpsIsFramesOverSecondsAcrossTheWindow() {
        assertNull(FrameRate.fps(List.of(new long[] {1, 1000})));
        assertNull(FrameRate.fps(List.of(new long[] {1, 1000}, new long[] {2, 1000})));
        // 30 frames in 1.5 s
        assertEquals(20.0, FrameRate.fps(List.of(new long[] {10, 1000}, new long[] {25, 1700}, new long[] {40, 2500})), 1e-9);
        assertEquals(3.0, FrameRate.etaSeconds(40, 100, 20.0), 1e-9);
        assertEquals(0.0, FrameRate.etaSeconds(100, 100, null));
        assertNull(FrameRate.etaSeconds(1, 100, null));
    }

    @Test
    void theWindowKeepsTheLastFramesAndRestartsWhenFramesGoBack() {
        MemoryStreamState state = new MemoryStreamState(() -> 0);
        for (int i = 0; i < 5; i++) {
            state.appendToWindow("w", i, i * 100L, 3, Duration.ofMinutes(1));
        }
        List<long[]> w = state.appendToWindow("w", 5, 500, 3, Duration.ofMinutes(1));
        assertEquals(List.of(3L, 4L, 5L), w.stream().map(s -> s[0]).toList());
        assertEquals(List.of(1L), state.appendToWindow("w", 1, 600, 3, Duration.ofMinutes(1)).stream().map(s -> s[0]).toList());
    }
}
