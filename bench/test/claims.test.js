import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimChecks } from '../lib/scenarios/claims.js';

const run = (over) => ({ connect: { connected: 1000 }, cut: 0, lost: 0, lostByCutClients: 0, params: { subscribers: 10 }, publish: { achievedRate: 100 }, latencyMs: { p50: 5, p99: 20 }, deliveriesPerSec: 100000, ...over });

test('all three claims pass on good figures', () => {
  const checks = claimChecks({ connections: run(), latency: run(), throughput: run() }, 'ws');
  assert.deepEqual(checks.map((c) => c.pass), [true, true, true]);
  assert.equal(checks[2].claim, 'WebSocket latency p50 under 10 ms');
});

test('one cut client, a slow channel, or a p50 at the bound each fail their claim', () => {
  const checks = claimChecks(
    { connections: run({ cut: 1, lostByCutClients: 5 }), latency: run({ latencyMs: { p50: 50, p99: 90 } }), throughput: run({ deliveriesPerSec: 96000 }) },
    'sse',
  );
  assert.deepEqual(checks.map((c) => c.pass), [false, false, false]);
  assert.match(checks[0].measured, /1 cut, 5 lost/);
  assert.match(checks[1].measured, /9,600 events\/s per subscriber/);
});
