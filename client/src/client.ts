import { backoffDelay } from './backoff.js';
import { Emitter } from './emitter.js';
import { defaultEnvironment, Environment } from './environment.js';
import { isChannelName, isEventId, isNewEvent } from './ids.js';
import type {
  ChannelHandlers, ClientEvents, ConnectionState, Envelope, Realtime, RealtimeError, ResetInfo,
  SubscribeOptions, Subscription,
} from './types.js';

/** Settings shared by both transports. Defaults in {@link DEFAULTS}. */
export interface ClientOptions {
  /** The gateway's base URL (`http(s)://host:port`); default: the page's origin. */
  url?: string;
  /** First reconnect delay's ceiling. Default 500 ms. */
  minReconnectDelay?: number;
  /** Largest reconnect delay. Default 20 s. */
  maxReconnectDelay?: number;
  /**
   * A connection silent this long is declared dead and reopened. The server sends something at
   * least every 15 s (SSE `: ping`) or answers our pings (WebSocket), so the default, 35 s, is
   * two missed heartbeats and a margin.
   */
  heartbeatTimeout?: number;
  /** WebSocket: how often to send `{"op":"ping"}` (browsers cannot see protocol pings). Default 15 s. */
  pingInterval?: number;
  /**
   * Called before each connection for a bearer token (null: none); `refresh` is true after the
   * gateway refused the last one, so the page can fetch a new one.
   */
  getToken?: (refresh: boolean) => string | null | Promise<string | null>;
  /** Replace the host's implementations (tests, other runtimes). */
  env?: Partial<Environment>;
}

export const DEFAULTS = {
  minReconnectDelay: 500,
  maxReconnectDelay: 20_000,
  heartbeatTimeout: 35_000,
  pingInterval: 15_000,
};

interface ChannelEntry {
  handlers: Set<ChannelHandlers>;
  /** The last id this page has of the channel: where a new connection resumes it. */
  last?: string;
}

/**
 * The connection lifecycle both transports share: reconnection with capped, jittered back-off;
 * resume of every channel from its last position; a heartbeat watchdog; network and visibility
 * awareness; and a close() after which nothing runs. A transport subclass says how to open, sync
 * and close its link, and reports back through the protected methods.
 */
export abstract class BaseClient implements Realtime {
  protected readonly env: Environment;
  protected readonly options: Required<Omit<ClientOptions, 'getToken' | 'env' | 'url'>> & Pick<ClientOptions, 'getToken'>;
  protected readonly baseUrl: string;
  protected readonly channels = new Map<string, ChannelEntry>();
  /** Bumped on every new link, so a late callback of an abandoned one is ignored. */
  protected generation = 0;
  protected tokenRefused = false;
  private readonly emitter = new Emitter<ClientEvents>();
  private current: ConnectionState = 'idle';
  private attempt = 0;
  private everOpened = false;
  private linked = false;
  private syncQueued = false;
  private reconnectTimer: unknown = null;
  private watchdogTimer: unknown = null;
  /** The server's `retry:` (SSE): never reconnect sooner than it asks. */
  protected serverRetryMs = 0;
  private readonly unlisten: Array<() => void> = [];

  protected constructor(options: ClientOptions = {}) {
    this.env = defaultEnvironment(options.env);
    this.options = {
      minReconnectDelay: options.minReconnectDelay ?? DEFAULTS.minReconnectDelay,
      maxReconnectDelay: options.maxReconnectDelay ?? DEFAULTS.maxReconnectDelay,
      heartbeatTimeout: options.heartbeatTimeout ?? DEFAULTS.heartbeatTimeout,
      pingInterval: options.pingInterval ?? DEFAULTS.pingInterval,
      getToken: options.getToken,
    };
    this.baseUrl = (options.url ?? this.env.origin()).replace(/\/+$/, '');
    this.unlisten.push(this.env.onNetworkChange((online) => this.networkChanged(online)));
    this.unlisten.push(this.env.onVisibilityChange((visible) => visible && this.retryNow()));
  }

