import type { Envelope } from './types.js';

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

/** A refusal of the HTTP API (RFC 9457 problem). */
export class ProblemError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface ApiOptions {
  url?: string;
  fetch?: typeof fetch;
  token?: string | null;
}

function base(options: ApiOptions): string {
  const g = globalThis as any;
  return (options.url ?? (g.location ? g.location.origin : '')).replace(/\/+$/, '');
}

async function call<T>(options: ApiOptions, path: string, init: RequestInit = {}): Promise<T> {
  const f = options.fetch ?? ((...a: Parameters<typeof fetch>) => (globalThis as any).fetch(...a));
  const headers: Record<string, string> = { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined) };
  if (options.token) headers.Authorization = 'Bearer ' + options.token;
  const response = await f(base(options) + path, { ...init, headers, cache: 'no-store' });
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

export async function fetchChannels(options: ApiOptions = {}): Promise<ChannelInfo[]> {
  return (await call<{ channels: ChannelInfo[] }>(options, '/api/channels')).channels;
}

export function fetchStats(options: ApiOptions = {}): Promise<GatewayStatsSnapshot> {
  return call(options, '/api/realtime/stats');
}

export function publish(channel: string, type: string, data: Record<string, unknown>, options: ApiOptions = {}): Promise<{ id: string; delivery: string }> {
  return call(options, `/api/channels/${encodeURIComponent(channel)}/events`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type, data }),
  });
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
