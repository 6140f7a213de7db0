package io.realtime.gateway.transport;

/**
 * How much a connection may have waiting and how much one write may carry.
 *
 * @param queueSize       frames a connection may have waiting before it is cut off as too slow; a
 *                        replay waits for room below it instead
 * @param maxBatch        most frames handed to one write (coalesced into one network write where the
 *                        transport can)
 * @param replayTimeoutMs how long a replay waits for room before the client is cut off as slow
 */
public record DeliverySettings(int queueSize, int maxBatch, long replayTimeoutMs) {
}
