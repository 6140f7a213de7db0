// The sweep's one-number summary: the highest deliveries/s a target reached while its p99 latency
// stayed under the bound (100 ms). null when no level met the bound.
export function ceiling(levels, p99BoundMs = 100) {
  let best = null;
  for (const level of levels) {
    const p99 = level.p99;
    if (p99 === null || p99 === undefined || !(p99 < p99BoundMs)) continue;
    if (best === null || level.deliveriesPerSec > best.deliveriesPerSec) best = level;
  }
  return best === null ? null : { deliveriesPerSec: best.deliveriesPerSec, atOfferedRate: best.rate, p99: best.p99 };
}
