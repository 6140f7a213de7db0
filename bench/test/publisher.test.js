import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Publisher } from '../lib/publisher.js';

// A stand-in server that records what arrives and how many requests per channel overlap.
function recordingServer({ delayMs = 0, failEvery = 0 } = {}) {
  const seen = [];
  const inFlight = new Map();
  let maxSameChannel = 0;
  let count = 0;
  const server = http.createServer((req, res) => {
    const channel = req.url.split('/')[2];
    inFlight.set(channel, (inFlight.get(channel) ?? 0) + 1);
    maxSameChannel = Math.max(maxSameChannel, inFlight.get(channel));
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const n = ++count;
      setTimeout(() => {
        inFlight.set(channel, inFlight.get(channel) - 1);
        if (failEvery && n % failEvery === 0) return res.writeHead(500).end();
        seen.push({ channel, payload: JSON.parse(body) });
        res.writeHead(202).end('{}');
      }, delayMs);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, port: server.address().port, maxSameChannel: () => maxSameChannel })));
}

const wire = { eventRequest: (channel, payload) => ({ path: `/pub/${channel}`, body: payload }) };

test('publishes the offered count round-robin with per-channel sequence numbers and a publish time', async (t) => {
  const s = await recordingServer();
  t.after(() => s.server.close());
  const before = Date.now();
  const result = await new Publisher({ port: s.port, wire, channels: ['a', 'b'], rate: 200, durationS: 0.5 }).run();
  assert.equal(result.sent, 100);
  assert.equal(result.accepted, 100);
  assert.deepEqual(result.published, { a: { count: 50, failed: [] }, b: { count: 50, failed: [] } });
  const seqsOfA = s.seen.filter((e) => e.channel === 'a').map((e) => e.payload.seq);
  assert.deepEqual(seqsOfA, Array.from({ length: 50 }, (_, i) => i));
  for (const e of s.seen) assert.ok(e.payload.t >= before - 1 && e.payload.t <= Date.now() + 1);
  // Paced: 100 events at 200/s cannot go out in less than ~0.5 s. No upper bound: a loaded machine may take longer.
  assert.ok(result.seconds >= 0.45, `paced over ~0.5 s, took ${result.seconds}`);
});

test('the payload is about 100 bytes', async (t) => {
  const s = await recordingServer();
  t.after(() => s.server.close());
  await new Publisher({ port: s.port, wire, channels: ['a'], rate: 100, durationS: 0.05 }).run();
  const bytes = JSON.stringify(s.seen[0].payload).length;
  assert.ok(bytes >= 90 && bytes <= 110, `${bytes} bytes`);
});

test('never two requests in flight on one channel, even with concurrency to spare', async (t) => {
  const s = await recordingServer({ delayMs: 20 });
  t.after(() => s.server.close());
  const result = await new Publisher({ port: s.port, wire, channels: ['a', 'b', 'c'], rate: 1000, durationS: 0.3, concurrency: 8, overrunMs: 200 }).run();
  assert.equal(s.maxSameChannel(), 1);
  // a slow server caps the rate: at most 3 channels × one per 20 ms
  assert.ok(result.achievedRate <= 160, `achieved ${result.achievedRate}`);
});

test('failed publishes are named per channel so they are not expected', async (t) => {
  const s = await recordingServer({ failEvery: 5 });
  t.after(() => s.server.close());
  const result = await new Publisher({ port: s.port, wire, channels: ['a'], rate: 500, durationS: 0.1 }).run();
  assert.equal(result.failed, 10);
  assert.equal(result.published.a.failed.length, 10);
  assert.deepEqual(result.errors, { 'HTTP 500': 10 });
});

test('batches go through the batch request with one stamp per batch', async (t) => {
  const bodies = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(202).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const batchWire = { ...wire, batchRequest: (events) => ({ path: '/batch', body: `[${events.map((e) => e.payload).join(',')}]` }) };
  const result = await new Publisher({ port: server.address().port, wire: batchWire, channels: ['a'], rate: 1000, durationS: 0.1, batchSize: 10 }).run();
  assert.equal(result.accepted, 100);
  assert.equal(bodies.length, 10);
  assert.deepEqual(bodies[1].map((p) => p.seq), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  assert.equal(new Set(bodies[1].map((p) => p.t)).size, 1);
});

test('perChannel lifts the one-in-flight rule so a slow server still gets the offered rate', async (t) => {
  const s = await recordingServer({ delayMs: 20 });
  t.after(() => s.server.close());
  const result = await new Publisher({ port: s.port, wire, channels: ['a'], rate: 150, durationS: 0.4, perChannel: 8 }).run();
  assert.ok(s.maxSameChannel() > 1 && s.maxSameChannel() <= 8, `max in flight ${s.maxSameChannel()}`);
  assert.equal(result.accepted, 60);
});
