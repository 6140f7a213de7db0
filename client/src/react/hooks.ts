import {
  createContext, createElement, ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState,
} from 'react';
import { ApiOptions, GatewayStatsSnapshot, watchStats } from '../api.js';
import { ClientRegistry, ConnectOptions, pageClients } from '../connect.js';
import { PublishError } from '../types.js';
import type {
  ConnectionInfo, ConnectionState, Envelope, PublishAck, PublishOptions, Realtime, RealtimeError, ResetInfo,
  SubscriptionStatus, TransportName,
} from '../types.js';
import { ChannelView, ViewSettings, ViewState } from '../view.js';
import { PresenceState, PresenceView, PresenceViewOptions } from '../presence.js';

/**
 * Thin hooks: React state only. Connections, resume, heartbeats, tab sharing and the view states
 * live in the React-free core (`ChannelView`); every hook of a page shares one connection per
 * gateway and transport.
 */

interface ProviderValue {
  registry: ClientRegistry;
  /** The provider's options as last rendered: read at each use, never frozen. */
  latest: { current: ConnectOptions };
  url: string | undefined;
  transport: TransportName | undefined;
  share: boolean | undefined;
}

const DEFAULT_PROVIDER: ProviderValue = {
  registry: pageClients, latest: { current: {} }, url: undefined, transport: undefined, share: undefined,
};

const RealtimeContext = createContext<ProviderValue>(DEFAULT_PROVIDER);

/** The token from the provider's options as they are now: `getToken`, else `token`. */
function tokenSource(latest: { current: ConnectOptions }) {
  return (refresh: boolean) => {
    const o = latest.current;
    return o.getToken ? o.getToken(refresh) : o.token ?? null;
  };
}

function connectOptions(p: ProviderValue, transport: TransportName): ConnectOptions {
  return { ...p.latest.current, transport, getToken: tokenSource(p.latest) };
}

/**
 * Sets the gateway URL, token and defaults for the hooks below it. Options are read as they are at
 * each render: a new `url`, `transport` or `shareAcrossTabs` moves the hooks to that connection; a
 * new `token` or `getToken` is asked for a fresh token and, over a WebSocket, sent in place with no
 * reconnect. The other settings (delays, caps) apply to connections made after they change.
 */
export function RealtimeProvider(props: { options?: ConnectOptions; registry?: ClientRegistry; children?: ReactNode }) {
  const options = props.options ?? {};
  const latest = useRef(options);
  latest.current = options;
  const registry = props.registry ?? pageClients;
  const value = useMemo<ProviderValue>(() => ({
    registry, latest, url: options.url, transport: options.transport, share: options.shareAcrossTabs,
  }), [registry, options.url, options.transport, options.shareAcrossTabs]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    registry.refreshTokens();
  }, [registry, options.token, options.getToken]);
  return createElement(RealtimeContext.Provider, { value }, props.children);
}

/** The HTTP API's options under the provider: its URL and its token source. */
export function useApiOptions(): ApiOptions {
  const p = useContext(RealtimeContext);
  return useMemo(() => ({ url: p.url, getToken: tokenSource(p.latest) }), [p]);
}

/** The page's connection for a transport, held while the component is mounted. */
function useClient(transport: TransportName | undefined, enabled = true): Realtime | null {
  const p = useContext(RealtimeContext);
  const t = transport ?? p.transport ?? 'websocket';
  const [client, setClient] = useState<Realtime | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const held = p.registry.acquire(connectOptions(p, t));
    setClient(held.client);
    return () => {
      setClient(null);
      held.release();
    };
  }, [p, t, enabled]);
  return client;
}

/**
 * Publishes through the provider's connection (over the WebSocket by default: acked, queued while
 * reconnecting; over HTTP with SSE), with its token source.
 */
export function usePublish(options: { transport?: TransportName } = {}):
  <D extends Record<string, unknown>>(channel: string, type: string, data: D, publishOptions?: PublishOptions) => Promise<PublishAck> {
  const client = useClient(options.transport);
  const ref = useRef(client);
  ref.current = client;
  return useCallback((channel, type, data, publishOptions) => {
    if (!ref.current) return Promise.reject(new Error('Not mounted yet'));
    return ref.current.publish(channel, type, data, publishOptions);
  }, []);
}

