import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  councilReplayRequest, councilScoreRequest, CreativeInput, evaluateCreativeRequest, evaluationIdOf,
} from '../council.js';
import { RouteRequest, RouteStream } from '../route.js';
import {
  AbTestView, Alert, CampaignView, CouncilView, initialAbTest, initialCampaign, initialCouncil, initialFigures, initialJob,
  JobView, LiveFigures, reduceAbTest, reduceAlerts, reduceCampaign, reduceCouncil, reduceFigures, reduceJob,
} from '../streams.js';
import type { ConnectionInfo, Envelope, RealtimeError, TransportName } from '../types.js';
import { ChannelState, LiveState, StreamOptions, useApiOptions, useChannels, useStream } from './hooks.js';

/**
 * The seed's hooks with the seed's signatures. Each reads its seed route (`/api/stream/...`, SSE over
 * fetch, resumed by id) unless told to use the page's shared connection instead
 * (`transport: 'websocket' | 'sse'`: the channel the route is an alias of, one connection for all).
 */

/** What a route hook returns beside its data: like {@link LiveState}, with no subscriptions (one route, one stream). */
export interface RouteState<V> {
  value: V;
  status: ConnectionInfo['state'];
  connection: ConnectionInfo;
  error: RealtimeError | undefined;
  /** After a reset the view is kept and marked stale (the route sends what history still holds next). */
  stale: boolean;
  reconnect(): void;
}

const STARTING: ConnectionInfo = { state: 'connecting', attempt: 0 };
const IDLE: ConnectionInfo = { state: 'idle', attempt: 0 };

/**
 * A seed route folded into a view. `request` null: nothing open. A new request (by its JSON) starts
 * over. React's strict mode mounts every effect twice in development; the request goes out a tick
 * after mounting, so the first mount, undone at once, sends nothing (an evaluation is paid work).
 */
export function useRoute<V, T = Record<string, unknown>>(request: RouteRequest | null, reduce: (view: V, event: Envelope<T>) => V,
                                                         initial: V, options: {
                                                           resume?: (response: Response) => RouteRequest | undefined;
                                                           onResponse?: (response: Response) => void;
                                                           endOn?: string[];
                                                           onEvent?: (event: Envelope<T>) => void;
                                                         } = {}): RouteState<V> {
  const api = useApiOptions();
  const key = request ? JSON.stringify(request) : '';
  const ref = useRef({ reduce, options, request });
  ref.current = { reduce, options, request };
  const [value, setValue] = useState<V>(initial);
  const [connection, setConnection] = useState<ConnectionInfo>(request ? STARTING : IDLE);
  const [stale, setStale] = useState(false);
  const stream = useRef<RouteStream<T> | null>(null);
  const initialRef = useRef(initial);
  initialRef.current = initial;

  useEffect(() => {
    setValue(initialRef.current);
    setStale(false);
    if (!key) {
      setConnection(IDLE);
      return;
    }
    setConnection(STARTING);
    let s: RouteStream<T> | null = null;
    const start = setTimeout(() => {
      const o = ref.current.options;
      s = new RouteStream<T>({
        request: ref.current.request!, base: api.url, getToken: api.getToken, endOn: o.endOn,
        resume: o.resume, onResponse: o.onResponse,
        onEvent: (e) => {
          ref.current.options.onEvent?.(e);
          setValue((v) => ref.current.reduce(v, e));
        },
        onReset: () => setStale(true),
        onConnection: setConnection,
      });
      stream.current = s;
    }, 0);
    return () => {
      clearTimeout(start);
      s?.close();
      stream.current = null;
    };
  }, [key, api.url]);

  const reconnect = useCallback(() => stream.current?.reconnect(), []);
  const error = connection.state === 'open' || connection.state === 'closed' ? undefined : connection.reason;
  return { value, status: connection.state, connection, error, stale, reconnect };
}

function isUrl(target: string): boolean {
  return target.includes('/');
}

export interface SeedOptions {
  /**
   * `route` (default): the seed route, one SSE stream per hook. `websocket` / `sse`: the channel the
   * route is an alias of, on the page's shared connection.
   */
  transport?: 'route' | TransportName;
}

/** A product stream by its seed route, or by its channel on the shared connection. */
function useProduct<V>(route: RouteRequest | null, channel: string | null, reduce: (v: V, e: Envelope) => V, initial: V,
                       options: SeedOptions = {}): RouteState<V> & Partial<Pick<LiveState, 'subscriptions' | 'loading'>> {
  const viaRoute = (options.transport ?? 'route') === 'route';
  const r = useRoute<V>(viaRoute ? route : null, reduce, initial);
  const c = useStream<V>(viaRoute ? null : channel, reduce, initial, { transport: viaRoute ? undefined : options.transport as TransportName });
  if (viaRoute) return r;
  return { value: c.value, status: c.status, connection: c.connection, error: c.error, stale: c.stale, reconnect: c.reconnect,
    subscriptions: c.subscriptions, loading: c.loading };
}

/** The seed's return shape: the view's fields at the top, the connection beside them. */
type Flat<V> = V & {
  /** The connection's state (the data's own `status`, where it has one, is the data's). */
  connection: ConnectionInfo;
  stale: boolean;
  reconnect(): void;
};

