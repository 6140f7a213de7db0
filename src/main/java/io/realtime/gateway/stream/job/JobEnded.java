package io.realtime.gateway.stream.job;

/**
 * {@code job_completed} ({@code outputUrl} optional) and {@code job_failed} ({@code error} required):
 * the last event of a job's stream (DESIGN §10). {@code status} is {@code completed} or {@code failed}.
 */
public record JobEnded(String jobId, String status, String outputUrl, String error) {
}
