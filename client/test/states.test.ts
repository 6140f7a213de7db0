import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseClient } from '../src/sse.js';
import type { ConnectionInfo, Envelope, SubscriptionStatus } from '../src/types.js';
import { ChannelView, describeConnection, retryInSeconds } from '../src/view.js';
import { WebSocketClient } from '../src/ws.js';
import { FakeClock, FakeGateway, settle } from './fakes.js';

function setup(options: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const gateway = new FakeGateway();
  const client = new WebSocketClient({ env: gateway.env(clock), minReconnectDelay: 100, maxReconnectDelay: 1000,
    heartbeatTimeout: 5000, pingInterval: 2000, ...options });
  const infos: ConnectionInfo[] = [];
  client.on('connection', (i) => infos.push(i));
  return { clock, gateway, client, infos };
}

const count = (n: number, e: Envelope) => n + 1 + (e.data.n as number ?? 0) * 0;

describe('subscription states', () => {
  it('subscribing, then subscribed; refused with the gateway\'s code; resetting on a history gap', async () => {
    const s = setup();
    s.gateway.forbidden.add('job:secret');
    const seen: SubscriptionStatus[] = [];
    const ok = s.client.subscribe('job:1', { state: (st) => seen.push(st) });
    const no = s.client.subscribe('job:secret', {});
    assert.equal(ok.status.state, 'subscribing');
    await s.clock.advance(10);
    assert.equal(ok.status.state, 'subscribed');
    assert.equal(no.status.state, 'refused');
    assert.equal(no.status.error?.code, 'forbidden');

    const first = s.gateway.publish('job:1');
    await settle();
    s.gateway.dropAll();
    await settle();
    assert.equal(ok.status.state, 'subscribing', 'back to subscribing while the link is down');
    s.gateway.publish('job:1');
    s.gateway.publish('job:1');
    s.gateway.trim('job:1', 1);
    await s.clock.advance(1000);
    assert.deepEqual(seen.map((x) => x.state), ['subscribed', 'subscribing', 'resetting', 'subscribed']);
    assert.equal(no.status.state, 'refused', 'asked again on the new link, refused again');
    assert.equal(s.gateway.ws.at(-1)!.sent.filter((m) => m.op === 'subscribe' && m.channel === 'job:secret').length, 1);
    assert.ok(first);
    s.client.close();
  });
});

describe('connection states', () => {
  it('says why it is down and when it retries; reconnect() skips the wait', async () => {
    const s = setup({ minReconnectDelay: 4000, maxReconnectDelay: 8000 });
    s.client.subscribe('job:1', {});
    await s.clock.advance(10);
    assert.equal(s.client.connection.state, 'open');
    s.gateway.answering = false;
    s.gateway.dropAll();
    await settle();
    const info = s.client.connection;
    assert.equal(info.state, 'reconnecting');
    assert.equal(info.reason?.code, 'unreachable');
    assert.equal(retryInSeconds(info, s.clock.now), 2, 'full jitter with random 0.5: half of 4 s');
    assert.match(describeConnection(info, s.clock.now), /unreachable.*Retrying in 2 s/);
    s.gateway.answering = true;
    s.client.reconnect();
    await s.clock.advance(10);
    assert.equal(s.client.connection.state, 'open');
    assert.equal(s.client.connection.reason, undefined, 'the reason goes with recovery');
    s.client.close();
  });

  it('stops after maxReconnectAttempts and starts again on reconnect()', async () => {
    const s = setup({ maxReconnectAttempts: 2 });
    s.gateway.answering = false;
    s.client.subscribe('job:1', {});
    await s.clock.advance(10);
    // Nothing answers: the watchdog gives up on each attempt.
    await s.clock.advance(60_000);
    assert.equal(s.client.state, 'stopped');
    assert.equal(s.client.connection.reason?.code, 'heartbeat_timeout');
    const sockets = s.gateway.ws.length;
    await s.clock.advance(60_000);
    assert.equal(s.gateway.ws.length, sockets, 'no attempt while stopped');
    s.gateway.answering = true;
    s.client.reconnect();
    await s.clock.advance(10);
    assert.equal(s.client.state, 'open');
    s.client.close();
  });
});

