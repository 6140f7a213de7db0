// A group of subscribers and what they received: latency histogram, sequence tracking, cut-offs.
// Lives in a worker thread (see client-worker.js) but is plain code, so tests can drive it directly.
import { createSubscriber } from './subscribers/index.js';
import { LatencyRecorder } from './latency.js';
import { SequenceTracker } from './sequence-tracker.js';
import { nowMs } from './clock.js';

export class SubscriberGroup {
  constructor() {
    this.subscribers = new Map(); // id → client
    this.latency = new LatencyRecorder();
    this.tracker = new SequenceTracker();
    this.connected = 0;
    this.connectFailures = 0;
    this.connectErrors = new Map(); // reason → count
    this.cut = new Set();
    this.cutReasons = new Map();
    this.deliveries = 0;
    this.foreign = 0; // deliveries for a channel the subscriber did not ask for
    this.lastDeliveryAt = 0;
  }

  // specs: [{ id, kind, url, channel, localAddress }]; at most `concurrency` handshakes in flight, so the
  // server's accept queue never overflows and connect time measures the server, not SYN retries.
  async connect(specs, { concurrency = 200, timeoutMs = 30000 } = {}) {
    let next = 0;
    const started = nowMs();
    const one = async (spec) => {
      const id = spec.id;
      // Held directly: a per-delivery lookup by (subscriber, channel) key would cost more than the check.
      const stream = this.tracker.register(id, spec.channel);
      const client = createSubscriber(spec, {
        onDelivery: (channel, payload) => this.delivered(stream, spec.channel, channel, payload),
        onCut: (reason) => this.wasCut(id, reason),
      });
      this.subscribers.set(id, client);
      let timer;
      try {
        await Promise.race([
          client.connect(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
          }),
        ]);
        this.connected++;
      } catch (err) {
        client.close();
        this.subscribers.delete(id);
        this.connectFailures++;
        const reason = err.message;
        this.connectErrors.set(reason, (this.connectErrors.get(reason) ?? 0) + 1);
      } finally {
        clearTimeout(timer);
      }
    };
    const lanes = Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
      while (next < specs.length) await one(specs[next++]);
    });
    await Promise.all(lanes);
    return { connected: this.connected, failed: this.connectFailures, seconds: (nowMs() - started) / 1000 };
  }

  delivered(stream, subscribedChannel, channel, payload) {
    const at = nowMs();
    this.deliveries++;
    this.lastDeliveryAt = at;
    if (channel !== subscribedChannel) {
      this.foreign++;
      return;
    }
    this.latency.recordMs(at - payload.t);
    stream.record(payload.seq);
  }

  wasCut(id, reason) {
    this.cut.add(id);
    this.connected--;
    this.cutReasons.set(reason, (this.cutReasons.get(reason) ?? 0) + 1);
  }

  progress() {
    return {
      connected: this.connected,
      connectFailures: this.connectFailures,
      deliveries: this.deliveries,
      cut: this.cut.size,
      p99: this.latency.percentileMs(99),
      lastDeliveryAt: this.lastDeliveryAt,
    };
  }

  // published: { channel: { count, failed: [seq] } } from the publisher.
  collect(published) {
    const table = {};
    for (const [channel, sent] of Object.entries(published)) {
      table[channel] = { count: sent.count, failed: new Set(sent.failed) };
    }
    return {
      latency: this.latency.encode(),
      sequence: this.tracker.summary(table, this.cut),
      deliveries: this.deliveries,
      foreign: this.foreign,
      lastDeliveryAt: this.lastDeliveryAt,
      connected: this.connected,
      connectFailures: this.connectFailures,
      connectErrors: Object.fromEntries(this.connectErrors),
      cut: this.cut.size,
      cutReasons: Object.fromEntries(this.cutReasons),
    };
  }

  closeAll() {
    for (const client of this.subscribers.values()) client.close();
    this.subscribers.clear();
  }
}
