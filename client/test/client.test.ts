import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaseClient } from '../src/client.js';
import { SseClient } from '../src/sse.js';
import type { Envelope, ResetInfo } from '../src/types.js';
import { WebSocketClient } from '../src/ws.js';
import { FakeClock, FakeGateway, settle } from './fakes.js';

/** One scenario suite, run over both transports against a gateway that speaks the real protocol. */
const transports = [
  { name: 'sse', make: (o: ConstructorParameters<typeof SseClient>[0]) => new SseClient(o) },
  { name: 'websocket', make: (o: ConstructorParameters<typeof WebSocketClient>[0]) => new WebSocketClient(o) },
] as const;

function setup(make: (o: any) => BaseClient, options: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const gateway = new FakeGateway();
  const client = make({ env: gateway.env(clock), minReconnectDelay: 100, maxReconnectDelay: 1000, heartbeatTimeout: 5000, pingInterval: 2000, ...options });
  const got: Envelope[] = [];
  const resets: ResetInfo[] = [];
  const watch = (channel: string, since?: string) =>
    client.subscribe(channel, { event: (e) => got.push(e), reset: (r) => resets.push(r) }, since ? { since } : {});
  const ids = (channel: string) => got.filter((e) => e.channel === channel).map((e) => e.id);
  return { clock, gateway, client, got, resets, watch, ids };
}

