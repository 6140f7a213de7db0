import { Emitter } from './emitter.js';
import { compareIds, isChannelName, isNewEvent } from './ids.js';
import { PublishError } from './types.js';
import type {
  ChannelHandlers, ClientEvents, ConnectionInfo, ConnectionState, Envelope, PublishAck, PublishOptions, Realtime,
  PresenceSignal, ResetInfo, SubscribeOptions, Subscription, SubscriptionStatus,
} from './types.js';

/** What the tabs of one origin say to each other. */
type Message =
  | { t: 'hello'; tab: string; channels: Array<[string, string | undefined]> }
  | { t: 'sub'; tab: string; channel: string; since?: string }
  | { t: 'unsub'; tab: string; channel: string }
  | { t: 'bye'; tab: string }
  | { t: 'leader'; tab: string }
  | { t: 'event'; event: Envelope }
  | { t: 'reset'; info: ResetInfo }
  | { t: 'presence'; kind: 'join' | 'leave'; signal: PresenceSignal }
  | { t: 'conn'; info: ConnectionInfo }
  | { t: 'substate'; status: SubscriptionStatus }
  | { t: 'pub'; tab: string; req: number; channel: string; type: string; data: Record<string, unknown>; options: PublishOptions }
  | { t: 'puback'; tab: string; req: number; ack?: PublishAck; error?: { code: string; message: string; status?: number } }
  | { t: 'reconnect' }
  | { t: 'refresh' };

interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
}

interface BroadcastChannelLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

export interface SharedOptions {
  /** Tabs with the same key share one connection. */
  key: string;
  /** Makes the real connection, in whichever tab leads. */
  create: () => Realtime;
  /** How long a new leader waits for the other tabs to say what they hold before it connects. */
  helloWindowMs?: number;
  locks?: LockManagerLike;
  BroadcastChannel?: new (name: string) => BroadcastChannelLike;
}

interface Local {
  handlers: Set<ChannelHandlers<any>>;
  last?: string;
  status: SubscriptionStatus;
}

/**
 * One connection for all the tabs of an origin: browsers allow six HTTP/1.1 connections per origin,
 * and ten tabs each holding a stream would starve each other. The tab holding a Web Lock leads:
 * it runs the real client for the union of every tab's channels and passes each event on over a
 * BroadcastChannel; the other tabs ask it for channels and filter what it sends. When the leading
 * tab goes, the lock passes to another, which connects and resumes every channel from the oldest
 * position any tab holds; each tab drops what it already saw, by id.
 */
export class SharedRealtime implements Realtime {
  private readonly tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly local = new Map<string, Local>();
  private readonly channel: BroadcastChannelLike;
  private current: ConnectionState = 'connecting';
  private info: ConnectionInfo = { state: 'connecting', attempt: 0 };
  private nextReq = 1;
  /** Leader, before its connection exists: what waits for it. */
  private readonly awaitingInner: Array<(inner: Realtime) => void> = [];
  private readonly publishing = new Map<number, { resolve(a: PublishAck): void; reject(e: PublishError): void; timer: ReturnType<typeof setTimeout>; channel: string }>();
  private leading = false;
  private inner: Realtime | null = null;
  private readonly innerSubs = new Map<string, Subscription>();
  /** Leader only: which tabs hold which channels. */
  private readonly remote = new Map<string, Set<string>>();
  /** Leader only, before it connects: the earliest position any tab asked for, per channel. */
  private wanted: Map<string, string | undefined> | null = null;
  private releaseLock: (() => void) | null = null;
  private closed = false;
  private readonly onPageHide = () => this.post({ t: 'bye', tab: this.tab });

  constructor(private readonly options: SharedOptions) {
    this.channel = new options.BroadcastChannel!('realtime-gateway:' + options.key);
    this.channel.onmessage = (ev) => this.receive(ev.data as Message);
    this.post({ t: 'hello', tab: this.tab, channels: [] });
    void options.locks!.request('realtime-gateway:' + options.key, () => new Promise<void>((release) => {
      if (this.closed) {
        release();
        return;
      }
      this.releaseLock = release;
      this.lead();
    }));
    (globalThis as any).addEventListener?.('pagehide', this.onPageHide);
  }

  /** Shares when the browser can (Web Locks and BroadcastChannel); otherwise one connection per tab. */
  static create(options: SharedOptions): Realtime {
    const g = globalThis as any;
    const locks = options.locks ?? g.navigator?.locks;
    const Channel = options.BroadcastChannel ?? g.BroadcastChannel;
    if (!locks || !Channel) return options.create();
    return new SharedRealtime({ ...options, locks, BroadcastChannel: Channel });
  }

  get state(): ConnectionState {
    return this.current;
  }

  get connection(): ConnectionInfo {
    return this.info;
  }

