import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ChannelInfo, fetchChannels, isChannelName, PublishError } from '../src/index.js';
import {
  AbTestResults, AlertToasts, CampaignMetrics, ConnectionStatus, CouncilEvaluation, RenderProgress,
} from '../src/components/index.js';
import { RealtimeProvider, useApiOptions, useChannels, useGatewayStats, usePresence, usePublish } from '../src/react/index.js';

/**
 * The dashboard the gateway serves at `/`: its own stats, its channels, a channel's events (history,
 * then live), a publish form, and the example components on channels the user names. Everything
 * shown comes from this gateway; nothing is made up in the page. What the user typed (the watched
 * channel, the example ids) is kept in the URL, so a link or a reload shows the same thing.
 */

const EXAMPLE_KEYS = ['job', 'campaign', 'council', 'abtest', 'user'] as const;
type ExampleKey = typeof EXAMPLE_KEYS[number];

/** Reads and writes the page's query string: one source of truth for what is shown. */
function useQuery(): [URLSearchParams, (change: Record<string, string>) => void] {
  const [query, setQuery] = useState(() => new URLSearchParams(location.search));
  const update = (change: Record<string, string>) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(change)) next.set(k, v);
    history.replaceState(null, '', `${location.pathname}?${next}`);
    setQuery(next);
  };
  return [query, update];
}

