import type { Environment, WebSocketLike } from '../src/environment.js';
import type { Envelope } from '../src/types.js';

/** Timers that run only when the test advances the clock. */
export class FakeClock {
  now = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.timers.delete(id as number);
  };

  pending(): number {
    return this.timers.size;
  }

  /** Runs every timer due within `ms`, in time order, letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    while (true) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

interface Entry { id: string; envelope: Envelope }

/**
 * A gateway in memory that speaks the wire protocol of DESIGN §5-6 the way the real one does:
 * history per channel, resume after an id (or a stream cursor), `reset` / `recovered:false` when
 * history no longer reaches back, `position` before any event.
 */
export class FakeGateway {
  private n = 0;
  readonly history = new Map<string, Entry[]>();
  /** Channels whose oldest events were trimmed away. */
  private readonly trimmed = new Set<string>();
  readonly sse: FakeSseConnection[] = [];
  readonly ws: FakeWebSocket[] = [];
  /** While false, new connections hang (no answer): a dead network. */
  answering = true;
  /** Channels a subscribe or publish is refused on (`forbidden`). */
  readonly forbidden = new Set<string>();
  /** Idempotency keys published, per channel: the first publish's id. */
  readonly keys = new Map<string, string>();
  /** Publishes the gateway takes in but whose ack is lost with the connection (it drops right after). */
  dropBeforeAck = 0;
  /** When set, an `auth` op must carry one of these tokens (else close 1008); they last `tokenTtlMs`. */
  tokens: Set<string> | null = null;
  tokenTtlMs = 60_000;
  now: () => number = () => 0;

  publish(channel: string, data: Record<string, unknown> = {}, type = 'tick'): string {
    const id = `${1000 + ++this.n}-0`;
    const envelope: Envelope = { id, channel, type, ts: new Date(0).toISOString(), data };
    if (!this.history.has(channel)) this.history.set(channel, []);
    this.history.get(channel)!.push({ id, envelope });
    for (const c of this.sse) c.live(envelope);
    for (const w of this.ws) w.live(envelope);
    return id;
  }

  /**
   * Events of the channel were lost on their way to live subscribers (Redis lost the stream): the
   * gateway tells each as DESIGN §5-6 say, `event: reset` / a `subscribed` with `recovered:false`
   * and no ref.
   */
  lose(channel: string): void {
    for (const c of this.sse) c.gap(channel);
    for (const w of this.ws) w.gap(channel);
  }

  trim(channel: string, keep: number): void {
    const list = this.history.get(channel) ?? [];
    this.history.set(channel, list.slice(Math.max(0, list.length - keep)));
    this.trimmed.add(channel);
  }

  top(channel: string): string {
    const list = this.history.get(channel) ?? [];
    return list.length ? list[list.length - 1].id : '0-0';
  }

  /** Events after `since`, and whether history reached back to it. */
  after(channel: string, since: string): { events: Envelope[]; complete: boolean } {
    const list = this.history.get(channel) ?? [];
    const events = list.filter((e) => cmp(e.id, since) > 0).map((e) => e.envelope);
    const complete = !this.trimmed.has(channel) || (list.length > 0 && cmp(list[0].id, since) <= 0) || cmp(since, this.top(channel)) >= 0;
    return { events, complete };
  }

  /** Drops every open connection, as a restart would. */
  dropAll(): void {
    for (const c of [...this.sse]) c.drop();
    for (const w of [...this.ws]) w.drop();
  }

  openConnections(): number {
    return this.sse.filter((c) => !c.closed).length + this.ws.filter((w) => !w.closed).length;
  }

  env(clock: FakeClock, extra: Partial<Environment> = {}): Partial<Environment> {
    const gateway = this;
    this.now = () => clock.now;
    return {
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      random: () => 0.5,
      now: () => clock.now,
      origin: () => 'http://gateway.test',
      online: () => true,
      visible: () => true,
      onNetworkChange: () => () => {},
      onVisibilityChange: () => () => {},
      fetch: ((url: string, init: RequestInit) => gateway.fetch(url, init)) as unknown as typeof fetch,
      WebSocket: class extends FakeWebSocket {
        constructor(url: string) {
          super(gateway, url);
        }
      },
      ...extra,
    };
  }

  private fetch(url: string, init: RequestInit): Promise<Response> {
    const u = new URL(url);
    const channels = u.searchParams.getAll('channel');
    const headers = (init.headers ?? {}) as Record<string, string>;
    const connection = new FakeSseConnection(this, channels, headers['Last-Event-ID'], init.signal ?? undefined,
      headers.Authorization);
    this.sse.push(connection);
    return connection.response;
  }
}

