import { ApiOptions, fetchHistory } from './api.js';
import { isNewEvent } from './ids.js';
import type {
  ConnectionInfo, Envelope, Realtime, RealtimeError, ResetInfo, Subscription, SubscriptionStatus,
} from './types.js';

/** What a page shows of one or several channels: the folded value and the states to explain it. */
export interface ViewState<V> {
  value: V;
  /**
   * True from a reset (history no longer reached back to where the page was) until the view is
   * reloaded: the value is the last one the page had, and may be missing events.
   */
  stale: boolean;
  /** True while the channels' recent history is being read (`history: true`), before any of it is shown. */
  loading: boolean;
  connection: ConnectionInfo;
  /** Each channel's subscription, by name. */
  subscriptions: Record<string, SubscriptionStatus>;
  /**
   * What is wrong now, if anything: a refused subscription, else why the connection is down, else a
   * failed history read. Cleared as soon as it no longer holds (the connection is back, the
   * subscription went through).
   */
  error: RealtimeError | undefined;
  /** Resets seen since the view was made. */
  resets: number;
}

/** How a view is built; the callbacks are read at each use, so a page may change them at any time. */
export interface ViewSettings<V, T> {
  reduce: (view: V, event: Envelope<T>) => V;
  initial: V;
  /** Start from the channels' recent history (up to `keep` each), then go live from its position. */
  history?: boolean;
  /** How many history events to read (history, and the default reload). Default 100. */
  keep?: number;
  /** Resume after this id on first subscribe (without `history`). */
  since?: string;
  onEvent?: (event: Envelope<T>) => void;
  onReset?: (info: ResetInfo) => void;
  /**
   * Called on a reset, for the state as it is now (e.g. from the page's own API): it replaces the
   * stale view, and what arrived since the call is folded onto it. Default, with `history`: the
   * channels' recent history again, folded from `initial`; without either, the view goes on from
   * what it had and stays marked stale (the page knows it may miss events).
   */
  reload?: (info: ResetInfo) => V | Promise<V>;
  api?: ApiOptions;
}

/**
 * A channel view with no React in it: subscribes, folds events with a reducer, and keeps the states
 * a page shows (per subscription, the connection, a stale flag after a reset). The React hooks are a
 * thin layer over it; other frameworks can use it as it is.
 */
export class ChannelView<V, T = Record<string, unknown>> {
  private state: ViewState<V>;
  private readonly listeners = new Set<() => void>();
  private readonly subs: Subscription[] = [];
  private readonly off: Array<() => void> = [];
  private historyError: RealtimeError | undefined;
  private active = true;
  /** Set during a reload: events that arrived meanwhile, to fold onto what it returns. */
  private buffered: Envelope<T>[] | null = null;

  constructor(private readonly client: Realtime, private readonly channels: string[],
              private readonly settings: () => ViewSettings<V, T>) {
    const s = settings();
    this.state = {
      value: s.initial, stale: false, loading: !!s.history, connection: client.connection,
      subscriptions: Object.fromEntries(channels.map((c) => [c, { channel: c, state: 'subscribing' } as SubscriptionStatus])),
      error: undefined, resets: 0,
    };
    this.off.push(client.on('connection', (connection) => this.update({ connection })));
    if (s.history) this.loadThenSubscribe(s);
    else channels.forEach((c) => this.subscribeOne(c, s.since));
    this.update({});
  }

  getSnapshot = (): ViewState<V> => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  close(): void {
    this.active = false;
    this.subs.forEach((s) => s.unsubscribe());
    this.off.forEach((f) => f());
    this.listeners.clear();
  }

  private subscribeOne(channel: string, since: string | undefined): void {
    const sub = this.client.subscribe<T>(channel, {
      event: (e) => this.event(e),
      reset: (info) => this.reset(info),
      state: (status) => this.update({ subscriptions: { ...this.state.subscriptions, [channel]: status } }),
    }, since ? { since } : {});
    this.subs.push(sub);
    this.update({ subscriptions: { ...this.state.subscriptions, [channel]: sub.status } });
  }

