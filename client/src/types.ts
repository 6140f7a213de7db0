/** The event envelope (DESIGN §3). */
export interface Envelope<T = Record<string, unknown>> {
  id: string;
  channel: string;
  type: string;
  ts: string;
  data: T;
}

/**
 * Where a connection is: `connecting` (first attempt), `open`, `reconnecting` (waiting to retry or
 * retrying after a loss), `offline` (the browser says there is no network: it retries when it is
 * back), `closed` (close() was called; nothing happens any more).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

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

export interface ChannelHandlers {
  event?: (event: Envelope) => void;
  reset?: (info: ResetInfo) => void;
}

export interface Subscription {
  readonly channel: string;
  unsubscribe(): void;
}

export interface ClientEvents {
  state: ConnectionState;
  event: Envelope;
  reset: ResetInfo;
  error: RealtimeError;
}

/** What every client offers, whatever carries it (SSE, WebSocket, a connection shared across tabs). */
export interface Realtime {
  readonly state: ConnectionState;
  subscribe(channel: string, handlers: ChannelHandlers, options?: SubscribeOptions): Subscription;
  on<K extends keyof ClientEvents>(name: K, listener: (value: ClientEvents[K]) => void): () => void;
  /** The last id seen on each channel: where a new connection would resume. */
  positions(): Record<string, string>;
  close(): void;
}

export type TransportName = 'sse' | 'websocket';
