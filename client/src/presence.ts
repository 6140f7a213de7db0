import { ApiOptions, fetchPresence, ProblemError } from './api.js';
import type { PresenceMember, PresenceSignal, Realtime, RealtimeError, Subscription } from './types.js';

/** Who is on a channel, as a page shows it. */
export interface PresenceState {
  channel: string;
  /** In member id order (the gateway's), joins added, leaves removed as they come. */
  members: PresenceMember[];
  /** The gateway could not reach Redis at the last read: these are its instance's members only. */
  partial: boolean;
  /** The first read has not answered yet. */
  loading: boolean;
  error?: RealtimeError;
}

export interface PresenceViewOptions {
  /** Most members read (one page); default 1000, the gateway's cap. */
  limit?: number;
  /** Read again this often (ms): for namespaces without join-leave, which send no joins. Default 0: never. */
  refreshMs?: number;
}

/**
 * A channel's members kept current with no React in it (the hook is a thin shell): it subscribes,
 * reads the members once the subscription is live, and applies joins and leaves; the ones that
 * arrive while a read is on its way are applied after it, so none is lost to the race. It reads
 * again after a reconnect (signals are not replayed) and after a reset.
 */
export class PresenceView {
  private readonly members = new Map<string, PresenceMember>();
  private subscription: Subscription | null = null;
  private state: PresenceState;
  /** Signals that came during the read in flight; null when none is. */
  private queued: Array<['join' | 'leave', PresenceSignal]> | null = null;
  private live = false;
  private stopped = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reads = 0;

  constructor(private readonly client: Realtime, readonly channel: string, private readonly api: ApiOptions,
              private readonly listener: (state: PresenceState) => void, private readonly options: PresenceViewOptions = {}) {
    this.state = { channel, members: [], partial: false, loading: true };
  }

  start(): void {
    this.subscription = this.client.subscribe(this.channel, {
      join: (s) => this.signal('join', s),
      leave: (s) => this.signal('leave', s),
      reset: () => void this.read(),
      state: (status) => {
        if (status.state === 'subscribed' && !this.live) {
          this.live = true;
          void this.read();
        } else if (status.state === 'subscribing' || status.state === 'refused') {
          this.live = false;
          if (status.state === 'refused') this.emit({ error: status.error, loading: false });
        }
      },
    });
    if (this.subscription.status.state === 'subscribed') {
      this.live = true;
      void this.read();
    }
    if (this.options.refreshMs) this.timer = setInterval(() => void this.read(), this.options.refreshMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  current(): PresenceState {
    return this.state;
  }

  private signal(kind: 'join' | 'leave', signal: PresenceSignal): void {
    if (this.queued) {
      this.queued.push([kind, signal]);
      return;
    }
    this.apply(kind, signal);
    this.emit({});
  }

  private apply(kind: 'join' | 'leave', signal: PresenceSignal): void {
    if (kind === 'join') this.members.set(signal.member.id, signal.member);
    else this.members.delete(signal.member.id);
  }

  private async read(): Promise<void> {
    const n = ++this.reads;
    this.queued = this.queued ?? [];
    try {
      const page = await fetchPresence(this.channel, { limit: this.options.limit ?? 1000 }, this.api);
      if (this.stopped || n !== this.reads) return;
      this.members.clear();
      for (const m of page.members) this.members.set(m.id, m);
      for (const [kind, s] of this.queued ?? []) this.apply(kind, s);
      this.queued = null;
      this.emit({ partial: page.partial, loading: false, error: undefined });
    } catch (e) {
      if (this.stopped || n !== this.reads) return;
      for (const [kind, s] of this.queued ?? []) this.apply(kind, s);
      this.queued = null;
      const error = e instanceof ProblemError ? { code: e.code, message: e.message, status: e.status, channel: this.channel }
        : { code: 'error', message: String(e), channel: this.channel };
      this.emit({ loading: false, error });
    }
  }

  private emit(change: Partial<PresenceState>): void {
    const members = [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.state = { ...this.state, ...change, members };
    this.listener(this.state);
  }
}
