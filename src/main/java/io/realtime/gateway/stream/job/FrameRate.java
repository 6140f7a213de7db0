package io.realtime.gateway.stream.job;

import java.util.List;

/** Frames per second and time left, from a window of recent {@code [frame, atMs]} samples. */
final class FrameRate {

    private FrameRate() {
    }

    /** (last frame − first frame) / elapsed seconds across the window; null with fewer than two distinct times. */
    static Double fps(List<long[]> window) {
        if (window.size() < 2) {
            return null;
        }
        long[] first = window.get(0);
        long[] last = window.get(window.size() - 1);
        long elapsedMs = last[1] - first[1];
        if (elapsedMs <= 0) {
            return null;
        }
        return (last[0] - first[0]) * 1000.0 / elapsedMs;
    }

    /** Seconds until the last frame at {@code fps}; 0 when done, null when the rate is unknown or zero. */
    static Double etaSeconds(long frame, long totalFrames, Double fps) {
        if (frame >= totalFrames) {
            return 0.0;
        }
        if (fps == null || fps <= 0) {
            return null;
        }
        return (totalFrames - frame) / fps;
    }
}
