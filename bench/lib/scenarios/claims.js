// (e) The seed's claims, checked as a floor with pass/fail. The claims come without their conditions,
// so each is checked in the plainest setting that still means something:
//   - "1,000+ connections": 1,000 subscribers on one channel at 50 events/s; all connected, none cut,
//     nothing lost (after one such run to warm the JVM).
//   - latency (WebSocket p50 < 10 ms, SSE p50 < 50 ms): light load, 10 subscribers × 100 events/s.
//   - "10,000+ events/s on one channel": 10 subscribers, 10,000 events/s offered in batches of 100;
//     passes if nothing was lost and each subscriber received ≥ 9,700 events/s: 3 % below the offered
//     rate, because the rate is counted up to the last delivery and a short run has a drain tail.
import { measureDelivery } from './delivery.js';
import { channelNames } from './plans.js';

const LATENCY_FLOOR_MS = { ws: 10, sse: 50 };

export async function runClaims({ pool, target, instances, transport, serverPids, options, summarise }) {
  const measure = async (name, plan) => {
    const tag = `claims ${transport} ${target.label} ${name}`;
    const figures = await measureDelivery({ pool, target, instances, transport, plan, tag, serverPids });
    summarise(tag, figures);
    return figures;
  };
  const seconds = Math.min(options.duration, 5);

  const connectionsPlan = () => ({ channels: channelNames(1), subscribersPerChannel: 1000, rate: 50, durationS: seconds });
  await measure('warm-up', connectionsPlan());
  const connections = await measure('1000 connections', connectionsPlan());
  const latency = await measure('latency', { channels: channelNames(1), subscribersPerChannel: 10, rate: 100, durationS: seconds });
  const throughput = await measure('10k ev/s', {
    channels: channelNames(1),
    subscribersPerChannel: 10,
    rate: 10000,
    durationS: seconds,
    batchSize: 100,
    concurrency: 4,
    drainMs: 10000,
  });

  const runs = { connections, latency, throughput };
  return { checks: claimChecks(runs, transport), runs };
}

const n = (v) => Math.round(v).toLocaleString('en-US');
const ms = (v) => (v === null || v === undefined ? '–' : `${Number(v.toPrecision(3))} ms`);

// The pass/fail verdicts from the three runs' figures; the report recomputes them from the stored runs,
// so a results file always shows the current wording.
export function claimChecks({ connections, latency, throughput }, transport) {
  const perSubscriberRate = throughput.deliveriesPerSec / throughput.params.subscribers;
  const lost = (f) => f.lost + f.lostByCutClients;
  return [
    {
      claim: '1,000+ concurrent connections',
      measured: `${n(connections.connect.connected)} connected, ${n(connections.cut)} cut, ${n(lost(connections))} lost`,
      pass: connections.connect.connected >= 1000 && connections.cut === 0 && lost(connections) === 0,
    },
    {
      claim: '10,000+ events/s on one channel',
      measured: `${n(perSubscriberRate)} events/s per subscriber (offered 10,000, accepted ${n(throughput.publish.achievedRate)}/s), ${n(lost(throughput))} lost`,
      pass: perSubscriberRate >= 9700 && lost(throughput) === 0 && throughput.cut === 0,
    },
    {
      claim: `${transport === 'ws' ? 'WebSocket' : 'SSE'} latency p50 under ${LATENCY_FLOOR_MS[transport]} ms`,
      measured: `p50 ${ms(latency.latencyMs.p50)} (p99 ${ms(latency.latencyMs.p99)}) at 10 subscribers × ${n(latency.publish.achievedRate)} events/s`,
      pass: latency.latencyMs.p50 !== null && latency.latencyMs.p50 < LATENCY_FLOOR_MS[transport],
    },
  ];
}
