import { backoffDelay } from './backoff.js';
import { DEFAULTS } from './client.js';
import { defaultEnvironment, Environment } from './environment.js';
import { isEventId, isNewEvent } from './ids.js';
import { SseParser } from './sse-parser.js';
import type { ConnectionInfo, ConnectionState, Envelope, RealtimeError, ResetInfo } from './types.js';

/** One request that answers with an SSE stream of envelopes: a seed route (`/api/stream/...`). */
export interface RouteRequest {
  /** A path on the gateway (`/api/stream/render-progress/42`) or an absolute URL. */
  url: string;
  method?: 'GET' | 'POST';
  /** A POST's form fields (sent as `application/x-www-form-urlencoded`). */
  form?: Record<string, string | string[] | undefined>;
}

export interface RouteStreamOptions<T = Record<string, unknown>> {
  request: RouteRequest;
  /** The gateway's base URL for a path; default the page's origin. */
  base?: string;
  /** Where to resume after a drop, from the first response (default: the same request). */
  resume?: (response: Response) => RouteRequest | undefined;
  /** Event types that end the stream: after one, an end of stream is the end, not a drop. */
  endOn?: string[];
  getToken?: (refresh: boolean) => string | null | undefined | Promise<string | null | undefined>;
  minReconnectDelay?: number;
  maxReconnectDelay?: number;
  /** Give up after this many failed attempts in a row (state `stopped`). Default never. */
  maxReconnectAttempts?: number;
  onEvent(event: Envelope<T>): void;
  onReset?(info: ResetInfo): void;
  /** The first response's headers (`X-Evaluation-Id`...). */
  onResponse?(response: Response): void;
  onConnection(info: ConnectionInfo): void;
  env?: Partial<Environment>;
}

/** Where the seed routes end: a job's end, an evaluation's score. */
export const TERMINAL_TYPES = ['job_completed', 'job_failed', 'ai_score'];

/**
 * Reads a seed route the way the channel clients read `/api/stream`: over fetch (so it sends
 * `Authorization` and `Last-Event-ID`), resuming after a drop from the last id with capped,
 * jittered back-off, and stopping for good on a refusal that a retry cannot fix (a 4xx other than
 * 401 and 429) or a second refused token. A stream that ends after one of `endOn` is finished
 * (state `closed`).
 */
export class RouteStream<T = Record<string, unknown>> {
  private readonly env: Environment;
  private controller: AbortController | null = null;
  private timer: unknown = null;
  private last: string | undefined;
  private attempt = 0;
  private first = true;
  private ended = false;
  private closed = false;
  private refused = false;
  private refreshed = false;
  private request: RouteRequest;
  private info: ConnectionInfo = { state: 'connecting', attempt: 0 };

  constructor(private readonly options: RouteStreamOptions<T>) {
    this.env = defaultEnvironment(options.env);
    this.request = options.request;
    this.set({ state: 'connecting', attempt: 0 });
    this.open();
  }

  get connection(): ConnectionInfo {
    return this.info;
  }

  /** Tries again now (after a stop, or to skip a back-off). */
  reconnect(): void {
    if (this.closed || this.ended) return;
    this.refused = this.refreshed = false;
    this.attempt = 0;
    this.controller?.abort();
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  close(): void {
    this.closed = true;
    this.controller?.abort();
    if (this.timer !== null) this.env.clearTimeout(this.timer);
  }

  private open(): void {
    const controller = new AbortController();
    this.controller = controller;
    this.run(controller).catch((e) => {
      if (!controller.signal.aborted) this.failed({ code: 'unreachable', message: `The gateway is unreachable (${e?.message ?? e})` });
    });
  }

  private async run(controller: AbortController): Promise<void> {
    const r = this.request;
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.last) headers['Last-Event-ID'] = this.last;
    const token = this.options.getToken ? await this.options.getToken(this.refused) : null;
    if (this.refused) this.refreshed = true;
    if (token) headers.Authorization = 'Bearer ' + token;
    let body: string | undefined;
    if (r.method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = formBody(r.form ?? {});
    }
    if (controller.signal.aborted) return;
    const base = (this.options.base ?? this.env.origin()).replace(/\/+$/, '');
    const url = /^https?:/.test(r.url) ? r.url : base + r.url;
    const response = await this.env.fetch(url, {
      method: r.method ?? 'GET', headers, body, signal: controller.signal, cache: 'no-store', credentials: 'same-origin',
    });
    if (!response.ok || !response.body) {
      const problem = await response.json().catch(() => null) as { code?: string; detail?: string; title?: string } | null;
      const reason: RealtimeError = {
        code: problem?.code ?? 'http_' + response.status, status: response.status,
        message: problem?.detail ?? problem?.title ?? `The route answered ${response.status}`,
      };
      if (response.status === 401) this.refused = true;
      const final = response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 429;
      if (final) this.stop(reason);
      else this.failed(reason);
      return;
    }
    if (this.first) {
      this.first = false;
      this.options.onResponse?.(response);
      const next = this.options.resume?.(response);
      if (next) this.request = next;
    }
    this.attempt = 0;
    this.refused = this.refreshed = false;
    this.set({ state: 'open', attempt: 0 });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser((m) => {
      if (controller.signal.aborted) return;
      if (m.event === 'reset') {
        const d = parse(m.data) as { channel?: string; reason?: string } | null;
        this.options.onReset?.({ channel: d?.channel ?? '', reason: d?.reason ?? 'history_gap' });
        return;
      }
      if (m.event === 'unauthorized') {
        this.refused = true;
        return;
      }
      if (m.event === 'position' || m.event === 'shutdown') return;
      const e = parse(m.data) as Envelope<T> | null;
      if (!e || typeof e.type !== 'string' || !isEventId(e.id)) return;
      if (!isNewEvent(e.id, this.last)) return;
      this.last = e.id;
      if ((this.options.endOn ?? TERMINAL_TYPES).includes(e.type)) this.ended = true;
      this.options.onEvent(e);
    });
    while (true) {
      const { done, value } = await reader.read();
      if (controller.signal.aborted) return;
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    if (this.ended) this.set({ state: 'closed', attempt: 0 });
    else this.failed(this.refused ? { code: 'unauthorized', message: 'The token was refused' } : { code: 'stream_ended', message: 'The stream ended' });
  }

  private failed(reason: RealtimeError): void {
    if (this.closed) return;
    if (this.refused && this.refreshed) return this.stop(reason);
    if (this.attempt >= (this.options.maxReconnectAttempts ?? Infinity)) return this.stop(reason);
    const delay = backoffDelay(this.attempt, this.options.minReconnectDelay ?? DEFAULTS.minReconnectDelay,
      this.options.maxReconnectDelay ?? DEFAULTS.maxReconnectDelay, this.env.random);
    this.attempt++;
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.open();
    }, delay);
    this.set({ state: 'reconnecting', attempt: this.attempt, reason, retryAt: this.env.now() + delay });
  }

  private stop(reason: RealtimeError): void {
    if (this.closed) return;
    this.set({ state: 'stopped', attempt: this.attempt, reason });
  }

  private set(info: ConnectionInfo): void {
    this.info = info;
    this.options.onConnection(info);
  }
}

export type RouteState = ConnectionState;

function formBody(form: Record<string, string | string[] | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  }
  return p.toString();
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
