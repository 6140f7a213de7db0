// The hot channel (issue 19): one channel, 10 subscribers, published to as fast as each way in allows.
//   hot-batch   HTTP batches of 100 on one keep-alive connection, one request in flight (so in order):
//               20,000 events/s offered. Gateway only (the peers have no batch publish).
//   hot-ws      the WebSocket `publish` op, pipelined (up to 256 unacked), acks checked in order:
//               20,000 events/s offered. Gateway only (the peers take publishes over HTTP).
//   hot-single  one event per POST, 32 in flight (as 32 concurrent publishers: order not checked),
//               20,000 events/s offered, so the achieved rate is the ceiling. Every target.
//   hot-inbox   XADD to the Redis inbox (rt:in), pipelined: 10,000 events/s offered. Gateway only.
//   hot-two     two instances sharing Redis, subscribers half/half, published on the first: 5,000
//               events/s offered (in batches of 50 on the gateway; one event per POST, 32 in flight, on
//               the peers, which have no batch).
// Each is measured by measureDelivery (the same drain, loss, order and CPU accounting as every scenario);
// only the publisher differs.
import WebSocket from 'ws';
import { createClient } from 'redis';
import { channelNames } from './plans.js';
import { measureDelivery } from './delivery.js';
import { nowMs, sleep } from '../clock.js';
import { payloadJson } from '../payload.js';
import { LatencyRecorder } from '../latency.js';

export const HOT_SCENARIOS = ['hot-batch', 'hot-ws', 'hot-single', 'hot-inbox', 'hot-two'];
const HOT_SUBSCRIBERS = 10;
const WS_WINDOW = 256; // publishes in flight on the publisher's socket
const INBOX_WINDOW = 256; // XADDs in flight
const SINGLE_IN_FLIGHT = 32;

// scenario → { instances, redis, gatewayOnly, plan(options, target) }
export const hotCases = {
  'hot-batch': { instances: 1, redis: false, gatewayOnly: true, plan: (o) => hotPlan(o, 20000, { batchSize: 100 }) },
  'hot-ws': { instances: 1, redis: false, gatewayOnly: true, plan: (o) => hotPlan(o, 20000, { makePublisher: wsPublisher }) },
  'hot-single': { instances: 1, redis: false, gatewayOnly: false, plan: (o) => hotPlan(o, 20000, { perChannel: SINGLE_IN_FLIGHT }) },
  'hot-inbox': { instances: 1, redis: true, gatewayOnly: true, plan: (o) => hotPlan(o, 10000, { makePublisher: inboxPublisher }) },
  'hot-two': {
    instances: 2,
    redis: true,
    gatewayOnly: false,
    plan: (o, target) => hotPlan(o, 5000, target.wire.batchRequest ? { batchSize: 50 } : { perChannel: SINGLE_IN_FLIGHT }),
  },
};

function hotPlan(o, rate, extra) {
  // perChannel is fixed by the scenario (the suite's --publish-inflight does not apply here).
  return { channels: channelNames(1), subscribersPerChannel: HOT_SUBSCRIBERS, rate, durationS: o.duration, drainMs: 10000, perChannel: 1, ...extra };
}

// Publishers with the shape of Publisher (run() → the same figures, `accepted` while running).
function wsPublisher({ instances, plan }) {
  return new PipelinedPublisher({ plan, window: WS_WINDOW, open: () => openGatewaySocket(instances[0].port) });
}

function inboxPublisher({ redisUrl, plan }) {
  return new PipelinedPublisher({ plan, window: INBOX_WINDOW, open: () => openInbox(redisUrl) });
}

// A sender over one connection with up to `window` publishes unanswered; `open()` gives
// { send(channel, seq, payload) → Promise<void> (rejects on refusal), close() }.
export class PipelinedPublisher {
  constructor({ plan, window, open }) {
    Object.assign(this, { plan, window, open });
    this.channel = plan.channels[0];
    this.sent = 0;
    this.accepted = 0;
    this.failed = 0;
    this.inFlight = 0;
    this.failedSeqs = [];
    this.errors = new Map();
    this.roundTrip = new LatencyRecorder();
    this.stopped = false;
  }