export interface ChannelOptions<T = Record<string, unknown>> {
  transport?: TransportName;
  /** Resume after this id on first subscribe. */
  since?: string;
  /** Events kept in `events` (the newest), and history read. Default 100. */
  keep?: number;
  /** Start with the channel's recent history (up to `keep`), then go live from its position. */
  history?: boolean;
  onEvent?: (event: Envelope<T>) => void;
  /** Called on a reset, before the view reloads. */
  onReset?: (info: ResetInfo) => void;
  /** Another gateway endpoint than the provider's: its base URL and WebSocket path. */
  endpoint?: { url: string; wsPath?: string };
}

/** What every channel hook returns beside its data. */
export interface LiveState {
  /** The connection's state: `connection.state`. */
  status: ConnectionState;
  /** The connection's state with its reason and the time of the next attempt. */
  connection: ConnectionInfo;
  /** Each channel's subscription: subscribing, subscribed, refused (with the problem's code), resetting. */
  subscriptions: Record<string, SubscriptionStatus>;
  /** What is wrong now (cleared when it no longer holds). */
  error: RealtimeError | undefined;
  /** After a reset, until the view is reloaded: the data shown is the last the page had. */
  stale: boolean;
  /** Reading history, before any of it is shown. */
  loading: boolean;
  resets: number;
  /** Try again now (after a stop, or to skip a back-off). */
  reconnect(): void;
  /** Publish on this hook's connection (WebSocket: acked, queued while reconnecting; SSE: over HTTP). */
  publish(channel: string, type: string, data: Record<string, unknown>, options?: PublishOptions): Promise<PublishAck>;
}

export interface StreamState<V> extends LiveState {
  value: V;
}

export interface StreamOptions<V, T = Record<string, unknown>> extends ChannelOptions<T> {
  /** Reload the view after a reset (see `ChannelView`); default: the channel's recent history again. */
  reload?: (info: ResetInfo) => V | Promise<V>;
}

const IDLE_CONNECTION: ConnectionInfo = { state: 'idle', attempt: 0 };

function idle<V>(value: V, loading = false): ViewState<V> {
  return { value, stale: false, loading, connection: IDLE_CONNECTION, subscriptions: {}, error: undefined, resets: 0 };
}

/**
 * The one hook every channel hook is made of: subscribes to channels and folds their events into a
 * view with a reducer. `useChannels` (the list of events) and `useStream` (any view) behave alike:
 * history first when asked, per-subscription states, and on a reset the last view kept, marked
 * `stale`, while it reloads.
 */
export function useView<V, T = Record<string, unknown>>(channels: string | string[] | null, reduce: (view: V, event: Envelope<T>) => V,
                                                        initial: V, options: StreamOptions<V, T> = {}): StreamState<V> {
  const p = useContext(RealtimeContext);
  const list = channels === null ? [] : Array.isArray(channels) ? channels : [channels];
  const key = list.join('\n');
  const transport = options.transport ?? p.transport ?? 'websocket';
  const settings = useRef<ViewSettings<V, T> & StreamOptions<V, T>>(null as unknown as ViewSettings<V, T>);
  settings.current = { ...options, reduce, initial, api: { url: p.url, getToken: tokenSource(p.latest) } };
  const [state, setState] = useState<ViewState<V>>(() => idle(initial, !!options.history && key !== ''));
  const clientRef = useRef<Realtime | null>(null);
  const endpointKey = options.endpoint ? `${options.endpoint.url} ${options.endpoint.wsPath ?? ''}` : '';

  useEffect(() => {
    if (key === '') {
      setState(idle(settings.current.initial));
      return;
    }
    const endpoint = settings.current.endpoint;
    const connect = connectOptions(p, transport);
    const { client, release } = p.registry.acquire(endpoint ? { ...connect, url: endpoint.url, wsPath: endpoint.wsPath } : connect);
    clientRef.current = client;
    const view = new ChannelView<V, T>(client, key.split('\n'), () => settings.current);
    setState(view.getSnapshot());
    const off = view.subscribe(() => setState(view.getSnapshot()));
    return () => {
      off();
      view.close();
      clientRef.current = null;
      release();
    };
  }, [key, transport, p, endpointKey]);

  const reconnect = useCallback(() => clientRef.current?.reconnect(), []);
  const publish = useCallback((channel: string, type: string, data: Record<string, unknown>, o?: PublishOptions) =>
    clientRef.current ? clientRef.current.publish(channel, type, data, o)
      : Promise.reject(new PublishError('closed', 'Not connected: the hook has no channel', channel)), []);
  return {
    value: state.value, status: state.connection.state, connection: state.connection, subscriptions: state.subscriptions,
    error: state.error, stale: state.stale, loading: state.loading, resets: state.resets, reconnect, publish,
  };
}