describe('tokens', () => {
  it('a refused token is refreshed once; refused again, the client stops', async () => {
    const asked: boolean[] = [];
    const s = setup({ getToken: (refresh: boolean) => { asked.push(refresh); return 'bad'; } });
    s.gateway.tokens = new Set(['good']);
    s.client.subscribe('job:1', {});
    await s.clock.advance(5000);
    assert.deepEqual(asked, [false, true]);
    assert.equal(s.client.state, 'stopped');
    assert.equal(s.client.connection.reason?.code, 'unauthorized');
    s.client.close();
  });

  it('sends nothing before auth is answered, and sends a fresh token in place before it expires', async () => {
    let token = 't1';
    const s = setup({ getToken: () => token, tokenRefreshMargin: 5000, heartbeatTimeout: 120_000 });
    s.gateway.tokens = new Set(['t1', 't2']);
    s.gateway.tokenTtlMs = 20_000;
    s.client.subscribe('job:1', {});
    await s.clock.advance(10);
    const socket = s.gateway.ws[0];
    assert.deepEqual(socket.sent.slice(0, 2).map((m) => m.op), ['auth', 'subscribe']);
    token = 't2';
    await s.clock.advance(15_000);
    assert.equal(s.gateway.ws.length, 1, 'same socket');
    assert.deepEqual(socket.sent.filter((m) => m.op === 'auth').map((m) => m.token), ['t1', 't2']);
    // And on demand: the page's token changed.
    token = 't1';
    s.client.refreshToken();
    await s.clock.advance(10);
    assert.deepEqual(socket.sent.filter((m) => m.op === 'auth').map((m) => m.token), ['t1', 't2', 't1']);
    assert.equal(s.client.state, 'open');
    s.client.close();
  });
});

describe('channel views', () => {
  it('clears the error when the connection recovers', async () => {
    const s = setup();
    const view = new ChannelView(s.client, ['job:1'], () => ({ reduce: count, initial: 0 }));
    await s.clock.advance(10);
    assert.equal(view.getSnapshot().error, undefined);
    s.gateway.answering = false;
    s.gateway.dropAll();
    await settle();
    assert.equal(view.getSnapshot().error?.code, 'unreachable');
    s.gateway.answering = true;
    await s.clock.advance(1000);
    assert.equal(view.getSnapshot().connection.state, 'open');
    assert.equal(view.getSnapshot().error, undefined);
    view.close();
    s.client.close();
  });

  it('shows a refused channel as refused, with its code, beside a live one', async () => {
    const s = setup();
    s.gateway.forbidden.add('job:secret');
    const view = new ChannelView(s.client, ['job:1', 'job:secret'], () => ({ reduce: count, initial: 0 }));
    await s.clock.advance(10);
    const snap = view.getSnapshot();
    assert.equal(snap.subscriptions['job:1'].state, 'subscribed');
    assert.equal(snap.subscriptions['job:secret'].state, 'refused');
    assert.equal(snap.error?.code, 'forbidden');
    view.close();
    s.client.close();
  });

  it('on a reset keeps the last view marked stale, calls reload, and goes on from what it returns', async () => {
    const s = setup();
    let release!: (v: number) => void;
    const reloads: string[] = [];
    const view = new ChannelView(s.client, ['job:1'], () => ({
      reduce: count, initial: 0,
      reload: (info) => { reloads.push(info.channel); return new Promise<number>((r) => { release = r; }); },
    }));
    await s.clock.advance(10);
    s.gateway.publish('job:1');
    s.gateway.publish('job:1');
    await settle();
    assert.equal(view.getSnapshot().value, 2);
    s.gateway.dropAll();
    for (let i = 0; i < 3; i++) s.gateway.publish('job:1');
    s.gateway.trim('job:1', 1);
    await s.clock.advance(1000);
    const during = view.getSnapshot();
    assert.equal(during.stale, true);
    assert.deepEqual(reloads, ['job:1']);
    assert.equal(during.value, 3, 'the last view, with what history still had folded on');
    s.gateway.publish('job:1');
    await settle();
    release(100);
    await settle();
    const after = view.getSnapshot();
    assert.equal(after.stale, false);
    assert.equal(after.value, 102, 'the reloaded state, with what came during the reload');
    assert.equal(after.resets, 1);
    view.close();
    s.client.close();
  });

  it('behaves the same over SSE', async () => {
    const clock = new FakeClock();
    const gateway = new FakeGateway();
    const client = new SseClient({ env: gateway.env(clock), minReconnectDelay: 100, maxReconnectDelay: 1000, heartbeatTimeout: 5000 });
    const view = new ChannelView(client, ['job:1'], () => ({ reduce: count, initial: 0, reload: () => 50 }));
    await clock.advance(10);
    assert.equal(view.getSnapshot().subscriptions['job:1'].state, 'subscribed');
    gateway.publish('job:1');
    await settle();
    gateway.dropAll();
    gateway.publish('job:1');
    gateway.publish('job:1');
    gateway.trim('job:1', 1);
    await clock.advance(1000);
    await settle();
    const snap = view.getSnapshot();
    assert.equal(snap.resets, 1);
    assert.equal(snap.stale, false);
    assert.equal(snap.value, 51, 'the reload, and the event history still had after the gap');
    view.close();
    client.close();
  });
});
