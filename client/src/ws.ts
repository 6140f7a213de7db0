import { BaseClient, ClientOptions } from './client.js';
import type { WebSocketLike } from './environment.js';
import { newIdempotencyKey, validPublish } from './publish.js';
import { PublishError } from './types.js';
import type { Envelope, PresenceSignal, PublishAck, PublishOptions, TransportName } from './types.js';

type Pending =
  | { op: 'subscribe'; channel: string; since?: string }
  | { op: 'unsubscribe'; channel: string }
  | { op: 'auth'; generation: number; first: boolean }
  | { op: 'publish'; outgoing: Outgoing };

/** A publish waiting for its ack: queued until a link is up, resent on the next one if the link died first. */
interface Outgoing {
  message: Record<string, unknown>;
  channel: string;
  key: string;
  resolve(ack: PublishAck): void;
  reject(error: PublishError): void;
  timer: unknown;
  /** The ref it was last sent with (undefined: not sent on the current link). */
  ref?: string;
}

/**
 * The WebSocket client (DESIGN §6): one socket, a `subscribe` per channel with `since` set to the
 * channel's last id (or the `position` of its `subscribed` reply when it has seen no event), so a
 * reconnect resumes every channel. `recovered:false` is a reset. A frame may carry several
 * messages, one per line. Browsers cannot see protocol pings, so the client sends `{"op":"ping"}`
 * and the watchdog counts any message, the `pong` included, as life.
 *
 * With a token, `auth` is the first frame and nothing else is sent until `authenticated` answers it;
 * before the token expires (the `expiresAt` of that answer) a fresh one is sent in place, on the same
 * socket. Publishes wait in a bounded queue while there is no link and are sent again, with the same
 * idempotency key, when a link died before their ack: the gateway publishes a key once.
 */
export class WebSocketClient extends BaseClient {
  readonly transport: TransportName = 'websocket';
  private socket: WebSocketLike | null = null;
  private ready = false;
  private readonly subscribed = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly outgoing = new Set<Outgoing>();
  private nextRef = 1;
  private pingTimer: unknown = null;
  private refreshTimer: unknown = null;

  constructor(options: ClientOptions = {}) {
    super(options);
  }

  publish(channel: string, type: string, data: Record<string, unknown>, options: PublishOptions = {}): Promise<PublishAck> {
    if (this.state === 'closed') return Promise.reject(new PublishError('closed', 'This client is closed', channel));
    const invalid = validPublish(channel, type, data, options.idempotencyKey);
    if (invalid) return Promise.reject(invalid);
    if (this.outgoing.size >= this.options.maxQueuedPublishes) {
      return Promise.reject(new PublishError('queue_full', `${this.outgoing.size} publishes are already waiting`, channel));
    }
    const key = options.idempotencyKey ?? newIdempotencyKey(this.env.random);
    const message: Record<string, unknown> = { op: 'publish', channel, type, data, idempotencyKey: key };
    if (options.fallback) message.fallback = options.fallback;
    return new Promise<PublishAck>((resolve, reject) => {
      const out: Outgoing = { message, channel, key, resolve, reject, timer: null };
      out.timer = this.env.setTimeout(() => {
        this.forget(out);
        reject(new PublishError('timeout', `No ack within ${options.timeoutMs ?? this.options.publishTimeout} ms; `
          + 'it may still have been published: retry with the same idempotencyKey', channel));
      }, options.timeoutMs ?? this.options.publishTimeout);
      this.outgoing.add(out);
      if (this.ready) this.sendPublish(out);
      else this.demandChanged();
    });
  }

  refreshToken(): void {
    if (!this.ready || !this.socket) return;
    void this.reauthenticate(this.generation);
  }

  protected pendingWork(): boolean {
    return this.outgoing.size > 0;
  }

  protected closing(): void {
    for (const out of [...this.outgoing]) {
      this.forget(out);
      out.reject(new PublishError('closed', 'The client was closed before the ack', out.channel));
    }
  }

