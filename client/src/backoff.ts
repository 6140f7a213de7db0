/**
 * Capped exponential back-off with full jitter: the delay before attempt n is uniform in
 * [0, min(max, min * 2^n)]. "Full jitter" spreads reconnecting clients out best of the variants
 * compared in AWS's "Exponential Backoff And Jitter" (Marc Brooker, 2015): after a gateway restart,
 * thousands of browsers do not come back in the same millisecond. The server uses the same scheme
 * (broker/redis/Backoff).
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * Math.pow(2, Math.max(0, attempt)));
  return Math.floor(random() * ceiling);
}
