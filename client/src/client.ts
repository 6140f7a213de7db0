import { fetchPresence, fetchPresenceStats, PresencePage, PresenceStats } from './api.js';
import { backoffDelay } from './backoff.js';
import { Emitter } from './emitter.js';
import { defaultEnvironment, Environment } from './environment.js';
import { isChannelName, isEventId, isNewEvent } from './ids.js';
import type {
  ChannelHandlers, ClientEvents, ConnectionInfo, ConnectionState, Envelope, PublishAck, PublishOptions, Realtime,
  PresenceSignal, RealtimeError, ResetInfo, SubscribeOptions, Subscription, SubscriptionState, SubscriptionStatus,
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
   * Called before each connection, each HTTP publish and each in-place refresh for a bearer token
   * (null: none); `refresh` is true when the gateway refused the last one or it is about to expire,
   * so the page fetches a new one. Read at each call: a page may change what it returns at any time.
   */
  getToken?: (refresh: boolean) => string | null | undefined | Promise<string | null | undefined>;
  /** A fixed bearer token, when there is no `getToken`. */
  token?: string | null;
  /**
   * Give up (state `stopped`) after this many failed attempts in a row; `reconnect()` starts again.
   * Default: never give up.
   */
  maxReconnectAttempts?: number;
  /** WebSocket: publishes that may wait for a link (queued or unacked). Default 100; past it `queue_full`. */
  maxQueuedPublishes?: number;
  /** How long a publish may wait for its ack, queueing included. Default 10 s. */
  publishTimeout?: number;
  /** WebSocket: refresh the token this long before the `expiresAt` the gateway reported. Default 30 s. */
  tokenRefreshMargin?: number;
  /** WebSocket: the endpoint's path. Default `/ws`. */
  wsPath?: string;
  /** Log state changes and refusals to the console. Default false. */
  debug?: boolean;
  /** Replace the host's implementations (tests, other runtimes). */
  env?: Partial<Environment>;
}

export const DEFAULTS = {
  minReconnectDelay: 500,
  maxReconnectDelay: 20_000,
  heartbeatTimeout: 35_000,
  pingInterval: 15_000,
  maxReconnectAttempts: Infinity,
  maxQueuedPublishes: 100,
  publishTimeout: 10_000,
  tokenRefreshMargin: 30_000,
  wsPath: '/ws',
  debug: false,
};

type Settings = Required<Omit<ClientOptions, 'getToken' | 'env' | 'url' | 'token'>> & Pick<ClientOptions, 'getToken' | 'token'>;

interface ChannelEntry {
  handlers: Set<ChannelHandlers<any>>;
  /** The last id this page has of the channel: where a new connection resumes it. */
  last?: string;
  status: SubscriptionStatus;
}

/**
 * The connection lifecycle both transports share: reconnection with capped, jittered back-off;
 * resume of every channel from its last position; a heartbeat watchdog; network and visibility
 * awareness; and a close() after which nothing runs. A transport subclass says how to open, sync
 * and close its link, and reports back through the protected methods.
 */