  protected openLink(generation: number): void {
    const url = this.baseUrl.replace(/^http/, 'ws') + this.options.wsPath;
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
      if (event.code === 1008) this.refused();
      this.lost(generation, closeReason(event.code, event.reason));
    };
    socket.onerror = () => {
      // A close follows every error; that is where the reconnect starts.
    };
  }

  private async start(generation: number, socket: WebSocketLike): Promise<void> {
    const token = await this.token();
    if (generation !== this.generation) return;
    const ping = () => {
      if (generation !== this.generation || this.socket !== socket) return;
      this.send({ op: 'ping' });
      this.pingTimer = this.env.setTimeout(ping, this.options.pingInterval);
    };
    this.pingTimer = this.env.setTimeout(ping, this.options.pingInterval);
    if (token) {
      // Nothing else until the gateway has the token: a subscribe before it would be refused as anonymous.
      this.send({ op: 'auth', token, ref: this.ref({ op: 'auth', generation, first: true }) });
    } else {
      this.ready = true;
      this.live(generation);
    }
  }

  /** Authenticated (or no token needed): open, subscribe every channel, send what waits. */
  private live(generation: number): void {
    this.opened(generation);
    for (const channel of this.channels.keys()) this.subscribeOne(channel);
    for (const out of this.outgoing) this.sendPublish(out);
  }

  private async reauthenticate(generation: number): Promise<void> {
    const token = await this.token(true);
    if (generation !== this.generation || !this.ready || !token) return;
    this.send({ op: 'auth', token, ref: this.ref({ op: 'auth', generation, first: false }) });
  }

  protected syncLink(): void {
    if (!this.socket || !this.ready) return; // live() subscribes what is held then
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
    if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
    this.pingTimer = null;
    this.refreshTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    this.subscribed.clear();
    this.pending.clear();
    // Unacked publishes go again on the next link, with their keys.
    for (const out of this.outgoing) out.ref = undefined;
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
    this.subscriptionState(channel, 'subscribing');
    const message: Record<string, unknown> = { op: 'subscribe', channel, ref: this.ref({ op: 'subscribe', channel, since }) };
    if (since) message.since = since;
    this.send(message);
  }

  private sendPublish(out: Outgoing): void {
    out.ref = this.ref({ op: 'publish', outgoing: out });
    this.send({ ...out.message, ref: out.ref });
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
        if (typeof message.position === 'string') this.position(generation, channel, message.position);
        // recovered:false answers a resume, or comes unasked (no ref) when the gateway found
        // events of a live subscription lost (DESIGN §6): either way the channel reloads.
        if (message.recovered === false
            && ((pending?.op === 'subscribe' && pending.since) || message.ref === undefined)) {
          this.resetChannel(generation, { channel, reason: 'history_gap' });
        }
        this.subscriptionState(channel, 'subscribed');
        return;
      }
      case 'join':
      case 'leave':
        this.presenceSignal(generation, message.op, message as unknown as PresenceSignal);
        return;
      case 'authenticated':
        if (pending?.op === 'auth') this.authenticated(generation, pending.first, message.expiresAt);
        return;
      case 'ack':
        if (pending?.op === 'publish') {
          const out = pending.outgoing;
          if (!this.outgoing.has(out)) return; // timed out meanwhile
          this.forget(out);
          out.resolve({
            id: String(message.id), delivery: message.delivery === 'local' ? 'local' : 'cluster',
            duplicate: message.duplicate === true, idempotencyKey: out.key,
          });
        }
        return;
      case 'error': {
        const code = String(message.code ?? 'error');
        const text = String(message.message ?? '');
        if (pending?.op === 'subscribe') {
          this.subscribed.delete(pending.channel);
          this.subscriptionState(pending.channel, 'refused', { code, message: text, channel: pending.channel });
        } else if (pending?.op === 'publish') {
          const out = pending.outgoing;
          if (this.outgoing.has(out)) {
            this.forget(out);
            out.reject(new PublishError(code, text, out.channel));
          }
          return; // the caller has it; not the connection's error
        } else if (pending?.op === 'auth' && pending.first) {
          // Not a refusal of the token (that closes with 1008): carry on as the handshake made us.
          this.ready = true;
          this.live(generation);
        }
        this.error({ code, message: text, channel: pending && 'channel' in pending ? pending.channel : undefined });
        return;
      }
      default:
        return; // pong, unsubscribed: the watchdog already counted them
    }
  }

  private authenticated(generation: number, first: boolean, expiresAt: unknown): void {
    if (generation !== this.generation) return;
    if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const expires = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
    if (Number.isFinite(expires)) {
      const wait = Math.max(1000, expires - this.env.now() - this.options.tokenRefreshMargin);
      this.refreshTimer = this.env.setTimeout(() => {
        this.refreshTimer = null;
        void this.reauthenticate(generation);
      }, wait);
    }
    if (first) {
      this.ready = true;
      this.live(generation);
    }
  }

  private forget(out: Outgoing): void {
    this.env.clearTimeout(out.timer);
    this.outgoing.delete(out);
    if (this.outgoing.size === 0) this.demandChanged();
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

/** A close as a page can explain it. */
function closeReason(code: number, reason: string): { code: string; message: string } {
  switch (code) {
    case 1006:
      return { code: 'unreachable', message: 'The gateway is unreachable (the connection dropped or could not be made)' };
    case 1001:
      return { code: 'shutdown', message: 'The gateway is restarting' };
    case 1008:
      return { code: 'unauthorized', message: reason || 'The token was refused' };
    case 1009:
      return { code: 'too_large', message: reason || 'A message was too large' };
    case 1013:
      return { code: 'limit', message: reason || 'The gateway is at a limit (too many connections, or this client read too slowly)' };
    default:
      return { code: 'closed', message: `Closed by the gateway (${code})${reason ? ': ' + reason : ''}` };
  }
}