for (const t of transports) {
  describe(`${t.name} client`, () => {
    it('delivers each event of its channels once, in order', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      s.watch('job:2');
      await s.clock.advance(10);
      assert.equal(s.client.state, 'open');
      const a = [s.gateway.publish('job:1'), s.gateway.publish('job:1')];
      const b = [s.gateway.publish('job:2')];
      s.gateway.publish('job:3');
      await settle();
      assert.deepEqual(s.ids('job:1'), a);
      assert.deepEqual(s.ids('job:2'), b);
      assert.equal(s.ids('job:3').length, 0);
      s.client.close();
    });

    it('reconnects with back-off after a drop and resumes every channel from its last event', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      s.watch('job:2');
      await s.clock.advance(10);
      const before = [s.gateway.publish('job:1'), s.gateway.publish('job:2')];
      await settle();
      s.gateway.dropAll();
      await settle();
      assert.equal(s.client.state, 'reconnecting');
      const missed = [s.gateway.publish('job:1'), s.gateway.publish('job:2'), s.gateway.publish('job:1')];
      await s.clock.advance(1000);
      assert.equal(s.client.state, 'open');
      const after = [s.gateway.publish('job:2')];
      await settle();
      // Per channel: a replay after a reconnect goes channel by channel.
      const all = [...before, ...missed, ...after];
      for (const c of ['job:1', 'job:2']) {
        assert.deepEqual(s.ids(c), all.filter((id) => s.gateway.history.get(c)!.some((e) => e.id === id)),
          `${c}: none lost, none twice, in order`);
      }
      assert.equal(s.got.length, all.length);
      s.client.close();
    });

    it('resumes from the position given before any event', async () => {
      const s = setup(t.make);
      s.gateway.publish('job:1');
      s.watch('job:1');
      await s.clock.advance(10);
      assert.equal(s.got.length, 0, 'history before the subscription is not replayed');
      s.gateway.dropAll();
      const missed = s.gateway.publish('job:1');
      await s.clock.advance(1000);
      assert.deepEqual(s.ids('job:1'), [missed]);
      s.client.close();
    });

    it('resumes after a given id on first subscribe, and reports a reset when history is gone', async () => {
      const s = setup(t.make);
      const first = s.gateway.publish('job:1');
      const second = s.gateway.publish('job:1');
      s.watch('job:1', first);
      await s.clock.advance(10);
      assert.deepEqual(s.ids('job:1'), [second]);
      assert.equal(s.resets.length, 0);
      s.gateway.dropAll();
      for (let i = 0; i < 5; i++) s.gateway.publish('job:1');
      s.gateway.trim('job:1', 2);
      await s.clock.advance(1000);
      assert.deepEqual(s.resets.map((r) => r.channel), ['job:1']);
      assert.equal(s.ids('job:1').length, 3, 'what history still held followed the reset');
      s.client.close();
    });

    it('reports a reset when the gateway finds live events lost, and goes on with the live stream', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      s.watch('job:2');
      await s.clock.advance(10);
      const before = s.gateway.publish('job:1');
      await settle();
      s.gateway.lose('job:1');
      const after = s.gateway.publish('job:1');
      await settle();
      assert.deepEqual(s.resets, [{ channel: 'job:1', reason: 'history_gap' }]);
      assert.deepEqual(s.ids('job:1'), [before, after]);
      s.client.close();
    });

    it('declares a silent connection dead and opens a new one', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      await s.clock.advance(10);
      const first = s.gateway.openConnections();
      assert.equal(first, 1);
      // The server stops answering: no heartbeat, no pong, nothing.
      s.gateway.answering = false;
      if (t.name === 'websocket') s.gateway.ws[0].send = () => {};
      await s.clock.advance(5000 + 10);
      assert.notEqual(s.client.state, 'open');
      s.gateway.answering = true;
      await s.clock.advance(1000);
      assert.equal(s.client.state, 'open');
      assert.ok(t.name === 'sse' ? s.gateway.sse.length >= 2 : s.gateway.ws.length >= 2);
      s.client.close();
    });

    it('a heartbeat or pong keeps a quiet connection alive', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      await s.clock.advance(10);
      for (let i = 0; i < 5; i++) {
        if (t.name === 'sse') s.gateway.sse[0].heartbeat();
        await s.clock.advance(2000);
      }
      assert.equal(s.client.state, 'open');
      assert.equal(t.name === 'sse' ? s.gateway.sse.length : s.gateway.ws.length, 1);
      s.client.close();
    });

    it('close() stops everything: no reconnect, no timer, no event', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      await s.clock.advance(10);
      s.client.close();
      assert.equal(s.client.state, 'closed');
      s.gateway.publish('job:1');
      s.gateway.dropAll();
      await s.clock.advance(60_000);
      assert.equal(s.got.length, 0);
      assert.equal(s.clock.pending(), 0);
      assert.equal(s.gateway.openConnections(), 0);
      assert.throws(() => s.watch('job:2'));
    });

    it('waits while offline and reconnects as soon as the network is back', async () => {
      let online = true;
      let notify: (o: boolean) => void = () => {};
      const clock = new FakeClock();
      const gateway = new FakeGateway();
      const client = t.make({
        env: gateway.env(clock, { online: () => online, onNetworkChange: (l) => { notify = l; return () => {}; } }),
        minReconnectDelay: 100, maxReconnectDelay: 1000,
      });
      const got: string[] = [];
      client.subscribe('job:1', { event: (e) => got.push(e.id) });
      await clock.advance(10);
      online = false;
      notify(false);
      assert.equal(client.state, 'offline');
      const missed = gateway.publish('job:1');
      await clock.advance(60_000);
      assert.equal(client.state, 'offline');
      online = true;
      notify(true);
      await clock.advance(10);
      assert.equal(client.state, 'open');
      assert.deepEqual(got, [missed]);
      client.close();
    });

    it('refuses an invalid channel name before any request', () => {
      const s = setup(t.make);
      assert.throws(() => s.watch('no spaces'), /Invalid channel/);
      assert.throws(() => s.watch('job:1', 'not-an-id'), /Invalid event id/);
      s.client.close();
    });

    it('adds and drops channels on a live connection without losing the others', async () => {
      const s = setup(t.make);
      s.watch('job:1');
      await s.clock.advance(10);
      const one = s.gateway.publish('job:1');
      await settle();
      const sub = s.watch('job:2');
      await s.clock.advance(10);
      const two = [s.gateway.publish('job:1'), s.gateway.publish('job:2')];
      await s.clock.advance(1000);
      sub.unsubscribe();
      await s.clock.advance(1000);
      s.gateway.publish('job:2');
      const three = s.gateway.publish('job:1');
      await settle();
      assert.deepEqual(s.ids('job:1'), [one, two[0], three]);
      assert.deepEqual(s.ids('job:2'), [two[1]]);
      s.client.close();
    });
  });
}

describe('sse client and tokens', () => {
  it('asks the page for a fresh token when the stream ends for its token, and resumes', async () => {
    const asked: boolean[] = [];
    const s = setup(transports[0].make, { getToken: (refresh: boolean) => { asked.push(refresh); return 'token-' + asked.length; } });
    s.watch('job:1');
    await s.clock.advance(10);
    assert.equal(s.gateway.sse[0].authorization, 'Bearer token-1');
    const first = s.gateway.publish('job:1');
    await settle();
    s.gateway.sse[0].unauthorized('token expired');
    await s.clock.advance(1500);
    const second = s.gateway.publish('job:1');
    await settle();
    assert.deepEqual(asked, [false, true]);
    const again = s.gateway.sse[s.gateway.sse.length - 1];
    assert.equal(again.authorization, 'Bearer token-2');
    assert.equal(again.lastEventId, first);
    assert.deepEqual(s.ids('job:1'), [first, second]);
    s.client.close();
  });
});