export interface RenderProgressState extends Flat<JobView> {
  /** Seconds left (the seed's name for `etaSeconds`). */
  eta?: number;
  /** The job's failure, else what is wrong with the stream. */
  error?: string;
  problem: RealtimeError | undefined;
}

/** `useRenderProgressStream(jobId)`: `{progress, stage, frame, totalFrames, fps, eta, status, error…}` of a render job. */
export function useRenderProgressStream(jobId: string | null, options?: SeedOptions): RenderProgressState {
  const id = jobId ? encodeURIComponent(jobId) : null;
  const s = useProduct(id ? { url: `/api/stream/render-progress/${id}` } : null, jobId ? `job:${jobId}` : null, reduceJob, initialJob, options);
  return { ...s.value, eta: s.value.etaSeconds, error: s.value.error ?? s.error?.message, problem: s.error,
    connection: s.connection, stale: s.stale, reconnect: s.reconnect };
}

/** Any job's progress: the same stream, for jobs that are not renders. */
export const useJobProgress = useRenderProgressStream;

export interface CampaignMetricsState extends Flat<CampaignView> {
  status: ConnectionInfo['state'];
  error: RealtimeError | undefined;
}

/** `useCampaignMetricsStream(campaignId)`: the latest metrics with deltas and directions, then live ones. */
export function useCampaignMetricsStream(campaignId: string | null, options?: SeedOptions): CampaignMetricsState {
  const id = campaignId ? encodeURIComponent(campaignId) : null;
  const s = useProduct(id ? { url: `/api/stream/campaign-metrics/${id}` } : null, campaignId ? `campaign:${campaignId}` : null,
    reduceCampaign, initialCampaign, options);
  return { ...s.value, status: s.status, error: s.error, connection: s.connection, stale: s.stale, reconnect: s.reconnect };
}

export interface AbTestState extends Flat<AbTestView> {
  status: ConnectionInfo['state'];
  error: RealtimeError | undefined;
}

/** `useAbTestResults(testId)`: each variant's rate, lift, interval and p-value, and the winner. */
export function useAbTestResults(testId: string | null, options?: SeedOptions): AbTestState {
  const id = testId ? encodeURIComponent(testId) : null;
  const s = useProduct(id ? { url: `/api/stream/ab-test-results/${id}` } : null, testId ? `abtest:${testId}` : null,
    reduceAbTest, initialAbTest, options);
  return { ...s.value, status: s.status, error: s.error, connection: s.connection, stale: s.stale, reconnect: s.reconnect };
}

export interface CouncilState extends Flat<CouncilView> {
  /** The evaluation's id (from `X-Evaluation-Id`): a second viewer follows it with `useCouncilEvaluation`. */
  evaluationId: string | undefined;
  /** `idle` (no input), `running`, `done` (the aggregate came), `failed` (the stream was refused or gave up). */
  status: 'idle' | 'running' | 'done' | 'failed';
  error: RealtimeError | undefined;
}

function useCouncil(request: RouteRequest | null, knownId?: string): CouncilState {
  const [evaluationId, setEvaluationId] = useState<string | undefined>(knownId);
  const key = request ? JSON.stringify(request) : '';
  useEffect(() => setEvaluationId(knownId), [key, knownId]);
  const options = useMemo(() => ({
    onResponse: (response: Response) => {
      const id = evaluationIdOf(response);
      if (id) setEvaluationId(id);
    },
    // A drop mid-evaluation resumes on the evaluation's own route, from the last id: nothing starts twice.
    resume: (response: Response) => {
      const id = evaluationIdOf(response);
      return id ? councilReplayRequest(id) : undefined;
    },
  }), []);
  const s = useRoute(request, reduceCouncil, initialCouncil, options);
  const status = !request ? 'idle' : s.value.aggregate ? 'done' : s.status === 'stopped' ? 'failed' : 'running';
  return { ...s.value, evaluationId, status, error: s.error, connection: s.connection, stale: s.stale, reconnect: s.reconnect };
}

/**
 * `useCouncilScoreStream(videoUrl, transcript, features)`: starts an evaluation of a video ad through
 * the seed route (a new one whenever the inputs change; none while `videoUrl` is null) and streams each
 * model's tokens and score, then the aggregate.
 */
export function useCouncilScoreStream(videoUrl: string | null, transcript = '', features: string[] = []): CouncilState {
  const request = useMemo(() => (videoUrl ? councilScoreRequest(videoUrl, transcript, features) : null),
    [videoUrl, transcript, features.join('\n')]);
  return useCouncil(request);
}

/** `useEvaluateCreative(input)`: one creative evaluated by the council (`/api/stream/evaluate-creative`). */
export function useEvaluateCreative(input: CreativeInput | null): CouncilState {
  const request = useMemo(() => (input ? evaluateCreativeRequest(input) : null),
    [input?.creativeUrl, input?.headline, input?.text, input?.audience, !!input]);
  return useCouncil(request);
}

