// The subscriber side end to end against stand-in servers that speak the gateway's wire forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { SubscriberGroup } from '../lib/subscriber-group.js';
import { payloadJson } from '../lib/payload.js';

/** Polls a condition every 10 ms, failing after a bound generous for a loaded machine. */
async function until(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const envelope = (channel, seq) => `{"id":"${seq}-0","channel":"${channel}","type":"bench","ts":"x","data":${payloadJson(seq)}}`;

function fakeGatewaySse() {
  const streams = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': connected\n\nevent: position\nid: 0-0\ndata: {"position":"0-0"}\n\n');
    streams.push(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, streams, port: server.address().port })));
}

test('SSE: ready on position, deliveries decoded from the envelope, a stream end counts as cut off', async (t) => {
  const fake = await fakeGatewaySse();
  t.after(() => fake.server.close());
  const group = new SubscriberGroup();
  const url = `http://127.0.0.1:${fake.port}/api/stream?channel=job:a`;
  const specs = [0, 1, 2].map((id) => ({ id, kind: 'gateway-sse', url, channel: 'job:a' }));
  const connected = await group.connect(specs, { concurrency: 2 });
  assert.equal(connected.connected, 3);

  // seq 0, 1, then 1 again (duplicate) and 3 (2 is lost) to stream 0; 0..3 in chunks that split frames to the rest
  fake.streams[0].write(`event: bench\nid: 1\ndata: ${envelope('job:a', 0)}\n\n: ping\n\n`);
  fake.streams[0].write(`event: bench\ndata: ${envelope('job:a', 1)}\n\nevent: bench\ndata: ${envelope('job:a', 1)}\n\nevent: bench\ndata: ${envelope('job:a', 3)}\n\n`);
  for (const s of fake.streams.slice(1)) {
    const all = [0, 1, 2, 3].map((seq) => `event: bench\ndata: ${envelope('job:a', seq)}\n\n`).join('');
    s.write(all.slice(0, 77));
    s.write(all.slice(77));
  }
  fake.streams[2].end(); // the server cuts this one off
  // Everything written has arrived once 12 deliveries are counted and the cut is seen: a condition, not a pause.
  await until('12 deliveries and one cut', () => group.deliveries === 3 + 4 + 4 + 1 && group.cut.size === 1);

  const result = group.collect({ 'job:a': { count: 4, failed: [] } });
  assert.equal(result.deliveries, 3 + 4 + 4 + 1); // the duplicate counts as a delivery, not as received
  assert.equal(result.sequence.received, 3 + 4 + 4);
  assert.equal(result.sequence.duplicates, 1);
  assert.equal(result.sequence.lost, 1);
  assert.equal(result.cut, 1);
  assert.deepEqual(Object.keys(result.cutReasons), ['stream ended']);
  group.closeAll();
});

test('SSE: a refused subscription is a connect failure with its reason', async (t) => {
  const server = http.createServer((req, res) => res.writeHead(404).end());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const group = new SubscriberGroup();
  const r = await group.connect([{ id: 0, kind: 'gateway-sse', url: `http://127.0.0.1:${server.address().port}/x`, channel: 'job:a' }]);
  assert.equal(r.failed, 1);
  assert.deepEqual(group.collect({}).connectErrors, { 'HTTP 404': 1 });
});

test('WebSocket: subscribe, wait for subscribed, events by op, close 1013 counts as cut off', async (t) => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  t.after(() => wss.close());
  const sockets = [];
  wss.on('connection', (ws) => {
    ws.on('message', (m) => {
      const frame = JSON.parse(m.toString());
      assert.equal(frame.op, 'subscribe');
      ws.send(JSON.stringify({ op: 'subscribed', channel: frame.channel, recovered: false, position: '0-0', ref: frame.ref }));
      sockets.push(ws);
    });
  });
  const group = new SubscriberGroup();
  const url = `ws://127.0.0.1:${wss.address().port}/ws`;
  const r = await group.connect([0, 1].map((id) => ({ id, kind: 'gateway-ws', url, channel: 'job:b' })));
  assert.equal(r.connected, 2);
  for (const ws of sockets) {
    for (const seq of [0, 1]) ws.send(`{"op":"event","id":"${seq}-0","channel":"job:b","type":"bench","ts":"x","data":${payloadJson(seq)}}`);
    ws.send('{"op":"pong"}');
  }
  // The close comes after every event of that socket (one ordered connection), so once the cut and all
  // four deliveries are seen nothing is still on its way.
  await until('four deliveries', () => group.deliveries === 4);
  sockets[1].close(1013, 'slow');
  await until('the slow socket cut off', () => group.cut.size === 1);
  const result = group.collect({ 'job:b': { count: 2, failed: [] } });
  assert.equal(result.sequence.received, 4);
  assert.equal(result.sequence.lost, 0);
  assert.equal(result.cut, 1);
  assert.deepEqual(result.cutReasons, { 'close 1013 slow': 1 });
  assert.ok(result.latency.length > 0);
  group.closeAll();
});