function Chart({ series, labels, stale }: { series: number[][]; labels: string[]; stale: boolean }) {
  const width = 600;
  const height = 150;
  const left = 44;
  const bottom = 22;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const max = niceMax(Math.max(1, ...series.flat()));
  const x = (i: number, n: number) => left + (n <= 1 ? plotW : (i / 59) * plotW) - (n <= 1 ? 0 : ((60 - n) / 59) * 0);
  const y = (v: number) => 8 + plotH - (v / max) * plotH;
  const points = (s: number[]) => s.map((v, i) => `${x(i + (60 - s.length), 60).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const ticks = [0, max / 2, max];
  return (
    <figure className={`chart${stale ? ' stale' : ''}`}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img"
           aria-label={`Events per second over the last minute: ${labels.map((l, i) => `${l} ${(series[i].at(-1) ?? 0).toFixed(1)}`).join(', ')}`}>
        {ticks.map((t) => (
          <g key={t} className="tick">
            <line x1={left} x2={width - 8} y1={y(t)} y2={y(t)} className="grid" />
            <text x={left - 6} y={y(t) + 4} textAnchor="end">{fmtRate(t)}</text>
          </g>
        ))}
        <line x1={left} x2={left} y1={8} y2={8 + plotH} className="axis" />
        <line x1={left} x2={width - 8} y1={8 + plotH} y2={8 + plotH} className="axis" />
        <text x={left} y={height - 4} className="axis-label">60 s ago</text>
        <text x={width - 8} y={height - 4} textAnchor="end" className="axis-label">now</text>
        <text x={left + plotW / 2} y={height - 4} textAnchor="middle" className="axis-label">events / s</text>
        {series.map((s, i) => <polyline key={i} className={`line line-${i}`} points={points(s)} fill="none" />)}
      </svg>
      <figcaption>
        {labels.map((l, i) => (
          <span key={l} className={`legend legend-${i}`}><i aria-hidden="true" /> {l}: <b data-testid={`rate-${i}`}>{(series[i].at(-1) ?? 0).toFixed(1)}</b>/s</span>
        ))}
      </figcaption>
    </figure>
  );
}

function niceMax(v: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function fmtRate(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k` : String(Math.round(v * 10) / 10);
}

function Stats() {
  const { stats, rate, deliveredRate, error: failure, at } = useGatewayStats(1000, 60);
  const error = failure && !failure.startsWith('The gateway') ? `The gateway did not answer (${failure})` : failure;
  if (!stats) {
    return (
      <section className="panel" aria-labelledby="stats-h">
        <h2 id="stats-h">Gateway</h2>
        <p className={error ? 'err' : 'note'} role="status" data-testid="stats-state">{error ?? 'Loading…'}</p>
      </section>
    );
  }
  const stale = !!error;
  const b = stats.broker;
  const brokerState = b.degraded ? 'degraded (local delivery)' : b.connected ? 'connected' : 'unreachable';
  return (
    <section className="panel" data-testid="stats" data-stale={stale} aria-labelledby="stats-h">
      <h2 id="stats-h">Gateway</h2>
      <p role="status" aria-live="polite" className={stale ? 'err' : 'visually-hidden'} data-testid="stats-state">
        {stale ? `${error}. Figures from ${new Date(at!).toLocaleTimeString()}, greyed until it answers again.` : 'Gateway reachable'}
      </p>
      <div className={`cards${stale ? ' stale' : ''}`}>
        <Card label="SSE connections" value={stats.connections.sse} id="sse" />
        <Card label="WebSocket connections" value={stats.connections.websocket} id="websocket" />
        <Card label="Subscriptions" value={stats.subscriptions} id="subscriptions" />
        <Card label="Channels" value={stats.channels} id="channels" />
        <Card label="Published" value={stats.events.published} id="published" />
        <Card label="Delivered" value={stats.events.delivered} id="delivered" />
        <Card label="Dropped" value={stats.events.dropped} id="dropped" />
        <Card label="Mean dispatch latency" value={`${stats.events.meanDispatchLatencyMs} ms`} id="latency" />
      </div>
      <p className={`broker${stale ? ' stale' : ''}`} data-testid="broker">
        Broker <b>{b.mode}</b>, {brokerState}{b.detail ? ` — ${b.detail}` : ''}{stale ? '' : `; up ${stats.uptimeSeconds} s`}
      </p>
      <Chart series={[rate, deliveredRate]} labels={['published', 'delivered']} stale={stale} />
    </section>
  );
}

function Card({ label, value, id }: { label: string; value: number | string; id: string }) {
  return <div className="card"><span className="label">{label}</span><span className="value" data-testid={`stat-${id}`}>{value}</span></div>;
}

function Channels({ onPick }: { onPick: (c: string) => void }) {
  const api = useApiOptions();
  const [channels, setChannels] = useState<ChannelInfo[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stop = false;
    const tick = () => fetchChannels(api).then((c) => { if (!stop) { setChannels(c); setError(undefined); } },
      (e) => !stop && setError(String(e.message ?? e)));
    tick();
    const timer = setInterval(tick, 2000);
    return () => { stop = true; clearInterval(timer); };
  }, [api]);
  return (
    <section className="panel" aria-labelledby="channels-h">
      <h2 id="channels-h">Channels with subscribers here</h2>
      {error && <p className="err" role="status">{error}</p>}
      <div className="scroll" tabIndex={0} role="region" aria-label="Channels table">
        <table data-testid="channels" className={error ? 'stale' : ''}>
          <thead><tr><th scope="col">Channel</th><th scope="col">Subscribers</th><th scope="col">SSE</th><th scope="col">WebSocket</th><th scope="col">Other</th></tr></thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.channel}>
                <td><button type="button" className="link" onClick={() => onPick(c.channel)}>{c.channel}</button></td>
                <td>{c.subscribers}</td><td>{c.byTransport.sse}</td><td>{c.byTransport.websocket}</td><td>{c.byTransport.other}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RecentEvents({ channel }: { channel: string }) {
  const { events, connection, subscriptions, error, stale, reconnect } = useChannels(channel, { history: true, keep: 50 });
  const sub = subscriptions[channel];
  return (
    <section className="panel" aria-labelledby="events-h">
      <h2 id="events-h">Events of <code>{channel}</code>{' '}
        <span className={`rt-status rt-sub-${sub?.state ?? 'subscribing'}`} data-testid="subscription" data-state={sub?.state ?? 'subscribing'}>
          {sub?.state === 'refused' ? `refused: ${sub.error?.code}` : sub?.state ?? 'subscribing'}
        </span>
      </h2>
      <ConnectionStatus connection={connection} onReconnect={reconnect} error={sub?.state === 'refused' ? undefined : error} />
      {sub?.state === 'refused' && <p className="err" data-testid="refused">The gateway refused this channel ({sub.error?.code}): {sub.error?.message}</p>}
      {stale && <p className="note">History no longer reached back to the last event shown: reloading.</p>}
      <ol className={`events${stale || connection.state !== 'open' ? ' stale' : ''}`} data-testid="recent-events"
          tabIndex={0} aria-label={`Recent events of ${channel}, newest first`}>
        {[...events].reverse().map((e) => (
          <li key={e.channel + e.id} data-id={e.id}>
            <code className="id">{e.id}</code> <b>{e.type}</b> <code className="data">{JSON.stringify(e.data)}</code>
          </li>
        ))}
      </ol>
      {events.length === 0 && <p className="note">No events in history yet: publish one with the form or with curl.</p>}
    </section>
  );
}

/** Who is on the watched channel (DESIGN §11), kept current by joins and leaves; says so when presence is off. */
function Presence({ channel }: { channel: string }) {
  const { members, partial, loading, error } = usePresence(channel, { refreshMs: 10_000 });
  return (
    <section className="panel" aria-labelledby="presence-h">
      <h2 id="presence-h">Who is on <code>{channel}</code></h2>
      {error?.code === 'not_found' ? <p className="note" data-testid="presence-off">Presence is off for this channel’s namespace
        (<code>gateway.namespace.&lt;ns&gt;.presence</code>).</p>
        : error ? <p className="err" data-testid="presence-error">{error.code}: {error.message}</p>
        : loading ? <p className="note">Reading…</p>
        : (
          <>
            <p data-testid="presence-count"><b>{members.length}</b> connection{members.length === 1 ? '' : 's'},{' '}
              <b>{new Set(members.map((m) => m.user).filter((u) => u !== null)).size}</b> named user(s)
              {partial && <span className="err"> (partial: Redis is unreachable, this instance’s only)</span>}</p>
            <ul className="members" data-testid="presence-members">
              {members.map((m) => (
                <li key={m.id} data-id={m.id}>{m.user ?? <i>anonymous</i>} <small>{m.transport} on {m.instance}, since{' '}
                  {new Date(m.joinedAt).toLocaleTimeString()}</small></li>
              ))}
            </ul>
          </>
        )}
    </section>
  );
}

function PublishForm({ channel }: { channel: string }) {
  const publish = usePublish();
  const [target, setTarget] = useState(channel);
  const [type, setType] = useState('system');
  const [data, setData] = useState('{"msg":"hello from the dashboard"}');
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  useEffect(() => setTarget(channel), [channel]);
  const submit = async (ev: { preventDefault(): void }) => {
    ev.preventDefault();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(data || '{}');
    } catch (e) {
      setResult({ ok: false, text: `Not sent: the data is not JSON (${(e as Error).message})` });
      return;
    }
    try {
      const r = await publish(target, type, body);
      setResult({ ok: true, text: `Published ${r.id} (${r.delivery}${r.duplicate ? ', duplicate' : ''})` });
    } catch (e) {
      setResult({ ok: false, text: e instanceof PublishError ? `Refused (${e.code}): ${e.message}` : `Not sent: ${(e as Error).message}` });
    }
  };
  return (
    <section className="panel" aria-labelledby="publish-h">
      <h2 id="publish-h">Publish a test event</h2>
      <form onSubmit={submit} data-testid="publish-form">
        <label>Channel <input name="channel" value={target} onChange={(e) => setTarget(e.target.value)} /></label>
        <label>Type <input name="type" value={type} onChange={(e) => setType(e.target.value)} /></label>
        <label className="wide">Data (JSON object) <textarea name="data" rows={2} value={data} onChange={(e) => setData(e.target.value)} /></label>
        <button type="submit">Publish</button>
      </form>
      <p data-testid="publish-result" role="status" className={result ? (result.ok ? 'ok' : 'err') : 'visually-hidden'}>{result?.text ?? ''}</p>
      <p className="note">Sent over this page's WebSocket (acked, with an idempotency key). Or:{' '}
        <code>{`curl -X POST -H 'Content-Type: application/json' -d '{"type":"${type}","data":${data || '{}'}}' ${location.origin}/api/channels/${target}/events`}</code></p>
    </section>
  );
}