/** An evaluation someone else started, from its first token (`/api/stream/council/{evaluationId}`). */
export function useCouncilEvaluation(evaluationId: string | null): CouncilState {
  const request = useMemo(() => (evaluationId ? councilReplayRequest(evaluationId) : null), [evaluationId]);
  return useCouncil(request, evaluationId ?? undefined);
}

export interface AlertsState extends LiveState {
  /** Newest first, at most `keep`, without those dismissed. */
  alerts: Alert[];
  dismiss(id: string): void;
}

/** `useRealtimeAlerts(userId)`: a user's alerts (`alerts:{userId}`) on the shared connection, newest first. */
export function useRealtimeAlerts(userId: string | null, options: { keep?: number; transport?: TransportName } = {}): AlertsState {
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const keep = options.keep ?? 5;
  const reduce = useCallback((list: Alert[], e: Envelope) => reduceAlerts(list, e, keep + 20), [keep]);
  const { value, ...rest } = useStream<Alert[]>(userId ? `alerts:${userId}` : null, reduce, [], { transport: options.transport });
  const dismiss = useCallback((id: string) => setDismissed((s) => new Set(s).add(id)), []);
  return { ...rest, alerts: value.filter((a) => !dismissed.has(a.id)).slice(0, keep), dismiss };
}

export interface LiveMetricsState extends LiveState, LiveFigures {}

/**
 * `useLiveMetrics(entityId, entityType)`: the live figures of one entity from its channel
 * (`{entityType}:{entityId}`, e.g. `campaign` and `7`): a campaign's metric values, a job's progress,
 * frame, fps and ETA, an A/B test's rate per variant; from its latest event in history, then live.
 */
export function useLiveMetrics(entityId: string | null, entityType: string, options: { transport?: TransportName } = {}): LiveMetricsState {
  const { value, ...rest } = useStream<LiveFigures>(entityId ? `${entityType}:${entityId}` : null, reduceFigures, initialFigures,
    { transport: options.transport, keep: 1 });
  return { ...rest, ...value };
}

export interface SeedChannelState<T> extends ChannelState<T> {
  /** The last event's data (the seed's `data`). */
  data: T | undefined;
}

export interface SeedSseOptions<T> extends StreamOptions<Envelope<T>[], T> {
  /** Event types that end a route's stream. Default `job_completed`, `job_failed`, `ai_score`. */
  endOn?: string[];
}

const NO_SUBSCRIPTIONS = {};

/**
 * `useSSE(url, options)`: a seed route's events (`/api/stream/render-progress/42`, any URL that
 * answers an SSE stream of envelopes). Given channel names instead (no `/`), the channels over the
 * page's shared SSE connection.
 */
export function useSSE<T = Record<string, unknown>>(target: string | string[] | null, options: SeedSseOptions<T> = {}): SeedChannelState<T> {
  const route = typeof target === 'string' && isUrl(target) ? target : null;
  const keep = options.keep ?? 100;
  const reduce = useCallback((list: Envelope<T>[], e: Envelope<T>) => [...list.slice(-(keep - 1)), e], [keep]);
  const r = useRoute<Envelope<T>[], T>(route ? { url: route } : null, reduce, [], { endOn: options.endOn, onEvent: options.onEvent });
  const c = useChannels<T>(route ? null : target, { ...options, transport: 'sse' });
  if (!route) return { ...c, data: c.lastEvent?.data };
  const last = r.value[r.value.length - 1];
  return { events: r.value, lastEvent: last, data: last?.data, status: r.status, connection: r.connection, error: r.error,
    stale: r.stale, loading: false, resets: 0, subscriptions: NO_SUBSCRIPTIONS, reconnect: r.reconnect, publish: c.publish };
}

export interface SeedWebSocketOptions<T> extends StreamOptions<Envelope<T>[], T> {
  /** With a URL: the channels to subscribe to on that endpoint. */
  channels?: string[];
}

/**
 * `useWebSocket(url, options)`: the gateway's WebSocket endpoint at a URL (`ws://host:9080/ws`, or a
 * path like `/ws`) with `options.channels` subscribed; `publish` sends over it. Given channel names
 * instead (no `/`), those channels over the page's shared WebSocket.
 */
export function useWebSocket<T = Record<string, unknown>>(target: string | string[] | null,
                                                          options: SeedWebSocketOptions<T> = {}): SeedChannelState<T> {
  const route = typeof target === 'string' && isUrl(target) ? target : null;
  const endpoint = useMemo(() => (route ? splitWsUrl(route) : undefined), [route]);
  const channels = route ? options.channels ?? [] : target;
  const c = useChannels<T>(channels, { ...options, transport: 'websocket', endpoint });
  return { ...c, data: c.lastEvent?.data };
}

/** A gateway's base URL and WebSocket path from a WebSocket (or HTTP) URL or a path. */
export function splitWsUrl(url: string, origin?: string): { url: string; wsPath: string } {
  const g = globalThis as any;
  const u = new URL(url, origin ?? (g.location ? g.location.href : 'http://localhost'));
  const scheme = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : 'http:';
  return { url: `${scheme}//${u.host}`, wsPath: u.pathname + u.search };
}
