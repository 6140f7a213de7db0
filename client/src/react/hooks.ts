import { createContext, createElement, ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { ApiOptions, fetchHistory, GatewayStatsSnapshot, watchStats } from '../api.js';
import { ClientRegistry, ConnectOptions, pageClients } from '../connect.js';
import {
  Alert, CampaignView, CouncilView, initialCampaign, initialCouncil, initialJob, JobView, reduceAlerts,
  reduceCampaign, reduceCouncil, reduceJob,
} from '../streams.js';
import type { ConnectionState, Envelope, RealtimeError, ResetInfo, TransportName } from '../types.js';

/**
 * Thin hooks: React state only. Connections, resume, heartbeats and tab sharing live in the
 * React-free core; every hook of a page shares one connection per gateway and transport.
 */

const RegistryContext = createContext<{ registry: ClientRegistry; options: ConnectOptions }>({ registry: pageClients, options: {} });

/** Sets the gateway URL, token callback and defaults for the hooks below it. */
export function RealtimeProvider(props: { options?: ConnectOptions; registry?: ClientRegistry; children?: ReactNode }) {
  const value = useRef({ registry: props.registry ?? pageClients, options: props.options ?? {} }).current;
  return createElement(RegistryContext.Provider, { value }, props.children);
}

export interface ChannelOptions {
  transport?: TransportName;
  /** Resume after this id on first subscribe. */
  since?: string;
  /** Events kept in `events` (the newest). Default 100. */
  keep?: number;
  /** Start with the channel's recent history (up to `keep`), then go live from its position. */
  history?: boolean;
  onEvent?: (event: Envelope) => void;
  onReset?: (info: ResetInfo) => void;
}

export interface ChannelState {
  events: Envelope[];
  lastEvent: Envelope | undefined;
  status: ConnectionState;
  error: RealtimeError | undefined;
  /** How many resets (history gaps) the channels had: state built from events should reload. */
  resets: number;
}

/** Subscribes to one or several channels for the component's lifetime. */
export function useChannels(channels: string | string[] | null, options: ChannelOptions = {}): ChannelState {
  const { registry, options: defaults } = useContext(RegistryContext);
  const list = channels === null ? [] : Array.isArray(channels) ? channels : [channels];
  const key = list.join('\n');
  const transport = options.transport ?? defaults.transport ?? 'websocket';
  const ref = useRef(options);
  ref.current = options;
  const [events, setEvents] = useState<Envelope[]>([]);
  const [status, setStatus] = useState<ConnectionState>('idle');
  const [error, setError] = useState<RealtimeError | undefined>();
  const [resets, setResets] = useState(0);

  useEffect(() => {
    if (key === '') return;
    const names = key.split('\n');
    const keep = ref.current.keep ?? 100;
    const { client, release } = registry.acquire({ ...defaults, transport });
    let active = true;
    setEvents([]);
    setError(undefined);
    setStatus(client.state);
    const offState = client.on('state', (s) => active && setStatus(s));
    const offError = client.on('error', (e) => {
      if (active && (!e.channel || names.includes(e.channel))) setError(e);
    });
    const add = (event: Envelope) => {
      if (!active) return;
      ref.current.onEvent?.(event);
      setEvents((list) => {
        const next = list.length >= keep ? list.slice(list.length - keep + 1) : list.slice();
        next.push(event);
        return next;
      });
    };
    const subs: Array<{ unsubscribe(): void }> = [];
    const subscribe = (channel: string, since: string | undefined) => {
      subs.push(client.subscribe(channel, {
        event: add,
        reset: (info) => {
          if (!active) return;
          setResets((n) => n + 1);
          ref.current.onReset?.(info);
        },
      }, since ? { since } : {}));
    };
    if (ref.current.history) {
      // History first, then live from the position history gave: nothing between them is lost.
      const api: ApiOptions = { url: defaults.url };
      Promise.all(names.map((c) => fetchHistory(c, { limit: keep }, api).then((page) => ({ c, page }))))
        .then((pages) => {
          if (!active) return;
          const past = pages.flatMap(({ page }) => page.events);
          past.forEach((e) => ref.current.onEvent?.(e));
          setEvents(past.slice(-keep));
          pages.forEach(({ c, page }) => subscribe(c, page.position));
        })
        .catch((e) => {
          if (!active) return;
          setError({ code: e?.code ?? 'history_failed', message: String(e?.message ?? e) });
          names.forEach((c) => subscribe(c, ref.current.since));
        });
    } else {
      names.forEach((c) => subscribe(c, ref.current.since));
    }
    return () => {
      active = false;
      subs.forEach((s) => s.unsubscribe());
      offState();
      offError();
      release();
    };
  }, [key, transport, registry]);

  return { events, lastEvent: events[events.length - 1], status, error, resets };
}

/** Channels over Server-Sent Events. */
export function useSSE(channels: string | string[] | null, options: Omit<ChannelOptions, 'transport'> = {}): ChannelState {
  return useChannels(channels, { ...options, transport: 'sse' });
}

/** Channels over the WebSocket. */
export function useWebSocket(channels: string | string[] | null, options: Omit<ChannelOptions, 'transport'> = {}): ChannelState {
  return useChannels(channels, { ...options, transport: 'websocket' });
}

export interface StreamState<V> {
  value: V;
  status: ConnectionState;
  error: RealtimeError | undefined;
}

/**
 * A channel folded into a view with a reducer, starting from the channel's recent history. On a
 * reset (history no longer reached back to where the page was) the view starts over from what
 * history still holds, which the server sends right after the reset (DESIGN §5).
 */
export function useStream<V>(channel: string | null, reduce: (view: V, event: Envelope) => V, initial: V,
                             options: Omit<ChannelOptions, 'onEvent' | 'history'> = {}): StreamState<V> {
  const [value, setValue] = useState<V>(initial);
  const reduceRef = useRef(reduce);
  reduceRef.current = reduce;
  const initialRef = useRef(initial);
  useEffect(() => setValue(initialRef.current), [channel]);
  const state = useChannels(channel, {
    ...options,
    history: true,
    onEvent: (event) => setValue((v) => reduceRef.current(v, event)),
    onReset: (info) => {
      options.onReset?.(info);
      setValue(initialRef.current);
    },
  });
  return { value, status: state.status, error: state.error };
}

/** A render job (`job:{jobId}`): stage, frame, fps, ETA, completion. */
export function useRenderProgressStream(jobId: string | null, options?: ChannelOptions): StreamState<JobView> {
  return useStream(jobId ? `job:${jobId}` : null, reduceJob, initialJob, options);
}

/** Any job's progress (`job:{jobId}`): the same stream, for jobs that are not renders. */
export function useJobProgress(jobId: string | null, options?: ChannelOptions): StreamState<JobView> {
  return useRenderProgressStream(jobId, options);
}

/** An AI council evaluation (`council:{evaluationId}`): each model's text and score, then the aggregate. */
export function useCouncilScoreStream(evaluationId: string | null, options?: ChannelOptions): StreamState<CouncilView> {
  return useStream(evaluationId ? `council:${evaluationId}` : null, reduceCouncil, initialCouncil, options);
}

/** A campaign's live metrics (`campaign:{campaignId}`), with deltas and directions. */
export function useCampaignMetricsStream(campaignId: string | null, options?: ChannelOptions): StreamState<CampaignView> {
  return useStream(campaignId ? `campaign:${campaignId}` : null, reduceCampaign, initialCampaign, options);
}

/** A user's alerts (`alerts:{userId}`), newest first, with `dismiss`. */
export function useRealtimeAlerts(userId: string | null, options?: ChannelOptions & { keep?: number }):
  StreamState<Alert[]> & { dismiss(id: string): void } {
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const keep = options?.keep ?? 5;
  const state = useStream<Alert[]>(userId ? `alerts:${userId}` : null, (list, e) => reduceAlerts(list, e, keep + dismissed.size), [], options);
  return {
    ...state,
    value: state.value.filter((a) => !dismissed.has(a.id)).slice(0, keep),
    dismiss: (id) => setDismissed((s) => new Set(s).add(id)),
  };
}

export interface LiveMetrics {
  stats: GatewayStatsSnapshot | undefined;
  /** Events published per second, one sample per interval, oldest first. */
  rate: number[];
  deliveredRate: number[];
  error: string | undefined;
}

/** The gateway's own stats (`/api/realtime/stats`), read every `intervalMs`, with events per second. */
export function useLiveMetrics(intervalMs = 1000, samples = 60, options: ApiOptions = {}): LiveMetrics {
  const { options: defaults } = useContext(RegistryContext);
  const url = options.url ?? defaults.url;
  const [state, setState] = useState<LiveMetrics>({ stats: undefined, rate: [], deliveredRate: [], error: undefined });
  useEffect(() => watchStats(
    (s) => setState((prev) => ({
      stats: s.stats,
      rate: [...prev.rate, s.publishedPerSecond].slice(-samples),
      deliveredRate: [...prev.deliveredRate, s.deliveredPerSecond].slice(-samples),
      error: undefined,
    })),
    (e) => setState((prev) => ({ ...prev, error: String((e as Error)?.message ?? e) })),
    intervalMs, { ...options, url },
  ), [intervalMs, samples, url]);
  return state;
}