  publish(channel: string, type: string, data: Record<string, unknown>, options: PublishOptions = {}): Promise<PublishAck> {
    if (this.closed) return Promise.reject(new PublishError('closed', 'This client is closed', channel));
    if (this.leading) return this.withInner((inner) => inner.publish(channel, type, data, options));
    // The leading tab publishes on its connection; this one waits for its answer, a while longer than it does.
    const req = this.nextReq++;
    return new Promise<PublishAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.publishing.delete(req);
        reject(new PublishError('timeout', 'No ack from the tab holding the connection', channel));
      }, (options.timeoutMs ?? 10_000) + 2000);
      this.publishing.set(req, { resolve, reject, timer, channel });
      this.post({ t: 'pub', tab: this.tab, req, channel, type, data, options });
    });
  }

  private withInner<R>(use: (inner: Realtime) => Promise<R>): Promise<R> {
    if (this.inner) return use(this.inner);
    return new Promise<Realtime>((r) => this.awaitingInner.push(r)).then(use);
  }

  reconnect(): void {
    if (this.leading) this.inner?.reconnect();
    else this.post({ t: 'reconnect' });
  }

  refreshToken(): void {
    if (this.leading) this.inner?.refreshToken();
    else this.post({ t: 'refresh' });
  }

  /** True in the tab that holds the real connection. */
  get isLeader(): boolean {
    return this.leading;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  positions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [c, l] of this.local) if (l.last) out[c] = l.last;
    return out;
  }

  subscribe<T = Record<string, unknown>>(channel: string, handlers: ChannelHandlers<T>, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('This client is closed');
    if (!isChannelName(channel)) throw new Error(`Invalid channel name: ${JSON.stringify(channel)}`);
    let entry = this.local.get(channel);
    if (!entry) {
      entry = { handlers: new Set(), last: options.since, status: { channel, state: 'subscribing' } };
      this.local.set(channel, entry);
      if (this.leading) this.want(channel, options.since);
      else this.post({ t: 'sub', tab: this.tab, channel, since: options.since });
    }
    entry.handlers.add(handlers);
    const held = entry;
    let done = false;
    return {
      channel,
      get status() {
        return held.status;
      },
      unsubscribe: () => {
        if (done) return;
        done = true;
        held.handlers.delete(handlers);
        if (held.handlers.size === 0 && this.local.get(channel) === held) {
          this.local.delete(channel);
          if (this.leading) this.release(channel);
          else this.post({ t: 'unsub', tab: this.tab, channel });
        }
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.post({ t: 'bye', tab: this.tab });
    (globalThis as any).removeEventListener?.('pagehide', this.onPageHide);
    this.inner?.close();
    this.inner = null;
    for (const [req, p] of this.publishing) {
      clearTimeout(p.timer);
      this.publishing.delete(req);
      p.reject(new PublishError('closed', 'This client is closed', p.channel));
    }
    this.channel.close();
    this.releaseLock?.();
    this.setState('closed');
    this.local.clear();
    this.emitter.clear();
  }

  private lead(): void {
    this.leading = true;
    this.wanted = new Map();
    for (const [c, l] of this.local) this.wanted.set(c, l.last);
    this.post({ t: 'leader', tab: this.tab });
    setTimeout(() => {
      if (this.closed) return;
      const wanted = this.wanted!;
      this.wanted = null;
      const inner = this.options.create();
      this.inner = inner;
      inner.on('connection', (info) => {
        this.setInfo(info);
        this.post({ t: 'conn', info });
      });
      inner.on('subscription', (status) => {
        this.subState(status);
        this.post({ t: 'substate', status });
      });
      inner.on('error', (e) => this.emitter.emit('error', e));
      for (const [c, since] of wanted) this.hold(c, since);
      this.awaitingInner.splice(0).forEach((f) => f(inner));
    }, this.options.helloWindowMs ?? 150);
  }

  /** Leader: a tab (this one or another) wants a channel. */
  private want(channel: string, since: string | undefined): void {
    if (this.wanted) {
      if (!this.wanted.has(channel)) this.wanted.set(channel, since);
      else this.wanted.set(channel, earliest(this.wanted.get(channel), since));
    } else {
      this.hold(channel, since);
    }
  }

  private hold(channel: string, since: string | undefined): void {
    if (!this.inner) return;
    const held = this.innerSubs.get(channel);
    if (held) {
      // Held already for another tab: the tab asking now saw none of its state changes go by, and
      // would show it `subscribing` for good.
      this.subState(held.status);
      this.post({ t: 'substate', status: held.status });
      return;
    }
    this.innerSubs.set(channel, this.inner.subscribe(channel, {
      event: (event) => {
        this.dispatch(event);
        this.post({ t: 'event', event });
      },
      reset: (info) => {
        this.resetLocal(info);
        this.post({ t: 'reset', info });
      },
      join: (signal) => {
        this.presenceLocal('join', signal);
        this.post({ t: 'presence', kind: 'join', signal });
      },
      leave: (signal) => {
        this.presenceLocal('leave', signal);
        this.post({ t: 'presence', kind: 'leave', signal });
      },
    }, since ? { since } : {}));
  }

  /** Leader: let a channel go once no tab holds it. */
  private release(channel: string): void {
    if (this.local.has(channel)) return;
    for (const set of this.remote.values()) if (set.has(channel)) return;
    this.wanted?.delete(channel);
    this.innerSubs.get(channel)?.unsubscribe();
    this.innerSubs.delete(channel);
  }

  private receive(message: Message): void {
    if (this.closed || !message || typeof message !== 'object') return;
    switch (message.t) {
      case 'hello':
        if (!this.leading) return;
        this.remote.set(message.tab, new Set(message.channels.map(([c]) => c)));
        for (const [c, since] of message.channels) this.want(c, since);
        this.post({ t: 'conn', info: this.info });
        return;
      case 'sub':
        if (!this.leading) return;
        if (!this.remote.has(message.tab)) this.remote.set(message.tab, new Set());
        this.remote.get(message.tab)!.add(message.channel);
        this.want(message.channel, message.since);
        return;
      case 'unsub':
        if (!this.leading) return;
        this.remote.get(message.tab)?.delete(message.channel);
        this.release(message.channel);
        return;
      case 'bye':
        if (!this.leading) return;
        {
          const held = this.remote.get(message.tab);
          this.remote.delete(message.tab);
          held?.forEach((c) => this.release(c));
        }
        return;
      case 'leader':
        if (message.tab === this.tab) return;
        this.post({ t: 'hello', tab: this.tab, channels: [...this.local].map(([c, l]) => [c, l.last]) });
        return;
      case 'event':
        if (!this.leading) this.dispatch(message.event);
        return;
      case 'reset':
        if (!this.leading) this.resetLocal(message.info);
        return;
      case 'presence':
        if (!this.leading) this.presenceLocal(message.kind, message.signal);
        return;
      case 'conn':
        if (!this.leading) this.setInfo(message.info.state === 'closed' ? { ...message.info, state: 'reconnecting' } : message.info);
        return;
      case 'substate':
        if (!this.leading) this.subState(message.status);
        return;
      case 'pub':
        if (!this.leading) return;
        this.withInner((inner) => inner.publish(message.channel, message.type, message.data, message.options)).then(
          (ack) => this.post({ t: 'puback', tab: message.tab, req: message.req, ack }),
          (e: PublishError) => this.post({ t: 'puback', tab: message.tab, req: message.req,
            error: { code: e.code ?? 'error', message: String(e.message), status: e.status } }));
        return;
      case 'puback': {
        if (message.tab !== this.tab) return;
        const p = this.publishing.get(message.req);
        if (!p) return;
        clearTimeout(p.timer);
        this.publishing.delete(message.req);
        if (message.ack) p.resolve(message.ack);
        else p.reject(new PublishError(message.error?.code ?? 'error', message.error?.message ?? '', p.channel, message.error?.status));
        return;
      }
      case 'reconnect':
        if (this.leading) this.inner?.reconnect();
        return;
      case 'refresh':
        if (this.leading) this.inner?.refreshToken();
        return;
    }
  }

  private dispatch(event: Envelope): void {
    const entry = this.local.get(event.channel);
    if (!entry) return;
    if (!isNewEvent(event.id, entry.last)) return;
    entry.last = event.id;
    for (const h of [...entry.handlers]) h.event?.(event);
    this.emitter.emit('event', event);
  }

  private presenceLocal(kind: 'join' | 'leave', signal: PresenceSignal): void {
    const entry = this.local.get(signal.channel);
    if (!entry) return;
    for (const h of [...entry.handlers]) h[kind]?.(signal);
    this.emitter.emit(kind, signal);
  }

  private resetLocal(info: ResetInfo): void {
    const entry = this.local.get(info.channel);
    if (!entry) return;
    for (const h of [...entry.handlers]) h.reset?.(info);
    this.emitter.emit('reset', info);
  }

  private post(message: Message): void {
    if (!this.closed || message.t === 'bye') {
      try {
        this.channel.postMessage(message);
      } catch {
        // closed channel
      }
    }
  }

  private setState(state: ConnectionState): void {
    this.setInfo({ state, attempt: 0 });
  }

  private setInfo(info: ConnectionInfo): void {
    const changed = info.state !== this.current;
    this.info = info;
    this.current = info.state;
    if (changed) this.emitter.emit('state', info.state);
    this.emitter.emit('connection', info);
  }

  private subState(status: SubscriptionStatus): void {
    const entry = this.local.get(status.channel);
    if (!entry) return;
    entry.status = status;
    for (const h of [...entry.handlers]) h.state?.(status);
    this.emitter.emit('subscription', status);
  }
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIds(a, b) <= 0 ? a : b;
}
