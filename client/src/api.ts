import { newIdempotencyKey, validPublish } from './publish.js';
import { PublishError } from './types.js';
import type { Envelope, PresenceMember, PublishAck, PublishOptions } from './types.js';

/** The gateway's HTTP API, for what a page reads and sends besides the live stream. */

export interface HistoryPage {
  channel: string;
  events: Envelope[];
  /** The channel's id now: subscribe with `since` = this to continue with no gap. */
  position: string;
  /** False when history no longer reaches back to `since`. */
  complete: boolean;
  more: boolean;
}

export interface ChannelInfo {
  channel: string;
  subscribers: number;
  byTransport: { sse: number; websocket: number; other: number };
}

export interface GatewayStatsSnapshot {
  connections: { sse: number; websocket: number; total: number };
  subscriptions: number;
  channels: number;
  events: { published: number; delivered: number; dropped: number; meanDispatchLatencyMs: number };
  broker: { mode: string; connected: boolean; degraded: boolean; detail?: string; subscriberAlive?: boolean; reconnects?: number; subscribedChannels?: number };
  uptimeSeconds: number;
}

/** A page of a channel's members (DESIGN §11). */
export interface PresencePage {
  channel: string;
  members: PresenceMember[];
  /** The `after` of the next page; null on the last. */
  next: string | null;
  /** Redis is unreachable: only the answering instance's members are listed. */
  partial: boolean;
}

export interface PresenceStats {
  channel: string;
  /** Members (connections subscribed) on every instance. */
  connections: number;
  /** Distinct token subjects among them. */
  users: number;
  partial: boolean;
}

/** A refusal of the HTTP API (RFC 9457 problem). */
export class ProblemError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface ApiOptions {
  /** The gateway's base URL; default the page's origin. */
  url?: string;
  fetch?: typeof fetch;
  /** A fixed bearer token. */
  token?: string | null;
  /**
   * The bearer token, asked at each request (the same callback the live connection uses, so the
   * page has one token source); `refresh` is true on the retry after a 401.
   */
  getToken?: (refresh: boolean) => string | null | undefined | Promise<string | null | undefined>;
}

function base(options: ApiOptions): string {
  const g = globalThis as any;
  return (options.url ?? (g.location ? g.location.origin : '')).replace(/\/+$/, '');
}

async function bearer(options: ApiOptions, refresh: boolean): Promise<string | null> {
  if (options.getToken) return (await options.getToken(refresh)) ?? null;
  return options.token ?? null;
}

async function call<T>(options: ApiOptions, path: string, init: RequestInit = {}): Promise<T> {
  const f = options.fetch ?? ((...a: Parameters<typeof fetch>) => (globalThis as any).fetch(...a));
  const send = async (refresh: boolean) => {
    const headers: Record<string, string> = { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined) };
    const token = await bearer(options, refresh);
    if (token) headers.Authorization = 'Bearer ' + token;
    try {
      return await f(base(options) + path, { ...init, headers, cache: 'no-store' });
    } catch (e) {
      throw new ProblemError(0, 'unreachable', `The gateway is unreachable (${(e as Error)?.message ?? e})`);
    }
  };
  let response = await send(false);
  // One retry with a fresh token: it may just have expired.
  if (response.status === 401 && options.getToken) response = await send(true);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ProblemError(response.status, body?.code ?? 'http_' + response.status,
      body?.detail ?? body?.title ?? `HTTP ${response.status}`);
  }
  return body as T;
}

/** A channel's history: after `since`, or the newest `limit` events without it. */
export function fetchHistory(channel: string, query: { since?: string; limit?: number } = {}, options: ApiOptions = {}): Promise<HistoryPage> {
  const params = new URLSearchParams();
  if (query.since) params.set('since', query.since);
  if (query.limit) params.set('limit', String(query.limit));
  const qs = params.toString();
  return call(options, `/api/channels/${encodeURIComponent(channel)}/history${qs ? '?' + qs : ''}`);
}

/** A page of who is on a channel: whoever may subscribe to it may ask. */
export function fetchPresence(channel: string, query: { after?: string; limit?: number } = {}, options: ApiOptions = {}): Promise<PresencePage> {
  const params = new URLSearchParams();
  if (query.after) params.set('after', query.after);
  if (query.limit) params.set('limit', String(query.limit));
  const qs = params.toString();
  return call(options, `/api/channels/${encodeURIComponent(channel)}/presence${qs ? '?' + qs : ''}`);
}

/** How many are on a channel: connections and distinct users. */
export function fetchPresenceStats(channel: string, options: ApiOptions = {}): Promise<PresenceStats> {
  return call(options, `/api/channels/${encodeURIComponent(channel)}/presence/stats`);
}

export async function fetchChannels(options: ApiOptions = {}): Promise<ChannelInfo[]> {
  return (await call<{ channels: ChannelInfo[] }>(options, '/api/channels')).channels;
}

export function fetchStats(options: ApiOptions = {}): Promise<GatewayStatsSnapshot> {
  return call(options, '/api/realtime/stats');
}

/**
 * Publishes one event over HTTP (`POST /api/channels/{channel}/events`) with an idempotency key
 * (a fresh one unless given). Rejects with a {@link PublishError} carrying the problem's code and status.
 */
export async function publish(channel: string, type: string, data: Record<string, unknown>,
                              options: ApiOptions & Omit<PublishOptions, 'timeoutMs'> = {}): Promise<PublishAck> {
  const invalid = validPublish(channel, type, data, options.idempotencyKey);
  if (invalid) throw invalid;
  const key = options.idempotencyKey ?? newIdempotencyKey();
  const query = options.fallback ? `?fallback=${options.fallback}` : '';
  try {
    const r = await call<{ id: string; delivery: string; duplicate?: boolean }>(options,
      `/api/channels/${encodeURIComponent(channel)}/events${query}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify({ type, data }),
      });
    return { id: r.id, delivery: r.delivery === 'local' ? 'local' : 'cluster', duplicate: r.duplicate === true, idempotencyKey: key };
  } catch (e) {
    if (e instanceof ProblemError) throw new PublishError(e.code, e.message, channel, e.status);
    throw e;
  }
}

/**
 * Reads the stats every `intervalMs` and works out events per second from the published and
 * delivered counters; stops when the returned function is called.
 */
export function watchStats(
  listener: (sample: { stats: GatewayStatsSnapshot; publishedPerSecond: number; deliveredPerSecond: number; at: number }) => void,
  onError: (e: unknown) => void,
  intervalMs = 1000,
  options: ApiOptions = {},
): () => void {
  let stopped = false;
  let previous: { at: number; published: number; delivered: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      const stats = await fetchStats(options);
      const at = Date.now();
      if (stopped) return;
      const seconds = previous ? Math.max(0.001, (at - previous.at) / 1000) : 1;
      listener({
        stats,
        at,
        publishedPerSecond: previous ? Math.max(0, stats.events.published - previous.published) / seconds : 0,
        deliveredPerSecond: previous ? Math.max(0, stats.events.delivered - previous.delivered) / seconds : 0,
      });
      previous = { at, published: stats.events.published, delivered: stats.events.delivered };
    } catch (e) {
      if (!stopped) onError(e);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