export interface ChannelState<T = Record<string, unknown>> extends LiveState {
  events: Envelope<T>[];
  lastEvent: Envelope<T> | undefined;
}

function keepLast<T>(keep: number) {
  return (list: Envelope<T>[], event: Envelope<T>): Envelope<T>[] => {
    const next = list.length >= keep ? list.slice(list.length - keep + 1) : list.slice();
    next.push(event);
    return next;
  };
}

const NO_EVENTS: never[] = [];

/** Subscribes to one or several channels for the component's lifetime: their newest events, in arrival order. */
export function useChannels<T = Record<string, unknown>>(channels: string | string[] | null,
                                                        options: StreamOptions<Envelope<T>[], T> = {}): ChannelState<T> {
  const keep = options.keep ?? 100;
  const reduce = useMemo(() => keepLast<T>(keep), [keep]);
  const { value, ...rest } = useView<Envelope<T>[], T>(channels, reduce, NO_EVENTS as Envelope<T>[], options);
  return { ...rest, events: value, lastEvent: value[value.length - 1] };
}

/**
 * A channel folded into a view with a reducer, starting from the channel's recent history. On a
 * reset the last view stays, marked `stale`, until `options.reload` (default: the recent history
 * again) gives the state as it is now.
 */
export function useStream<V, T = Record<string, unknown>>(channel: string | null, reduce: (view: V, event: Envelope<T>) => V,
                                                          initial: V, options: Omit<StreamOptions<V, T>, 'history'> = {}): StreamState<V> {
  return useView<V, T>(channel, reduce, initial, { ...options, history: true });
}

export interface GatewayStats {
  stats: GatewayStatsSnapshot | undefined;
  /** Events published per second, one sample per interval, oldest first. */
  rate: number[];
  deliveredRate: number[];
  /** The last read failed: the figures shown are from `stats.at` (stale). */
  error: string | undefined;
  /** When the figures were read (epoch ms). */
  at: number | undefined;
}

/** The gateway's own stats (`/api/realtime/stats`), read every `intervalMs`, with events per second. */
export function useGatewayStats(intervalMs = 1000, samples = 60, options: ApiOptions = {}): GatewayStats {
  const api = useApiOptions();
  const url = options.url ?? api.url;
  const [state, setState] = useState<GatewayStats>({ stats: undefined, rate: [], deliveredRate: [], error: undefined, at: undefined });
  useEffect(() => watchStats(
    (s) => setState((prev) => ({
      stats: s.stats,
      at: s.at,
      rate: [...prev.rate, s.publishedPerSecond].slice(-samples),
      deliveredRate: [...prev.deliveredRate, s.deliveredPerSecond].slice(-samples),
      error: undefined,
    })),
    (e) => setState((prev) => ({ ...prev, error: String((e as Error)?.message ?? e) })),
    intervalMs, { getToken: api.getToken, ...options, url },
  ), [intervalMs, samples, url]);
  return state;
}

/**
 * Who is on a channel (DESIGN §11), kept current with joins and leaves: the members, whether the
 * gateway answered from one instance only (`partial`), and a refusal (`error`: `not_found` when the
 * namespace has presence off, `forbidden`). Holds a subscription to the channel while mounted.
 */
export function usePresence(channel: string | null,
                            options: PresenceViewOptions & { transport?: TransportName } = {}): PresenceState {
  const client = useClient(options.transport, channel !== null);
  const api = useApiOptions();
  const empty = useMemo<PresenceState>(() => ({ channel: channel ?? '', members: [], partial: false, loading: channel !== null }), [channel]);
  const [state, setState] = useState<PresenceState>(empty);
  const { limit, refreshMs } = options;
  useEffect(() => {
    setState(empty);
    if (!client || channel === null) return;
    const view = new PresenceView(client, channel, api, setState, { limit, refreshMs });
    view.start();
    return () => view.stop();
  }, [client, channel, api, limit, refreshMs, empty]);
  return state.channel === (channel ?? '') ? state : empty;
}
