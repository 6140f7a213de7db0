// The subscriber side of the load client, spread over worker threads so that receiving never delays
// the publisher's clock in the main thread. Each worker holds a SubscriberGroup.
import { Worker } from 'node:worker_threads';
import { LatencyRecorder } from './latency.js';

const SEQUENCE_FIELDS = ['streams', 'expected', 'received', 'lost', 'lostByCutClients', 'duplicates', 'outOfOrder', 'invalid', 'streamsWithLoss'];

class WorkerHandle {
  constructor() {
    this.worker = new Worker(new URL('./client-worker.js', import.meta.url));
    this.pending = new Map();
    this.nextId = 1;
    this.worker.on('message', ({ id, result, error }) => {
      const call = this.pending.get(id);
      if (!call) return;
      this.pending.delete(id);
      if (error) call.reject(new Error(`client worker: ${error}`));
      else call.resolve(result);
    });
    this.worker.on('error', (err) => {
      for (const call of this.pending.values()) call.reject(err);
      this.pending.clear();
    });
  }

  call(op, args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args });
    });
  }
}

const addCounts = (into, from) => {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
  return into;
};

export class ClientPool {
  constructor({ threads = 1 } = {}) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => new WorkerHandle());
  }

  // specs are dealt round-robin so every worker gets an even share of every channel.
  async connect(specs, { concurrency = 200, timeoutMs = 30000 } = {}) {
    const shares = this.workers.map(() => []);
    specs.forEach((spec, i) => shares[i % shares.length].push(spec));
    const perWorker = Math.max(1, Math.ceil(concurrency / this.workers.length));
    const results = await Promise.all(
      this.workers.map((w, i) => w.call('connect', { specs: shares[i], concurrency: perWorker, timeoutMs })),
    );
    return {
      connected: results.reduce((n, r) => n + r.connected, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      seconds: Math.max(...results.map((r) => r.seconds)),
    };
  }

  async progress() {
    const parts = await Promise.all(this.workers.map((w) => w.call('progress')));
    return {
      connected: parts.reduce((n, p) => n + p.connected, 0),
      connectFailures: parts.reduce((n, p) => n + p.connectFailures, 0),
      deliveries: parts.reduce((n, p) => n + p.deliveries, 0),
      cut: parts.reduce((n, p) => n + p.cut, 0),
      // the worst worker's p99 is a fair running indicator; the final figure merges histograms
      p99: parts.reduce((m, p) => (p.p99 === null ? m : Math.max(m ?? 0, p.p99)), null),
      lastDeliveryAt: Math.max(...parts.map((p) => p.lastDeliveryAt)),
    };
  }

  async collect(published) {
    const parts = await Promise.all(this.workers.map((w) => w.call('collect', { published })));
    const latency = new LatencyRecorder();
    const sequence = Object.fromEntries(SEQUENCE_FIELDS.map((f) => [f, 0]));
    const merged = { deliveries: 0, foreign: 0, lastDeliveryAt: 0, connected: 0, connectFailures: 0, cut: 0, connectErrors: {}, cutReasons: {} };
    for (const part of parts) {
      latency.add(LatencyRecorder.decode(part.latency));
      addCounts(sequence, part.sequence);
      merged.deliveries += part.deliveries;
      merged.foreign += part.foreign;
      merged.lastDeliveryAt = Math.max(merged.lastDeliveryAt, part.lastDeliveryAt);
      merged.connected += part.connected;
      merged.connectFailures += part.connectFailures;
      merged.cut += part.cut;
      addCounts(merged.connectErrors, part.connectErrors);
      addCounts(merged.cutReasons, part.cutReasons);
    }
    return { ...merged, latency, sequence };
  }

  closeAll() {
    return Promise.all(this.workers.map((w) => w.call('close')));
  }

  async terminate() {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
