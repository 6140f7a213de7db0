import { Emitter } from './emitter.js';
import { compareIds, isChannelName, isNewEvent } from './ids.js';
import type {
  ChannelHandlers, ClientEvents, ConnectionState, Envelope, Realtime, ResetInfo, SubscribeOptions, Subscription,
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
  | { t: 'state'; state: ConnectionState };

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
  handlers: Set<ChannelHandlers>;
  last?: string;
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

  subscribe(channel: string, handlers: ChannelHandlers, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('This client is closed');
    if (!isChannelName(channel)) throw new Error(`Invalid channel name: ${JSON.stringify(channel)}`);
    let entry = this.local.get(channel);
    if (!entry) {
      entry = { handlers: new Set(), last: options.since };
      this.local.set(channel, entry);
      if (this.leading) this.want(channel, options.since);
      else this.post({ t: 'sub', tab: this.tab, channel, since: options.since });
    }
    entry.handlers.add(handlers);
    const held = entry;
    let done = false;
    return {
      channel,
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
      inner.on('state', (s) => {
        this.setState(s);
        this.post({ t: 'state', state: s });
      });
      inner.on('error', (e) => this.emitter.emit('error', e));
      for (const [c, since] of wanted) this.hold(c, since);
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
    if (!this.inner || this.innerSubs.has(channel)) return;
    this.innerSubs.set(channel, this.inner.subscribe(channel, {
      event: (event) => {
        this.dispatch(event);
        this.post({ t: 'event', event });
      },
      reset: (info) => {
        this.resetLocal(info);
        this.post({ t: 'reset', info });
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
        this.post({ t: 'state', state: this.current });
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
      case 'state':
        if (!this.leading) this.setState(message.state === 'closed' ? 'reconnecting' : message.state);
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
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit('state', state);
  }
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIds(a, b) <= 0 ? a : b;
}