export abstract class BaseClient implements Realtime {
  protected readonly env: Environment;
  protected readonly options: Settings;
  protected readonly baseUrl: string;
  protected readonly channels = new Map<string, ChannelEntry>();
  /** Bumped on every new link, so a late callback of an abandoned one is ignored. */
  protected generation = 0;
  protected tokenRefused = false;
  /** A fresh token was asked for after a refusal: a second refusal stops the client. */
  private refreshedAfterRefusal = false;
  private readonly emitter = new Emitter<ClientEvents>();
  private current: ConnectionState = 'idle';
  private info: ConnectionInfo = { state: 'idle', attempt: 0 };
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
      maxReconnectAttempts: options.maxReconnectAttempts ?? DEFAULTS.maxReconnectAttempts,
      maxQueuedPublishes: options.maxQueuedPublishes ?? DEFAULTS.maxQueuedPublishes,
      publishTimeout: options.publishTimeout ?? DEFAULTS.publishTimeout,
      tokenRefreshMargin: options.tokenRefreshMargin ?? DEFAULTS.tokenRefreshMargin,
      wsPath: options.wsPath ?? DEFAULTS.wsPath,
      debug: options.debug ?? DEFAULTS.debug,
      getToken: options.getToken,
      token: options.token,
    };
    this.baseUrl = (options.url ?? this.env.origin()).replace(/\/+$/, '');
    this.unlisten.push(this.env.onNetworkChange((online) => this.networkChanged(online)));
    this.unlisten.push(this.env.onVisibilityChange((visible) => visible && this.retryNow()));
  }

  get state(): ConnectionState {
    return this.current;
  }

  get connection(): ConnectionInfo {
    return this.info;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  positions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [channel, entry] of this.channels) if (entry.last) out[channel] = entry.last;
    return out;
  }

  subscribe<T = Record<string, unknown>>(channel: string, handlers: ChannelHandlers<T>, options: SubscribeOptions = {}): Subscription {
    if (this.current === 'closed') throw new Error('This client is closed');
    if (!isChannelName(channel)) throw new Error(`Invalid channel name: ${JSON.stringify(channel)}`);
    if (options.since !== undefined && !isEventId(options.since)) {
      throw new Error(`Invalid event id: ${JSON.stringify(options.since)}`);
    }
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { handlers: new Set(), last: options.since, status: { channel, state: 'subscribing' } };
      this.channels.set(channel, entry);
      this.channelsChanged();
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
    this.closing();
    this.setState('closed');
    this.channels.clear();
    this.emitter.clear();
  }

  abstract publish(channel: string, type: string, data: Record<string, unknown>, options?: PublishOptions): Promise<PublishAck>;

  reconnect(): void {
    if (this.current === 'closed') return;
    this.tokenRefused = false;
    this.refreshedAfterRefusal = false;
    if (this.linked) {
      // A live link stays; one still trying is replaced at once.
      if (this.current === 'open') return;
      this.generation++;
      this.clearTimers();
      this.closeLink();
      this.linked = false;
    }
    this.retryNow(true);
  }

  refreshToken(): void {
    // The next link asks for a token anyway; a transport that can re-authenticate in place overrides this.
  }

  /** The client is closing: settle whatever still waits (publishes). */
  protected closing(): void {}

  /** Work besides the channels that needs a link (publishes waiting). */
  protected pendingWork(): boolean {
    return false;
  }

  /** Whether a link is wanted now. */
  protected needed(): boolean {
    return this.channels.size > 0 || this.pendingWork();
  }

  /** Something besides the channels now needs a link, or no longer does. */
  protected demandChanged(): void {
    this.channelsChanged();
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
    this.refreshedAfterRefusal = false;
    this.setState('open');
    this.alive(generation);
  }

  /** A channel's subscription moved on: tell its handlers and the client's listeners. */
  protected subscriptionState(channel: string, state: SubscriptionState, error?: RealtimeError): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    if (entry.status.state === state && entry.status.error === error) return;
    entry.status = error ? { channel, state, error } : { channel, state };
    if (this.options.debug) console.debug('[realtime] subscription', channel, state, error ?? '');
    for (const h of [...entry.handlers]) h.state?.(entry.status);
    this.emitter.emit('subscription', entry.status);
  }

  /** Every channel back to `subscribing` (a new link is on its way), except those refused. */
  protected resubscribing(): void {
    for (const [channel, entry] of this.channels) {
      if (entry.status.state !== 'refused') this.subscriptionState(channel, 'subscribing');
    }
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
    if (entry.status.state !== 'subscribed' && entry.status.state !== 'resetting') this.subscriptionState(event.channel, 'subscribed');
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
    this.subscriptionState(info.channel, 'resetting');
    for (const h of [...entry.handlers]) h.reset?.(info);
    this.emitter.emit('reset', info);
  }

  /** A member's join or leave (DESIGN §11), to the channel's handlers: no event, it moves no position. */
  protected presenceSignal(generation: number, kind: 'join' | 'leave', signal: PresenceSignal): void {
    if (generation !== this.generation) return;
    const entry = this.channels.get(signal.channel);
    if (!entry || !signal.member) return;
    for (const h of [...entry.handlers]) {
      try {
        h[kind]?.(signal);
      } catch (e) {
        this.emitter.emit('error', { code: 'handler_failed', message: String(e), channel: signal.channel });
      }
    }
    this.emitter.emit(kind, signal);
  }

  /** A page of who is on the channel, over HTTP whatever the transport (the same token source). */
  presence(channel: string, query: { after?: string; limit?: number } = {}): Promise<PresencePage> {
    return fetchPresence(channel, query, this.apiOptions());
  }

  /** How many are on the channel. */
  presenceStats(channel: string): Promise<PresenceStats> {
    return fetchPresenceStats(channel, this.apiOptions());
  }

  private apiOptions() {
    return { url: this.baseUrl, fetch: this.env.fetch, getToken: this.options.getToken, token: this.options.token };
  }

  protected error(error: RealtimeError): void {
    if (this.options.debug) console.debug('[realtime] error', error);
    this.emitter.emit('error', error);
  }

  /** The link died (or was declared dead): tear it down and retry after a back-off. */
  protected lost(generation: number, error?: RealtimeError): void {
    if (generation !== this.generation || this.current === 'closed') return;
    if (error) this.error(error);
    this.generation++;
    this.clearTimers();
    if (this.linked) this.closeLink();
    this.linked = false;
    this.resubscribing();
    if (!this.needed()) {
      this.setState('idle');
      return;
    }
    if (this.tokenRefused && this.refreshedAfterRefusal) {
      // Refused again with a token fetched after the first refusal: retrying would only hammer the gateway.
      this.setState('stopped', error ?? { code: 'unauthorized', message: 'The token was refused' });
      return;
    }
    if (this.attempt >= this.options.maxReconnectAttempts) {
      this.setState('stopped', error);
      return;
    }
    if (!this.env.online()) {
      this.setState('offline', error);
      return;
    }
    const delay = Math.max(this.serverRetryMs > 0 ? Math.min(this.serverRetryMs, this.options.maxReconnectDelay) : 0,
      backoffDelay(this.attempt, this.options.minReconnectDelay, this.options.maxReconnectDelay, this.env.random));
    this.attempt++;
    this.reconnectTimer = this.env.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.setState('reconnecting', error, this.env.now() + delay);
  }

  /** The token for a link or a request: `getToken` (asked for a fresh one after a refusal), else `token`. */
  protected async token(forceRefresh = false): Promise<string | null> {
    const refresh = forceRefresh || this.tokenRefused;
    if (this.tokenRefused) this.refreshedAfterRefusal = true;
    if (this.options.getToken) return (await this.options.getToken(refresh)) ?? null;
    return this.options.token ?? null;
  }

  /** The gateway refused the token: the next link asks for a fresh one, and a second refusal stops. */
  protected refused(): void {
    this.tokenRefused = true;
  }

  protected entry(channel: string): ChannelEntry | undefined {
    return this.channels.get(channel);
  }

  private connect(): void {
    if (this.current === 'closed' || this.linked) return;
    if (!this.needed()) {
      this.setState('idle');
      return;
    }
    if (!this.env.online()) {
      this.setState('offline');
      return;
    }
    this.setState(this.everOpened || this.attempt > 0 ? 'reconnecting' : 'connecting', this.info.reason);
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
      if (!this.needed()) {
        this.generation++;
        this.clearTimers();
        if (this.linked) this.closeLink();
        this.linked = false;
        this.setState('idle');
      } else if (!this.linked) {
        if (this.reconnectTimer === null && this.current !== 'stopped') this.connect();
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
      this.resubscribing();
      if (this.needed()) this.setState('offline');
    } else {
      this.retryNow();
    }
  }

  /** Skips what is left of a back-off (the network came back, the page became visible again, `reconnect()`). */
  private retryNow(force = false): void {
    if (this.current === 'closed' || this.linked || !this.needed()) return;
    if (this.current === 'stopped' && !force) return;
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

  private setState(state: ConnectionState, reason?: RealtimeError, retryAt?: number): void {
    const info: ConnectionInfo = { state, attempt: this.attempt };
    if (reason && state !== 'open') info.reason = reason;
    if (retryAt !== undefined) info.retryAt = retryAt;
    const changed = this.current !== state;
    this.info = info;
    this.current = state;
    if (this.options.debug && changed) console.debug('[realtime] connection', state, reason ?? '');
    if (changed) this.emitter.emit('state', state);
    this.emitter.emit('connection', info);
  }
}
