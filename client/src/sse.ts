import { publish } from './api.js';
import { BaseClient, ClientOptions } from './client.js';
import { SseMessage, SseParser } from './sse-parser.js';
import type { Envelope, PresenceSignal, PublishAck, PublishOptions, TransportName } from './types.js';

/** How long an old stream stays open after its replacement is live, for what it still had in flight. */
const OVERLAP_MS = 500;

interface Stream {
  readonly channels: string[];
  readonly key: string;
  readonly controller: AbortController;
  live: boolean;
}

/**
 * SSE over fetch (DESIGN §5), so it can send `Authorization` and `Last-Event-ID` itself. One stream
 * carries every channel of the page. It resumes with the stream cursor (the last `id:`), which the
 * `position` message gives before any event. A changed channel set needs a new stream (the cursor
 * belongs to one set): the new one opens, and the old one closes only once the new one is live, so
 * the channels both carry have no gap; the duplicates the overlap brings are dropped by id.
 */
export class SseClient extends BaseClient {
  readonly transport: TransportName = 'sse';
  private stream: Stream | null = null;
  private retiring: Stream | null = null;
  private retireTimer: unknown = null;
  /** The last `id:` seen, and the channel set it belongs to. */
  private cursor: { key: string; id: string } | null = null;

  constructor(options: ClientOptions = {}) {
    super(options);
  }

  /** SSE only receives: a publish goes over HTTP, with the connection's token source. */
  publish(channel: string, type: string, data: Record<string, unknown>, options: PublishOptions = {}): Promise<PublishAck> {
    return publish(channel, type, data, {
      url: this.baseUrl, fetch: this.env.fetch, getToken: (refresh) => this.token(refresh),
      idempotencyKey: options.idempotencyKey, fallback: options.fallback,
    });
  }

  protected openLink(generation: number): void {
    this.stream = this.start(generation, this.channelList(), true);
  }

  protected syncLink(): void {
    const channels = this.channelList();
    if (this.stream && this.stream.key === channels.join('\n')) return;
    if (!this.stream || !this.stream.live) {
      // Nothing live to keep: start over with the new set.
      this.abort(this.stream);
      this.stream = this.start(this.generation, channels, true);
      return;
    }
    this.abort(this.retiring);
    this.retiring = this.stream;
    this.stream = this.start(this.generation, channels, false);
  }

  protected closeLink(): void {
    this.abort(this.stream);
    this.abort(this.retiring);
    this.stream = null;
    this.retiring = null;
    if (this.retireTimer !== null) this.env.clearTimeout(this.retireTimer);
    this.retireTimer = null;
  }

  private channelList(): string[] {
    return [...this.channels.keys()].sort();
  }

  /** Where this set of channels resumes: its own cursor, or, for one channel, that channel's last id. */
  private resumeFrom(channels: string[]): string | undefined {
    const key = channels.join('\n');
    if (this.cursor && this.cursor.key === key) return this.cursor.id;
    if (channels.length === 1) return this.entry(channels[0])?.last;
    return undefined;
  }

  private start(generation: number, channels: string[], resume: boolean): Stream {
    const stream: Stream = { channels, key: channels.join('\n'), controller: new AbortController(), live: false };
    this.run(generation, stream, resume ? this.resumeFrom(channels) : undefined).catch((e) => {
      if (!stream.controller.signal.aborted) {
        this.streamFailed(generation, stream, 'unreachable', `The gateway is unreachable (${e?.message ?? e})`);
      }
    });
    return stream;
  }

  private async run(generation: number, stream: Stream, lastEventId: string | undefined): Promise<void> {
    const query = stream.channels.map((c) => 'channel=' + encodeURIComponent(c)).join('&');
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const token = await this.token();
    if (token) headers.Authorization = 'Bearer ' + token;
    if (stream.controller.signal.aborted) return;
    const response = await this.env.fetch(`${this.baseUrl}/api/stream?${query}`, {
      headers, signal: stream.controller.signal, cache: 'no-store', credentials: 'same-origin',
    });
    if (!response.ok || !response.body) {
      const problem = await response.json().catch(() => null) as { code?: string; detail?: string } | null;
      if (response.status === 401) this.refused();
      const code = problem?.code ?? 'http_' + response.status;
      const detail = problem?.detail ?? `The stream answered ${response.status}`;
      if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 429) {
        // One stream carries every channel: a refusal (forbidden, unknown namespace) refuses them all.
        for (const c of stream.channels) this.subscriptionState(c, 'refused', { code, message: detail, channel: c, status: response.status });
      }
      this.streamFailed(generation, stream, code, detail, response.status);
      return;
    }
    if (stream === this.stream) this.opened(generation);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser((m) => this.message(generation, stream, m));
    while (true) {
      const { done, value } = await reader.read();
      if (stream.controller.signal.aborted) return;
      if (done) break;
      if (stream === this.stream) this.alive(generation);
      parser.feed(decoder.decode(value, { stream: true }));
    }
    this.streamFailed(generation, stream, 'stream_ended', 'The server ended the stream');
  }

  private message(generation: number, stream: Stream, m: SseMessage): void {
    if (generation !== this.generation || stream.controller.signal.aborted) return;
    if (m.retry !== undefined) this.serverRetryMs = m.retry;
    if (m.id !== undefined && m.id !== '' && stream === this.stream) this.cursor = { key: stream.key, id: m.id };
    switch (m.event) {
      case 'position': {
        stream.live = true;
        for (const c of stream.channels) this.subscriptionState(c, 'subscribed');
        if (stream.channels.length === 1) {
          const data = parse(m.data) as { position?: string } | null;
          if (data?.position) this.position(generation, stream.channels[0], data.position);
        }
        if (stream === this.stream && this.retiring) this.retireSoon(this.retiring);
        return;
      }
      case 'reset': {
        const data = parse(m.data) as { channel?: string; reason?: string } | null;
        if (data?.channel) this.resetChannel(generation, { channel: data.channel, reason: data.reason ?? 'history_gap' });
        return;
      }
      case 'join':
      case 'leave': {
        const signal = parse(m.data) as PresenceSignal | null;
        if (signal?.channel) this.presenceSignal(generation, m.event, signal);
        return;
      }
      case 'shutdown':
        this.streamFailed(generation, stream, 'shutdown', 'The gateway is stopping');
        return;
      case 'unauthorized': {
        // The token expired or was revoked: the next connection asks the page for a fresh one.
        const data = parse(m.data) as { reason?: string } | null;
        this.refused();
        this.streamFailed(generation, stream, 'unauthorized', data?.reason ?? 'The token was refused');
        return;
      }
      default: {
        const envelope = parse(m.data) as Envelope | null;
        if (envelope && typeof envelope.channel === 'string') this.deliver(generation, envelope);
      }
    }
  }

  private retireSoon(old: Stream): void {
    if (this.retireTimer !== null) this.env.clearTimeout(this.retireTimer);
    this.retireTimer = this.env.setTimeout(() => {
      this.retireTimer = null;
      if (this.retiring === old) {
        this.abort(old);
        this.retiring = null;
      }
    }, OVERLAP_MS);
  }

  private streamFailed(generation: number, stream: Stream, code: string, message: string, status?: number): void {
    if (stream === this.retiring) {
      this.retiring = null; // its replacement carries on
      return;
    }
    if (stream !== this.stream) return;
    this.lost(generation, { code, message, status });
  }

  private abort(stream: Stream | null): void {
    if (stream && !stream.controller.signal.aborted) stream.controller.abort();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