  /** History first, then live from the position history gave: nothing between them is lost. */
  private loadThenSubscribe(s: ViewSettings<V, T>): void {
    this.read(s).then((loaded) => {
      if (!this.active) return;
      this.historyError = undefined;
      this.update({ value: loaded.value, loading: false });
      loaded.positions.forEach((position, i) => this.subscribeOne(this.channels[i], position));
    }, (e) => {
      if (!this.active) return;
      this.historyError = { code: e?.code ?? 'history_failed', message: `History unavailable: ${e?.message ?? e}` };
      this.update({ loading: false });
      this.channels.forEach((c) => this.subscribeOne(c, s.since));
    });
  }

  private async read(s: ViewSettings<V, T>): Promise<{ value: V; positions: string[] }> {
    const keep = s.keep ?? 100;
    const pages = await Promise.all(this.channels.map((c) => fetchHistory(c, { limit: keep }, s.api ?? {})));
    let value = s.initial;
    for (const page of pages) {
      for (const e of page.events as Envelope<T>[]) {
        s.onEvent?.(e);
        value = s.reduce(value, e);
      }
    }
    return { value, positions: pages.map((p) => p.position) };
  }

  private event(e: Envelope<T>): void {
    if (!this.active) return;
    const s = this.settings();
    s.onEvent?.(e);
    this.buffered?.push(e);
    this.update({ value: s.reduce(this.state.value, e) });
  }

  private reset(info: ResetInfo): void {
    if (!this.active) return;
    const s = this.settings();
    s.onReset?.(info);
    this.update({ stale: true, resets: this.state.resets + 1 });
    if (!s.reload && !s.history) {
      this.buffered = null;
      return;
    }
    const buffered: Envelope<T>[] = [];
    this.buffered = buffered;
    const reload: Promise<{ value: V; positions?: string[] }> = s.reload
      ? Promise.resolve(s.reload(info)).then((value) => ({ value }))
      : this.read(s);
    reload.then(({ value, positions }) => {
      if (!this.active || this.buffered !== buffered) return;
      this.buffered = null;
      // What arrived during the reload and is newer than what it read goes on top.
      const after = positions
        ? buffered.filter((e) => isNewEvent(e.id, positions[this.channels.indexOf(e.channel)]))
        : buffered;
      const next = after.reduce((v, e) => s.reduce(v, e), value);
      this.historyError = undefined;
      this.update({ value: next, stale: false });
    }, (e) => {
      if (!this.active || this.buffered !== buffered) return;
      this.buffered = null;
      this.historyError = { code: e?.code ?? 'reload_failed', message: `Could not reload after a reset: ${e?.message ?? e}` };
      this.update({});
    });
  }

  private update(change: Partial<ViewState<V>>): void {
    if (!this.active) return;
    const next = { ...this.state, ...change };
    next.error = currentError(next, this.historyError);
    this.state = next;
    for (const l of [...this.listeners]) l();
  }
}

function currentError(state: ViewState<unknown>, historyError: RealtimeError | undefined): RealtimeError | undefined {
  for (const s of Object.values(state.subscriptions)) if (s.state === 'refused' && s.error) return s.error;
  if (state.connection.state !== 'open' && state.connection.reason) return state.connection.reason;
  return historyError;
}

/** Whole seconds until the next attempt, for "retrying in N s" (undefined when none is scheduled). */
export function retryInSeconds(connection: ConnectionInfo, now: number = Date.now()): number | undefined {
  if (connection.state !== 'reconnecting' || connection.retryAt === undefined) return undefined;
  return Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
}

/** A sentence for a connection state, as a status line shows it. */
export function describeConnection(connection: ConnectionInfo, now: number = Date.now()): string {
  const why = connection.reason ? `${connection.reason.message}. ` : '';
  switch (connection.state) {
    case 'idle': return 'Not connected (nothing to watch)';
    case 'connecting': return 'Connecting…';
    case 'open': return 'Live';
    case 'reconnecting': {
      const n = retryInSeconds(connection, now);
      return `${why}${n === undefined || n === 0 ? 'Reconnecting…' : `Retrying in ${n} s`}`;
    }
    case 'offline': return 'Offline: waiting for the network';
    case 'stopped': return `${why}Stopped: reconnect to try again`;
    case 'closed': return 'Closed';
  }
}
