package io.realtime.gateway.stream.job;

/**
 * {@code job_progress} as published (DESIGN §10): the worker's inputs and what the gateway derives.
 *
 * @param progress   frame / totalFrames, 0..1
 * @param fps        frames per second over the recent frames, null until two frames at distinct times
 * @param etaSeconds frames left / fps, null while fps is
 */
public record JobProgress(String jobId, String stage, long frame, long totalFrames, String message,
                          String status, double progress, Double fps, Double etaSeconds) {
}