  async run() {
    const link = await this.open();
    const { rate, durationS } = this.plan;
    const total = Math.round(rate * durationS);
    const started = nowMs();
    const endAt = started + durationS * 1000;
    let freed = null;
    const outstanding = new Set();
    while (!this.stopped && this.sent < total && nowMs() < endAt + 5000) {
      const due = Math.min(total, Math.floor(((nowMs() - started) / 1000) * rate) + 1);
      while (this.sent < due && this.inFlight < this.window) {
        const seq = this.sent++;
        const t = nowMs();
        this.inFlight++;
        const p = link.send(this.channel, seq, payloadJson(seq, t)).then(
          () => this.accepted++,
          (err) => {
            this.failed++;
            this.failedSeqs.push(seq);
            this.errors.set(err.message, (this.errors.get(err.message) ?? 0) + 1);
          },
        ).finally(() => {
          this.inFlight--;
          this.roundTrip.recordMs(nowMs() - t);
          outstanding.delete(p);
          freed?.();
        });
        outstanding.add(p);
      }
      const nextDueAt = started + (this.sent / rate) * 1000;
      const wait = Math.max(1, Math.min(nextDueAt - nowMs(), 20));
      if (this.inFlight >= this.window) await new Promise((resolve) => { freed = resolve; setTimeout(resolve, wait); });
      else await sleep(wait);
    }
    await Promise.all(outstanding);
    const ended = nowMs();
    await link.close();
    return {
      startedAt: started,
      endedAt: ended,
      seconds: (ended - started) / 1000,
      offeredRate: rate,
      sent: this.sent,
      accepted: this.accepted,
      failed: this.failed,
      achievedRate: this.accepted / ((ended - started) / 1000),
      errors: Object.fromEntries(this.errors),
      roundTripMs: this.roundTrip.summary(),
      published: { [this.channel]: { count: this.sent, failed: this.failedSeqs } },
    };
  }

  stop() {
    this.stopped = true;
  }
}

// The gateway's WebSocket: publishes carry a ref (their seq); acks must come back in the order sent, and
// one out of order fails the publish it answered (so the run shows it as failed events, never silently).
export async function openGatewaySocket(port) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = []; // [{ ref, resolve, reject }] in send order
  const failAll = (why) => waiting.splice(0).forEach((w) => w.reject(new Error(why)));
  socket.on('message', (data) => {
    for (const line of data.toString().split('\n')) {
      if (!line) continue;
      const message = JSON.parse(line);
      if (message.op !== 'ack' && message.op !== 'error') continue;
      const head = waiting.shift();
      if (!head) continue;
      if (message.ref !== head.ref) head.reject(new Error(`ack out of order: ${message.ref} where ${head.ref} was due`));
      else if (message.op === 'error') head.reject(new Error(`error ${message.code}`));
      else head.resolve();
    }
  });
  socket.on('close', () => failAll('socket closed'));
  socket.on('error', () => {});
  return {
    send(channel, seq, payload) {
      const ref = String(seq);
      return new Promise((resolve, reject) => {
        waiting.push({ ref, resolve, reject });
        socket.send(`{"op":"publish","channel":"${channel}","type":"bench","data":${payload},"ref":"${ref}"}`);
      });
    },
    async close() {
      socket.close();
      await sleep(50);
    },
  };
}

// The gateway's Redis inbox (README: XADD rt:in * channel <c> type <t> data <json>).
async function openInbox(url) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return {
    send: (channel, seq, payload) => client.xAdd('rt:in', '*', { channel, type: 'bench', data: payload }),
    close: () => client.quit(),
  };
}

// Runs one hot scenario on one target and transport through the suite's own server handling and phases
// (cold, second, warm on a gateway; warm-up then once on a peer), recording each measured phase.
export async function runHotCase(suite, scenario, target, transport) {
  const hot = hotCases[scenario];
  if (hot.gatewayOnly && target.kind !== 'gateway') {
    suite.log(`  (${scenario} is for the gateway only: ${target.label} has no such way in)`);
    return;
  }
  await suite.withServers(target, hot.instances, hot.redis, async (instances, serverPids, redis) => {
    for (const [phase, length] of suite.phasesFor(target)) {
      const base = { ...hot.plan(suite.options, target), redisUrl: redis?.url ?? null };
      const plan = length === 'short' ? { ...base, durationS: Math.min(3, base.durationS) } : base;
      const tag = `${scenario} ${transport} ${target.label} ${phase}`;
      const figures = await measureDelivery({ pool: suite.pool, target, instances, transport, plan, tag, serverPids, log: suite.log });
      suite.summarise(tag, figures);
      if (phase === 'warmup') continue;
      suite.record({ scenario, target: target.label, kind: target.kind, transport, phase, ...figures });
    }
  });
}
