import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import { createSubscriber } from '../lib/subscribers/index.js';

// A stand-in for the gateway's /ws that answers a subscribe the way it may under load: the reply and
// the first events in one frame, one message per line (DESIGN §6), then a frame of two more events.
async function gatewayLike() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.on('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const { channel } = JSON.parse(data.toString());
      const event = (seq) => JSON.stringify({ op: 'event', id: `${seq}-0`, channel, type: 'bench', data: { seq } });
      socket.send([JSON.stringify({ op: 'subscribed', channel, recovered: false, position: '0-0' }), event(0), event(1)].join('\n'));
      socket.send([event(2), event(3)].join('\n'));
    });
  });
  return server;
}

test('gateway WebSocket: every message of a frame counts, also the events that share the subscribe reply', async () => {
  const server = await gatewayLike();
  const got = [];
  const subscriber = createSubscriber(
    { kind: 'gateway-ws', url: `ws://127.0.0.1:${server.address().port}/ws`, channel: 'job:b1' },
    { onDelivery: (channel, data) => got.push([channel, data.seq]), onCut: (why) => got.push(['cut', why]) });
  try {
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('never subscribed')), 30_000).unref());
    await Promise.race([subscriber.connect(), timeout]);
    // Until all four arrived, bounded by a deadline generous for a loaded machine (not by a count of pauses).
    for (const deadline = Date.now() + 30_000; got.length < 4 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(got, [['job:b1', 0], ['job:b1', 1], ['job:b1', 2], ['job:b1', 3]]);
  } finally {
    subscriber.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});