export function cmp(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export class FakeSseConnection {
  closed = false;
  readonly positions: string[];
  readonly response: Promise<Response>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();

  constructor(gateway: FakeGateway, readonly channels: string[], readonly lastEventId: string | undefined,
              signal: AbortSignal | undefined, readonly authorization?: string) {
    const body = new ReadableStream<Uint8Array>({ start: (c) => { this.controller = c; } });
    signal?.addEventListener('abort', () => this.drop());
    let since: string[] | undefined;
    if (lastEventId) {
      since = lastEventId.startsWith('c.') ? lastEventId.slice(2).split('.') : channels.map(() => lastEventId);
    }
    this.positions = channels.map((c, i) => since ? since[i] : gateway.top(c));
    this.response = new Promise((resolve) => {
      const answer = () => {
        resolve({ ok: true, status: 200, body, json: async () => ({}) } as unknown as Response);
        this.write('retry: 3000\n\n');
        channels.forEach((c, i) => {
          if (!since) return;
          const { events, complete } = gateway.after(c, since[i]);
          if (!complete) this.write(`event: reset\ndata: ${JSON.stringify({ channel: c, reason: 'history_gap' })}\n\n`);
          events.forEach((e) => this.event(e));
        });
        this.write(`event: position\nid: ${this.cursor()}\ndata: ${JSON.stringify({ position: this.cursor() })}\n\n`);
      };
      if (gateway.answering) queueMicrotask(answer);
    });
  }

  live(e: Envelope): void {
    if (!this.closed && this.channels.includes(e.channel)) this.event(e);
  }

  heartbeat(): void {
    this.write(': ping\n\n');
  }

  gap(channel: string): void {
    if (!this.closed && this.channels.includes(channel)) {
      this.write(`event: reset\ndata: ${JSON.stringify({ channel, reason: 'history_gap' })}\n\n`);
    }
  }

  /** The gateway's end of a stream whose token expired or was revoked (DESIGN §5). */
  unauthorized(reason: string): void {
    this.write(`event: unauthorized\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.drop();
  }

  drop(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller.close();
    } catch {
      // already closed
    }
  }

  private event(e: Envelope): void {
    const i = this.channels.indexOf(e.channel);
    if (cmp(e.id, this.positions[i]) <= 0) return;
    this.positions[i] = e.id;
    // Split in two chunks mid-line, as a network may.
    const frame = `id: ${this.cursor()}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
    this.write(frame.slice(0, 7));
    this.write(frame.slice(7));
  }

  private cursor(): string {
    return this.channels.length === 1 ? this.positions[0] : 'c.' + this.positions.join('.');
  }

  private write(text: string): void {
    if (!this.closed) this.controller.enqueue(this.encoder.encode(text));
  }
}

export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: Array<Record<string, any>> = [];
  private readonly held = new Map<string, string>();

  constructor(private readonly gateway: FakeGateway, readonly url: string) {
    gateway.ws.push(this);
    if (gateway.answering) {
      queueMicrotask(() => {
        if (this.closed) return;
        this.readyState = 1;
        this.onopen?.({});
      });
    }
  }

  send(data: string): void {
    const m = JSON.parse(data);
    this.sent.push(m);
    if (m.op === 'auth') {
      if (this.gateway.tokens && !this.gateway.tokens.has(m.token)) {
        this.close();
        queueMicrotask(() => this.onclose?.({ code: 1008, reason: 'invalid token' }));
        return;
      }
      const expiresAt = new Date(this.gateway.now() + this.gateway.tokenTtlMs).toISOString();
      this.push(JSON.stringify({ op: 'authenticated', subject: 'ann', expiresAt, ref: m.ref }));
    } else if (m.op === 'publish') {
      if (this.gateway.forbidden.has(m.channel)) {
        this.push(JSON.stringify({ op: 'error', code: 'forbidden', message: 'not yours', ref: m.ref }));
        return;
      }
      const k = m.channel + ' ' + m.idempotencyKey;
      const first = m.idempotencyKey ? this.gateway.keys.get(k) : undefined;
      const id = first ?? this.gateway.publish(m.channel, m.data, m.type);
      if (!first && m.idempotencyKey) this.gateway.keys.set(k, id);
      if (this.gateway.dropBeforeAck > 0) {
        this.gateway.dropBeforeAck--;
        this.drop();
        return;
      }
      this.push(JSON.stringify({ op: 'ack', id, delivery: 'cluster', ...(first ? { duplicate: true } : {}), ref: m.ref }));
    } else if (m.op === 'subscribe' && this.gateway.forbidden.has(m.channel)) {
      this.push(JSON.stringify({ op: 'error', code: 'forbidden', message: 'not yours', ref: m.ref }));
    } else if (m.op === 'subscribe') {
      const out: unknown[] = [];
      let recovered = false;
      let events: Envelope[] = [];
      if (m.since) {
        const h = this.gateway.after(m.channel, m.since);
        recovered = h.complete;
        events = h.events;
      }
      const position = this.gateway.top(m.channel);
      out.push({ op: 'subscribed', channel: m.channel, recovered, position, ref: m.ref });
      let last = m.since && recovered ? m.since : position;
      for (const e of events) {
        out.push({ op: 'event', ...e });
        if (cmp(e.id, last) > 0) last = e.id;
      }
      this.held.set(m.channel, cmp(last, position) > 0 ? last : position);
      if (events.length) this.held.set(m.channel, events[events.length - 1].id);
      // Several messages in one frame, one per line, as the gateway sends what waits.
      this.push(out.map((o) => JSON.stringify(o)).join('\n'));
    } else if (m.op === 'unsubscribe') {
      this.held.delete(m.channel);
      this.push(JSON.stringify({ op: 'unsubscribed', channel: m.channel, ref: m.ref }));
    } else if (m.op === 'ping') {
      this.push(JSON.stringify({ op: 'pong' }));
    }
  }

  live(e: Envelope): void {
    const last = this.held.get(e.channel);
    if (this.closed || last === undefined || cmp(e.id, last) <= 0) return;
    this.held.set(e.channel, e.id);
    this.push(JSON.stringify({ op: 'event', ...e }));
  }

  gap(channel: string): void {
    if (this.closed || !this.held.has(channel)) return;
    this.push(JSON.stringify({ op: 'subscribed', channel, recovered: false, reason: 'history_gap' }));
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  drop(): void {
    if (this.closed) return;
    this.close();
    queueMicrotask(() => this.onclose?.({ code: 1006, reason: '' }));
  }

  private push(data: string): void {
    queueMicrotask(() => {
      if (!this.closed) this.onmessage?.({ data });
    });
  }
}
