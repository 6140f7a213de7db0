import { BaseClient, ClientOptions } from './client.js';
import type { WebSocketLike } from './environment.js';
import type { Envelope, TransportName } from './types.js';

interface Pending {
  op: 'subscribe' | 'unsubscribe';
  channel: string;
  since?: string;
}

/**
 * The WebSocket client (DESIGN §6): one socket, a `subscribe` per channel with `since` set to the
 * channel's last id (or the `position` of its `subscribed` reply when it has seen no event), so a
 * reconnect resumes every channel. `recovered:false` is a reset. A frame may carry several
 * messages, one per line. Browsers cannot see protocol pings, so the client sends `{"op":"ping"}`
 * and the watchdog counts any message, the `pong` included, as life.
 */
export class WebSocketClient extends BaseClient {
  readonly transport: TransportName = 'websocket';
  private socket: WebSocketLike | null = null;
  private readonly subscribed = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private nextRef = 1;
  private pingTimer: unknown = null;

  constructor(options: ClientOptions = {}) {
    super(options);
  }

  protected openLink(generation: number): void {
    const url = this.baseUrl.replace(/^http/, 'ws') + '/ws';
    let socket: WebSocketLike;
    try {
      socket = new this.env.WebSocket(url);
    } catch (e) {
      this.env.setTimeout(() => this.lost(generation, { code: 'network', message: String(e) }), 0);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (generation !== this.generation) return;
      void this.start(generation, socket);
    };
    socket.onmessage = (message) => {
      if (generation !== this.generation) return;
      this.alive(generation);
      for (const line of String(message.data).split('\n')) {
        if (line.trim() === '') continue;
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        this.handle(generation, parsed);
      }
    };
    socket.onclose = (event) => {
      if (generation !== this.generation) return;
      if (event.code === 1008) this.tokenRefused = true;
      this.lost(generation, { code: 'closed', message: `Closed ${event.code}${event.reason ? ': ' + event.reason : ''}` });
    };
    socket.onerror = () => {
      // A close follows every error; that is where the reconnect starts.
    };
  }

  private async start(generation: number, socket: WebSocketLike): Promise<void> {
    const token = await this.token();
    if (generation !== this.generation) return;
    if (token) this.send({ op: 'auth', token });
    this.opened(generation);
    for (const channel of this.channels.keys()) this.subscribeOne(channel);
    const ping = () => {
      if (generation !== this.generation || this.socket !== socket) return;
      this.send({ op: 'ping' });
      this.pingTimer = this.env.setTimeout(ping, this.options.pingInterval);
    };
    this.pingTimer = this.env.setTimeout(ping, this.options.pingInterval);
  }

  protected syncLink(): void {
    if (!this.socket || this.state !== 'open') return; // the open handler subscribes what is held then
    for (const channel of this.channels.keys()) {
      if (!this.subscribed.has(channel)) this.subscribeOne(channel);
    }
    for (const channel of [...this.subscribed]) {
      if (!this.channels.has(channel)) {
        this.subscribed.delete(channel);
        this.send({ op: 'unsubscribe', channel, ref: this.ref({ op: 'unsubscribe', channel }) });
      }
    }
  }

  protected closeLink(): void {
    if (this.pingTimer !== null) this.env.clearTimeout(this.pingTimer);
    this.pingTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.subscribed.clear();
    this.pending.clear();
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000);
      } catch {
        // already closing
      }
    }
  }

  private subscribeOne(channel: string): void {
    const since = this.entry(channel)?.last;
    this.subscribed.add(channel);
    const message: Record<string, unknown> = { op: 'subscribe', channel, ref: this.ref({ op: 'subscribe', channel, since }) };
    if (since) message.since = since;
    this.send(message);
  }

  private handle(generation: number, message: Record<string, unknown>): void {
    const pending = typeof message.ref === 'string' ? this.pending.get(message.ref) : undefined;
    if (pending && message.op !== 'event') this.pending.delete(message.ref as string);
    switch (message.op) {
      case 'event': {
        const { op: _op, ...envelope } = message;
        this.deliver(generation, envelope as unknown as Envelope);
        return;
      }
      case 'subscribed': {
        const channel = String(message.channel);
        // recovered:false answers a resume, or comes unasked (no ref) when the gateway found
        // events of a live subscription lost (DESIGN §6): either way the channel reloads.
        if (message.recovered === false && (pending?.since || message.ref === undefined)) {
          this.resetChannel(generation, { channel, reason: 'history_gap' });
        }
        if (typeof message.position === 'string') this.position(generation, channel, message.position);
        return;
      }
      case 'error':
        if (pending?.op === 'subscribe') this.subscribed.delete(pending.channel);
        this.error({ code: String(message.code ?? 'error'), message: String(message.message ?? ''), channel: pending?.channel });
        return;
      default:
        return; // pong, ack, unsubscribed: the watchdog already counted them
    }
  }

  private ref(pending: Pending): string {
    const ref = String(this.nextRef++);
    this.pending.set(ref, pending);
    return ref;
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
  }
}
