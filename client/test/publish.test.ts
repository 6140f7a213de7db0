import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublishError } from '../src/types.js';
import { WebSocketClient } from '../src/ws.js';
import { FakeClock, FakeGateway, settle } from './fakes.js';

function setup(options: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const gateway = new FakeGateway();
  const client = new WebSocketClient({ env: gateway.env(clock), minReconnectDelay: 100, maxReconnectDelay: 1000,
    heartbeatTimeout: 5000, pingInterval: 2000, publishTimeout: 3000, ...options });
  const sent = (op: string) => gateway.ws.flatMap((w) => w.sent.filter((m) => m.op === op));
  return { clock, gateway, client, sent };
}

async function outcome<T>(p: Promise<T>): Promise<{ ok?: T; error?: PublishError }> {
  return p.then((ok) => ({ ok }), (error) => ({ error }));
}

describe('publishing over the WebSocket', () => {
  it('acks with the id, and a second publish with the same key is a duplicate of the first', async () => {
    const s = setup();
    const first = s.client.publish('job:1', 'note', { n: 1 }, { idempotencyKey: 'k-1' });
    await s.clock.advance(10);
    const ack = await first;
    assert.equal(ack.duplicate, false);
    assert.equal(ack.delivery, 'cluster');
    assert.equal(ack.id, s.gateway.top('job:1'));
    const again = await outcome(s.client.publish('job:1', 'note', { n: 1 }, { idempotencyKey: 'k-1' }));
    assert.deepEqual(again.ok, { ...ack, duplicate: true });
    assert.equal(s.gateway.history.get('job:1')!.length, 1, 'published once');
    s.client.close();
  });

  it('gives every publish a fresh idempotency key unless one is given', async () => {
    const s = setup();
    const a = s.client.publish('job:1', 'note', { n: 1 });
    const b = s.client.publish('job:1', 'note', { n: 1 });
    await s.clock.advance(10);
    const [ka, kb] = [(await a).idempotencyKey, (await b).idempotencyKey];
    assert.ok(ka && kb && ka !== kb);
    assert.deepEqual(s.sent('publish').map((m) => m.idempotencyKey), [ka, kb]);
    assert.equal(s.gateway.history.get('job:1')!.length, 2);
    s.client.close();
  });

  it('queues while reconnecting and sends once the link is back', async () => {
    const s = setup();
    s.client.subscribe('job:1', {});
    await s.clock.advance(10);
    s.gateway.answering = false;
    s.gateway.dropAll();
    await settle();
    assert.equal(s.client.state, 'reconnecting');
    const p = s.client.publish('job:1', 'note', { n: 1 });
    await s.clock.advance(500);
    assert.equal(s.gateway.history.get('job:1'), undefined, 'nothing sent without a link');
    s.gateway.answering = true;
    s.client.reconnect();
    await s.clock.advance(10);
    const ack = await p;
    assert.equal(ack.id, s.gateway.top('job:1'));
    s.client.close();
  });

  it('sends again with the same key when the link died before the ack: published once', async () => {
    const s = setup();
    s.client.subscribe('job:1', {});
    await s.clock.advance(10);
    s.gateway.dropBeforeAck = 1;
    const p = s.client.publish('job:1', 'note', { n: 1 });
    await s.clock.advance(1000);
    const ack = await p;
    assert.equal(ack.duplicate, true, 'the resend is recognised');
    assert.equal(s.gateway.history.get('job:1')!.length, 1);
    const keys = s.sent('publish').map((m) => m.idempotencyKey);
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1]);
    s.client.close();
  });

  it('bounds the queue and the wait', async () => {
    const s = setup({ maxQueuedPublishes: 2 });
    s.gateway.answering = false;
    const a = outcome(s.client.publish('job:1', 'note', {}));
    const b = outcome(s.client.publish('job:1', 'note', {}));
    const c = await outcome(s.client.publish('job:1', 'note', {}));
    assert.equal(c.error?.code, 'queue_full');
    await s.clock.advance(3000);
    assert.equal((await a).error?.code, 'timeout');
    assert.equal((await b).error?.code, 'timeout');
    assert.ok((await a).error instanceof PublishError);
    s.client.close();
  });

  it('refuses with the gateway\'s code, and refuses bad input before sending', async () => {
    const s = setup();
    s.gateway.forbidden.add('job:secret');
    const refused = outcome(s.client.publish('job:secret', 'note', {}));
    await s.clock.advance(10);
    assert.equal((await refused).error?.code, 'forbidden');
    assert.equal((await outcome(s.client.publish('Bad Name', 'note', {}))).error?.code, 'bad_channel');
    assert.equal((await outcome(s.client.publish('job:1', 'no spaces', {}))).error?.code, 'bad_type');
    assert.equal((await outcome(s.client.publish('job:1', 'note', [] as any))).error?.code, 'bad_data');
    assert.equal((await outcome(s.client.publish('job:1', 'note', {}, { idempotencyKey: 'a b' }))).error?.code, 'bad_request');
    const pending = outcome(s.client.publish('job:1', 'note', {}));
    s.client.close();
    assert.equal((await pending).error?.code, 'closed');
  });

  it('a client with nothing subscribed connects to publish, then lets the link go', async () => {
    const s = setup();
    const p = s.client.publish('job:1', 'note', {});
    await s.clock.advance(10);
    await p;
    await settle();
    assert.equal(s.client.state, 'idle');
    assert.equal(s.gateway.openConnections(), 0);
    s.client.close();
  });
});
