import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedRealtime } from '../src/shared.js';
import type { Realtime } from '../src/types.js';
import { WebSocketClient } from '../src/ws.js';
import { FakeClock, FakeGateway, settle } from './fakes.js';

/** Web Locks as the browser runs them: one holder per name, the next waiter granted on release. */
class FakeLocks {
  private held = new Set<string>();
  private readonly waiting = new Map<string, Array<() => Promise<void>>>();

  /** How many tabs wait for the lock: a follower is one that waits. */
  waiters(name: string): number {
    return this.waiting.get(name)?.length ?? 0;
  }

  request(name: string, callback: () => Promise<void>): Promise<unknown> {
    if (!this.held.has(name)) return this.grant(name, callback);
    if (!this.waiting.has(name)) this.waiting.set(name, []);
    this.waiting.get(name)!.push(callback);
    return new Promise(() => {});
  }

  private grant(name: string, callback: () => Promise<void>): Promise<unknown> {
    this.held.add(name);
    return callback().then(() => {
      this.held.delete(name);
      const next = this.waiting.get(name)?.shift();
      if (next) void this.grant(name, next);
    });
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the condition, failing after a bound generous for a loaded machine (a deadline, not a count of pauses). */
async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await wait(10);
  }
}

/** Tabs of one browser (one Web Locks, one BroadcastChannel name): `make` opens one, all on one fake gateway. */
function browserTabs() {
  const clock = new FakeClock();
  const gateway = new FakeGateway();
  const locks = new FakeLocks();
  const key = 'test-' + Math.random();
  const make = (): Realtime => SharedRealtime.create({
    key, locks, BroadcastChannel: globalThis.BroadcastChannel as any, helloWindowMs: 20,
    create: () => new WebSocketClient({ env: gateway.env(clock), minReconnectDelay: 10, maxReconnectDelay: 10 }),
  });
  return { gateway, locks, key, make };
}

describe('tabs sharing one connection', () => {
  it('two tabs get every event over one connection, and the second leads when the first goes', async () => {
    const { gateway, locks, key, make } = browserTabs();
    const a = make();
    const b = make();
    const gotA: string[] = [];
    const gotB: string[] = [];
    a.subscribe('job:1', { event: (e) => gotA.push(e.id) });
    b.subscribe('job:1', { event: (e) => gotB.push(e.id) });
    await until('tab A connected', () => a.state === 'open');
    await until('tab B hears the state', () => b.state === 'open');
    // B follows: it waits for the lock (only the lock's holder ever connects), so one connection it stays.
    await until('tab B waits for the lock', () => locks.waiters('realtime-gateway:' + key) === 1);
    await settle();
    assert.equal(gateway.openConnections(), 1, 'one connection for both tabs');
    const first = [gateway.publish('job:1'), gateway.publish('job:1')];
    await until('both tabs got them', () => gotA.length === 2 && gotB.length === 2);
    assert.deepEqual(gotB, first);

    a.close();
    const during = gateway.publish('job:1');
    await until('tab B leads', () => (b as SharedRealtime).isLeader);
    await until('tab B connected', () => gateway.ws.filter((w) => !w.closed).length === 1 && b.state === 'open');
    const after = gateway.publish('job:1');
    await until('tab B got the rest', () => gotB.length === 4);
    assert.deepEqual(gotB, [...first, during, after], 'resumed from its own last id: nothing lost, nothing twice');
    assert.equal(gateway.openConnections(), 1);
    b.close();
    assert.equal(gateway.openConnections(), 0);
  });

  it('a tab that asks for a channel another tab holds already sees it subscribed', async (t) => {
    const { gateway, make } = browserTabs();
    const a = make();
    t.after(() => a.close()); // a failed wait must not leave its BroadcastChannel holding the process open
    const held = a.subscribe('job:1', {});
    await until('tab A subscribed', () => held.status.state === 'subscribed');
    const b = make();
    t.after(() => b.close());
    const states: string[] = [];
    const asked = b.subscribe('job:1', { state: (s) => states.push(s.state) });
    await until('tab B sees the subscription confirmed', () => asked.status.state === 'subscribed');
    assert.deepEqual(states, ['subscribed']);
    const got: string[] = [];
    b.subscribe('job:1', { event: (e) => got.push(e.id) });
    const id = gateway.publish('job:1');
    await until('tab B got the event', () => got.length === 1);
    assert.deepEqual(got, [id]);
    assert.equal(gateway.openConnections(), 1, 'still one connection');
  });

  it('falls back to a connection of its own where the browser has no Web Locks', () => {
    const made: string[] = [];
    const client = SharedRealtime.create({
      key: 'x', locks: undefined, BroadcastChannel: undefined,
      create: () => {
        made.push('own');
        return { close() {} } as unknown as Realtime;
      },
    });
    assert.ok(!(client instanceof SharedRealtime) || typeof (globalThis as any).navigator?.locks !== 'undefined');
    if (!(globalThis as any).navigator?.locks) assert.deepEqual(made, ['own']);
  });
});