  get state(): ConnectionState {
    return this.current;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  positions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [channel, entry] of this.channels) if (entry.last) out[channel] = entry.last;
    return out;
  }

  subscribe(channel: string, handlers: ChannelHandlers, options: SubscribeOptions = {}): Subscription {
    if (this.current === 'closed') throw new Error('This client is closed');
    if (!isChannelName(channel)) throw new Error(`Invalid channel name: ${JSON.stringify(channel)}`);
    if (options.since !== undefined && !isEventId(options.since)) {
      throw new Error(`Invalid event id: ${JSON.stringify(options.since)}`);
    }
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { handlers: new Set(), last: options.since };
      this.channels.set(channel, entry);
      this.channelsChanged();
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
        if (held.handlers.size === 0 && this.channels.get(channel) === held) {
          this.channels.delete(channel);
          this.channelsChanged();
        }
      },
    };
  }

  close(): void {
    if (this.current === 'closed') return;
    this.clearTimers();
    this.generation++;
    if (this.linked) this.closeLink();
    this.linked = false;
    this.unlisten.forEach((f) => f());
    this.setState('closed');
    this.channels.clear();
    this.emitter.clear();
  }

  /** Opens the link for the channels held now; `generation` names it. */
  protected abstract openLink(generation: number): void;

  /** Aborts the link at once; no callback of it may arrive afterwards (they are dropped by generation). */
  protected abstract closeLink(): void;

  /** The channel set changed while a link is up. */
  protected abstract syncLink(): void;

  /** The link is up. */
  protected opened(generation: number): void {
    if (generation !== this.generation) return;
    this.attempt = 0;
    this.everOpened = true;
    this.tokenRefused = false;
    this.setState('open');
    this.alive(generation);
  }

  /** Something arrived (an event, a heartbeat, a pong): the watchdog starts over. */
  protected alive(generation: number): void {
    if (generation !== this.generation || this.current === 'closed') return;
    if (this.watchdogTimer !== null) this.env.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = this.env.setTimeout(() => {
      this.watchdogTimer = null;
      this.lost(generation, { code: 'heartbeat_timeout', message: `Nothing heard for ${this.options.heartbeatTimeout} ms` });
    }, this.options.heartbeatTimeout);
  }

  /** Hands an event to the channel's handlers once: an id at or below the channel's last is a duplicate. */
  protected deliver(generation: number, event: Envelope): void {
    if (generation !== this.generation) return;
    const entry = this.channels.get(event.channel);
    if (!entry || !isEventId(event.id)) return;
    if (!isNewEvent(event.id, entry.last)) return;
    entry.last = event.id;
    for (const h of [...entry.handlers]) {
      try {
        h.event?.(event);
      } catch (e) {
        this.emitter.emit('error', { code: 'handler_failed', message: String(e), channel: event.channel });
      }
    }
    this.emitter.emit('event', event);
  }

  /** Where a channel stands before any event of it: resuming from there misses nothing. */
  protected position(generation: number, channel: string, id: string): void {
    if (generation !== this.generation) return;
    const entry = this.channels.get(channel);
    if (entry && entry.last === undefined && isEventId(id)) entry.last = id;
  }

  protected resetChannel(generation: number, info: ResetInfo): void {
    if (generation !== this.generation) return;
    const entry = this.channels.get(info.channel);
    if (!entry) return;
    for (const h of [...entry.handlers]) h.reset?.(info);
    this.emitter.emit('reset', info);
  }

  protected error(error: RealtimeError): void {
    this.emitter.emit('error', error);
  }

  /** The link died (or was declared dead): tear it down and retry after a back-off. */
  protected lost(generation: number, error?: RealtimeError): void {
    if (generation !== this.generation || this.current === 'closed') return;
    if (error) this.emitter.emit('error', error);
    this.generation++;
    this.clearTimers();
    if (this.linked) this.closeLink();
    this.linked = false;
    if (this.channels.size === 0) {
      this.setState('idle');
      return;
    }
    if (!this.env.online()) {
      this.setState('offline');
      return;
    }
    this.setState('reconnecting');
    const delay = Math.max(this.serverRetryMs > 0 ? Math.min(this.serverRetryMs, this.options.maxReconnectDelay) : 0,
      backoffDelay(this.attempt, this.options.minReconnectDelay, this.options.maxReconnectDelay, this.env.random));
    this.attempt++;
    this.reconnectTimer = this.env.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  protected async token(): Promise<string | null> {
    if (!this.options.getToken) return null;
    return (await this.options.getToken(this.tokenRefused)) ?? null;
  }

  protected entry(channel: string): ChannelEntry | undefined {
    return this.channels.get(channel);
  }

  private connect(): void {
    if (this.current === 'closed' || this.linked) return;
    if (this.channels.size === 0) {
      this.setState('idle');
      return;
    }
    if (!this.env.online()) {
      this.setState('offline');
      return;
    }
    this.setState(this.everOpened || this.attempt > 0 ? 'reconnecting' : 'connecting');
    const generation = ++this.generation;
    this.linked = true;
    // A link that never answers is dead too.
    this.alive(generation);
    this.openLink(generation);
  }

  /** Subscriptions come in bursts (a page's components mount together): one sync per burst. */
  private channelsChanged(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      if (this.current === 'closed') return;
      if (this.channels.size === 0) {
        this.generation++;
        this.clearTimers();
        if (this.linked) this.closeLink();
        this.linked = false;
        this.setState('idle');
      } else if (!this.linked) {
        if (this.reconnectTimer === null) this.connect();
      } else {
        this.syncLink();
      }
    });
  }

  private networkChanged(online: boolean): void {
    if (this.current === 'closed') return;
    if (!online) {
      // The socket may take minutes to notice: give it up now, come back when the network does.
      this.generation++;
      this.clearTimers();
      if (this.linked) this.closeLink();
      this.linked = false;
      if (this.channels.size > 0) this.setState('offline');
    } else {
      this.retryNow();
    }
  }

  /** Skips what is left of a back-off (the network came back, the page became visible again). */
  private retryNow(): void {
    if (this.current === 'closed' || this.linked || this.channels.size === 0) return;
    if (this.reconnectTimer !== null) this.env.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.attempt = 0;
    this.connect();
  }

  private clearTimers(): void {
    if (this.reconnectTimer !== null) this.env.clearTimeout(this.reconnectTimer);
    if (this.watchdogTimer !== null) this.env.clearTimeout(this.watchdogTimer);
    this.reconnectTimer = null;
    this.watchdogTimer = null;
  }

  private setState(state: ConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    this.emitter.emit('state', state);
  }
}
