// One measured delivery run, the shape every delivery scenario shares: subscribers connect (bounded
// concurrency), the publisher sends at the offered rate, the client drains, and the figures come back.
import { Publisher } from '../publisher.js';
import { UsageWindow, round } from '../usage.js';
import { startProgress, fmtMs } from '../progress.js';
import { nowMs, sleep } from '../clock.js';

const SETTLE_MS = 500; // lets the last subscriptions go live everywhere before the first publish
const DEFAULT_DRAIN_MS = 5000; // quiet time after which the drain gives up
const MAX_DRAIN_MS = 30000;

// plan: { channels: [names], subscribersPerChannel, rate, durationS, concurrency?, batchSize?, drainMs? }
// instances: subscribers are dealt over them in turn (half/half for two); publishing goes to the first.
export async function measureDelivery({ pool, target, instances, transport, plan, tag, serverPids, log = console.log }) {
  const specs = [];
  let id = 0;
  for (const channel of plan.channels) {
    for (let k = 0; k < plan.subscribersPerChannel; k++) {
      const instance = instances[id % instances.length];
      specs.push({ id: id++, ...target.subscriberSpec(instance, transport, channel) });
    }
  }

  const usage = new UsageWindow(serverPids);
  let publisher = null;
  let phase = 'connecting';
  const stopProgress = startProgress(async () => {
    const p = await pool.progress();
    usage.startedAt && usage.sample();
    const sent = publisher ? `${publisher.accepted}/${Math.round(plan.rate * plan.durationS)}` : '-';
    return `  [${tag}] ${phase}: connected ${p.connected}/${specs.length} sent ${sent} received ${p.deliveries} cut ${p.cut} p99 ${fmtMs(p.p99)}`;
  });

  try {
    const connect = await pool.connect(specs, { concurrency: plan.connectConcurrency ?? 200 });
    await sleep(SETTLE_MS);

    phase = 'publishing';
    usage.begin();
    const publishPort = instances[0].port;
    // A scenario may bring its own way in (scenarios/hot.js: WebSocket publish op, Redis inbox).
    publisher = plan.makePublisher ? plan.makePublisher({ instances, plan, redisUrl: plan.redisUrl }) : new Publisher({
      port: publishPort,
      wire: target.wire,
      channels: plan.channels,
      rate: plan.rate,
      durationS: plan.durationS,
      concurrency: plan.concurrency ?? 1,
      batchSize: plan.batchSize ?? 1,
      overrunMs: plan.overrunMs,
      perChannel: plan.perChannel ?? 1,
    });
    const published = await publisher.run();

    // Drain: until every accepted event reached every subscriber still connected, or nothing more has
    // arrived for drainMs (a server far behind is still delivering: those are late, not lost), and never
    // longer than MAX_DRAIN_MS. What has not come by then counts as lost.
    phase = 'draining';
    const drainStarted = nowMs();
    const idleMs = plan.drainMs ?? DEFAULT_DRAIN_MS;
    const perChannel = published.accepted / plan.channels.length;
    let lastCount = -1;
    let lastChange = drainStarted;
    for (;;) {
      const p = await pool.progress();
      const now = nowMs();
      if (p.deliveries !== lastCount) {
        lastCount = p.deliveries;
        lastChange = now;
      }
      if (p.deliveries >= perChannel * p.connected || now - lastChange >= idleMs || now - drainStarted >= MAX_DRAIN_MS) break;
      await sleep(100);
    }
    const drainSeconds = (nowMs() - drainStarted) / 1000;
    const cost = usage.end();
    const received = await pool.collect(published.published);
    const latency = received.latency.summary();
    const deliverySeconds = Math.max((received.lastDeliveryAt - published.startedAt) / 1000, published.seconds);
    return {
      params: {
        subscribers: specs.length,
        channels: plan.channels.length,
        instances: instances.length,
        offeredRate: plan.rate,
        durationS: plan.durationS,
        publishConcurrency: plan.concurrency ?? 1,
        batchSize: plan.batchSize ?? 1,
        perChannelInFlight: plan.perChannel ?? 1,
      },
      connect: { connected: connect.connected, failed: connect.failed, seconds: round(connect.seconds, 2), errors: received.connectErrors },
      publish: {
        sent: published.sent,
        accepted: published.accepted,
        failed: published.failed,
        achievedRate: round(published.achievedRate, 1),
        seconds: round(published.seconds, 2),
        roundTripMs: published.roundTripMs,
        errors: published.errors,
      },
      drainSeconds: round(drainSeconds, 1),
      latencyMs: latency,
      latencyHistogram: received.latency.encode(),
      deliveries: received.sequence.received,
      deliveriesPerSec: round(received.sequence.received / deliverySeconds, 0),
      expected: received.sequence.expected,
      lost: received.sequence.lost,
      lostByCutClients: received.sequence.lostByCutClients,
      duplicates: received.sequence.duplicates,
      outOfOrder: received.sequence.outOfOrder,
      foreign: received.foreign,
      cut: received.cut,
      cutReasons: received.cutReasons,
      ...cost,
    };
  } finally {
    stopProgress();
    await pool.closeAll();
  }
}