function Examples({ query, update }: { query: URLSearchParams; update: (c: Record<string, string>) => void }) {
  const ids = Object.fromEntries(EXAMPLE_KEYS.map((k) => [k, query.get(k) ?? 'demo'])) as Record<ExampleKey, string>;
  const ns: Record<ExampleKey, string> = { job: 'job', campaign: 'campaign', council: 'council', abtest: 'abtest', user: 'alerts' };
  const ok = (k: ExampleKey) => isChannelName(`${ns[k]}:${ids[k]}`);
  const field = (k: ExampleKey) => (
    <label key={k}>{ns[k]}:
      <input value={ids[k]} onChange={(e) => update({ [k]: e.target.value })} aria-invalid={!ok(k)} />
      {!ok(k) && <span className="err">not a valid id</span>}
    </label>
  );
  const shared = { transport: 'websocket' as const };
  return (
    <section className="panel" aria-labelledby="examples-h">
      <h2 id="examples-h">Example components</h2>
      <p className="note">Each listens on a real channel: publish to it (form above, curl, or a worker) and watch it move.
        The ids are in the address bar (<code>{`/?job=${ids.job}&campaign=${ids.campaign}&council=${ids.council}&abtest=${ids.abtest}&user=${ids.user}`}</code>).</p>
      <div className="ids">{EXAMPLE_KEYS.map(field)}</div>
      <div className="examples">
        {ok('job') && <RenderProgress jobId={ids.job} options={shared} />}
        {ok('campaign') && <CampaignMetrics campaignId={ids.campaign} options={shared} />}
        {ok('abtest') && <AbTestResults testId={ids.abtest} options={shared} />}
        {ok('council') && <CouncilEvaluation evaluationId={ids.council} />}
        {ok('user') && <AlertToasts userId={ids.user} options={shared} />}
      </div>
    </section>
  );
}

