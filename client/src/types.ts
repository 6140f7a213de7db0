/** The event envelope (DESIGN §3). */
export interface Envelope<T = Record<string, unknown>> {
  id: string;
  channel: string;
  type: string;
  ts: string;
  data: T;
}

/**
 * Where a connection is: `idle` (nothing to carry), `connecting` (first attempt), `open`,
 * `reconnecting` (waiting to retry or retrying after a loss), `offline` (the browser says there is no
 * network: it retries when it is back), `stopped` (given up: the token was refused again after a
 * refresh, or `maxReconnectAttempts` ran out; `reconnect()` starts again), `closed` (close() was
 * called; nothing happens any more).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'stopped' | 'closed';

/** The connection's state with what a page needs to explain it. */
export interface ConnectionInfo {
  state: ConnectionState;
  /** Why the last link ended or was refused (absent once open). */
  reason?: RealtimeError;
  /** When the next attempt starts (epoch ms), while `reconnecting` and waiting. */
  retryAt?: number;
  /** Failed attempts since the last open. */
  attempt: number;
}

/**
 * Where one channel's subscription is: `subscribing` (asked, not yet live: also after a drop, until
 * the new link has it), `subscribed` (live), `refused` (the gateway said no: `error.code` is the
 * problem's code, e.g. `forbidden`, `unknown_namespace`), `resetting` (history no longer reached back:
 * what the page built from the channel must be reloaded; live again right after).
 */
export type SubscriptionState = 'subscribing' | 'subscribed' | 'refused' | 'resetting';

export interface SubscriptionStatus {
  channel: string;
  state: SubscriptionState;
  error?: RealtimeError;
}

/** Why history could not be resumed: the channel's state must be reloaded (SSE `reset`, WS `recovered:false`). */
export interface ResetInfo {
  channel: string;
  reason: string;
}

/** A failure worth showing: it does not stop the client unless it says so. */
export interface RealtimeError {
  code: string;
  message: string;
  channel?: string;
  status?: number;
}

export interface SubscribeOptions {
  /** Resume after this id (exclusive): events the page missed are replayed first. */
  since?: string;
}

/** One connection's subscription to a channel, as presence shows it (DESIGN §11). */
export interface PresenceMember {
  /** The connection's id, unique across the gateway's instances. */
  id: string;
  /** The token's subject; null when anonymous. */
  user: string | null;
  transport: 'sse' | 'websocket';
  /** The instance the connection is on. */
  instance: string;
  /** ISO-8601. */
  joinedAt: string;
  /** What the client sent on subscribe, if anything. */
  info?: Record<string, unknown>;
}

/** A member's `join` or `leave` on a channel whose namespace has join-leave on (no event of the channel). */
export interface PresenceSignal {
  channel: string;
  member: PresenceMember;
}

export interface ChannelHandlers<T = Record<string, unknown>> {
  event?: (event: Envelope<T>) => void;
  reset?: (info: ResetInfo) => void;
  /** Another connection subscribed to the channel (never this one's own join). */
  join?: (signal: PresenceSignal) => void;
  /** A connection's subscription to the channel ended (it unsubscribed, closed, or its instance died). */
  leave?: (signal: PresenceSignal) => void;
  /** The subscription's state changed. */
  state?: (status: SubscriptionStatus) => void;
}

export interface Subscription {
  readonly channel: string;
  /** Where this channel's subscription is now. */
  readonly status: SubscriptionStatus;
  unsubscribe(): void;
}

export interface ClientEvents {
  state: ConnectionState;
  connection: ConnectionInfo;
  subscription: SubscriptionStatus;
  event: Envelope;
  reset: ResetInfo;
  join: PresenceSignal;
  leave: PresenceSignal;
  error: RealtimeError;
}

/** Options of a publish. */
export interface PublishOptions {
  /**
   * 1-128 printable ASCII characters, no spaces. A publish with a key already published on the same
   * channel within the gateway's window publishes nothing and acks the first one's id with
   * `duplicate: true`. Default: a fresh random key per call, so the client's own resend after a
   * reconnect publishes once.
   */
  idempotencyKey?: string;
  /** While Redis is down: deliver on this instance only (`local`) or refuse (`refuse`); default the gateway's setting. */
  fallback?: 'local' | 'refuse';
  /** Give up (error `timeout`) if no ack came within this long, queueing included. Default `publishTimeout` (10 s). */
  timeoutMs?: number;
}

/** The gateway's answer to a publish. */
export interface PublishAck {
  /** The event's id (for a duplicate: the first publish's). */
  id: string;
  /** `cluster` (in the shared history) or `local` (this instance only). */
  delivery: 'cluster' | 'local';
  /** True when the key had been published already: nothing new was published. */
  duplicate: boolean;
  idempotencyKey: string;
}

/**
 * Why a publish failed. `code` is the gateway's (`bad_channel`, `bad_type`, `bad_data`,
 * `unknown_namespace`, `forbidden`, `limit`, `unavailable`, `unauthorized`, `internal`...) or the
 * client's: `timeout` (no ack in time: it may still have been published; retry with the same key),
 * `queue_full` (too many publishes waiting for a link), `closed` (the client was closed).
 */
export class PublishError extends Error {
  constructor(readonly code: string, message: string, readonly channel: string, readonly status?: number) {
    super(message);
    this.name = 'PublishError';
  }
}

/** What every client offers, whatever carries it (SSE, WebSocket, a connection shared across tabs). */
export interface Realtime {
  readonly state: ConnectionState;
  /** The state with its reason and the time of the next attempt. */
  readonly connection: ConnectionInfo;
  subscribe<T = Record<string, unknown>>(channel: string, handlers: ChannelHandlers<T>, options?: SubscribeOptions): Subscription;
  /**
   * Publishes one event: over the WebSocket when that is the transport (queued while reconnecting,
   * up to `maxQueuedPublishes`), else over HTTP. Resolves with the ack, rejects with a {@link PublishError}.
   */
  publish(channel: string, type: string, data: Record<string, unknown>, options?: PublishOptions): Promise<PublishAck>;
  /** Tries again now: after a stop (`stopped`), or to skip what is left of a back-off. */
  reconnect(): void;
  /** Asks `getToken` for a fresh token and, over a WebSocket, sends it in place (`auth`) without reconnecting. */
  refreshToken(): void;
  on<K extends keyof ClientEvents>(name: K, listener: (value: ClientEvents[K]) => void): () => void;
  /** The last id seen on each channel: where a new connection would resume. */
  positions(): Record<string, string>;
  close(): void;
}

export type TransportName = 'sse' | 'websocket';