function App() {
  const [query, update] = useQuery();
  const channel = query.get('channel') ?? 'system';
  const [draft, setDraft] = useState(channel);
  const [invalid, setInvalid] = useState<string>();
  const watch = (c: string) => {
    setDraft(c);
    if (!isChannelName(c)) {
      setInvalid(`“${c}” is not a channel name: namespace:id, e.g. job:42 (letters, digits, _ . @ -)`);
      return;
    }
    setInvalid(undefined);
    update({ channel: c });
  };
  return (
    <>
      <header className="top">
        <div>
          <h1>Realtime gateway</h1>
          <p className="intro">This gateway’s live view: its connections and event rates, the channels with subscribers, any
            channel’s events, and example components for the product streams. API: <a href="/openapi/ui">/openapi/ui</a>{' '}
            (<a href="/openapi">OpenAPI document</a>); the browser client and its React hooks are described in the
            repository’s <code>client/README.md</code>; link to a view: <a href={`/?channel=${encodeURIComponent(channel)}&job=42`}>{`/?channel=${channel}&job=42`}</a>.</p>
        </div>
        <form onSubmit={(e) => { e.preventDefault(); watch(draft); }} className="watch" data-testid="watch-form">
          <label>Watch channel <input name="watch" value={draft} onChange={(e) => setDraft(e.target.value)}
                                      aria-invalid={!!invalid} aria-describedby="watch-error" /></label>
          <button type="submit">Watch</button>
          <p id="watch-error" className="err" role="alert" data-testid="watch-error">{invalid ?? ''}</p>
        </form>
      </header>
      <main>
        <Stats />
        <div className="two">
          <RecentEvents channel={channel} />
          <div className="stack">
            <PublishForm channel={channel} />
            <Presence channel={channel} />
            <Channels onPick={watch} />
          </div>
        </div>
        <Examples query={query} update={update} />
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RealtimeProvider>
      <App />
    </RealtimeProvider>
  </StrictMode>,
);
