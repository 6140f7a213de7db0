import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ChannelInfo, fetchChannels, isChannelName, ProblemError, publish } from '../src/index.js';
import { AlertToasts, CampaignMetrics, CouncilEvaluation, RenderProgress, Status } from '../src/components/index.js';
import { RealtimeProvider, useChannels, useGatewayStats } from '../src/react/index.js';

/**
 * The dashboard the gateway serves at `/`: its own stats, its channels, a channel's events (history,
 * then live), a publish form, and the example components on channels the user names. Everything
 * shown comes from this gateway; nothing is made up in the page.
 */

function Chart({ series, labels }: { series: number[][]; labels: string[] }) {
  const width = 560;
  const height = 120;
  const max = Math.max(1, ...series.flat());
  const points = (s: number[]) => s.map((v, i) => `${(i / 59) * width},${height - (v / max) * (height - 10)}`).join(' ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label="events per second">
        {series.map((s, i) => <polyline key={i} className={`line line-${i}`} points={points(s)} fill="none" />)}
      </svg>
      <figcaption>
        {labels.map((l, i) => <span key={l} className={`legend legend-${i}`}>{l}: <b data-testid={`rate-${i}`}>{(series[i].at(-1) ?? 0).toFixed(1)}</b>/s</span>)}
        <span className="legend">scale: {max.toFixed(0)}/s</span>
      </figcaption>
    </figure>
  );
}

function Stats() {
  const { stats, rate, deliveredRate, error } = useGatewayStats(1000, 60);
  if (!stats) return <section className="panel"><h2>Gateway</h2><p>{error ? `Stats unavailable: ${error}` : 'Loading…'}</p></section>;
  const b = stats.broker;
  const brokerState = b.degraded ? 'degraded (local delivery)' : b.connected ? 'connected' : 'unreachable';
  return (
    <section className="panel" data-testid="stats">
      <h2>Gateway</h2>
      <div className="cards">
        <Card label="SSE connections" value={stats.connections.sse} id="sse" />
        <Card label="WebSocket connections" value={stats.connections.websocket} id="websocket" />
        <Card label="Subscriptions" value={stats.subscriptions} id="subscriptions" />
        <Card label="Channels" value={stats.channels} id="channels" />
        <Card label="Published" value={stats.events.published} id="published" />
        <Card label="Delivered" value={stats.events.delivered} id="delivered" />
        <Card label="Dropped" value={stats.events.dropped} id="dropped" />
        <Card label="Mean dispatch latency" value={`${stats.events.meanDispatchLatencyMs} ms`} id="latency" />
      </div>
      <p className="broker" data-testid="broker">
        Broker <b>{b.mode}</b>, {brokerState}{b.detail ? ` — ${b.detail}` : ''}; up {stats.uptimeSeconds} s
      </p>
      <Chart series={[rate, deliveredRate]} labels={['published', 'delivered']} />
    </section>
  );
}

function Card({ label, value, id }: { label: string; value: number | string; id: string }) {
  return <div className="card"><span className="label">{label}</span><span className="value" data-testid={`stat-${id}`}>{value}</span></div>;
}

function Channels({ onPick }: { onPick: (c: string) => void }) {
  const [channels, setChannels] = useState<ChannelInfo[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stop = false;
    const tick = () => fetchChannels().then((c) => { if (!stop) { setChannels(c); setError(undefined); } },
      (e) => !stop && setError(String(e.message ?? e)));
    tick();
    const timer = setInterval(tick, 2000);
    return () => { stop = true; clearInterval(timer); };
  }, []);
  return (
    <section className="panel">
      <h2>Channels with subscribers here</h2>
      {error && <p className="err">{error}</p>}
      <table data-testid="channels">
        <thead><tr><th>Channel</th><th>Subscribers</th><th>SSE</th><th>WebSocket</th><th>Other</th></tr></thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.channel}>
              <td><button type="button" className="link" onClick={() => onPick(c.channel)}>{c.channel}</button></td>
              <td>{c.subscribers}</td><td>{c.byTransport.sse}</td><td>{c.byTransport.websocket}</td><td>{c.byTransport.other}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RecentEvents({ channel }: { channel: string }) {
  const { events, status, error } = useChannels(channel, { history: true, keep: 50 });
  return (
    <section className="panel">
      <h2>Events of <code>{channel}</code> <Status status={status} /></h2>
      {error && <p className="err">{error.message}</p>}
      <ol className="events" data-testid="recent-events">
        {[...events].reverse().map((e) => (
          <li key={e.channel + e.id} data-id={e.id}>
            <code className="id">{e.id}</code> <b>{e.type}</b> <code className="data">{JSON.stringify(e.data)}</code>
          </li>
        ))}
      </ol>
      {events.length === 0 && <p className="note">No events in history yet: publish one below or with curl.</p>}
    </section>
  );
}

function PublishForm({ channel }: { channel: string }) {
  const [target, setTarget] = useState(channel);
  const [type, setType] = useState('system');
  const [data, setData] = useState('{"msg":"hello from the dashboard"}');
  const [result, setResult] = useState<string>();
  useEffect(() => setTarget(channel), [channel]);
  const submit = async (ev: { preventDefault(): void }) => {
    ev.preventDefault();
    try {
      const body = JSON.parse(data || '{}');
      const r = await publish(target, type, body);
      setResult(`Published ${r.id} (${r.delivery})`);
    } catch (e) {
      setResult(e instanceof ProblemError ? `Refused (${e.status} ${e.code}): ${e.message}` : `Not sent: ${(e as Error).message}`);
    }
  };
  return (
    <section className="panel">
      <h2>Publish a test event</h2>
      <form onSubmit={submit} data-testid="publish-form">
        <label>Channel <input name="channel" value={target} onChange={(e) => setTarget(e.target.value)} /></label>
        <label>Type <input name="type" value={type} onChange={(e) => setType(e.target.value)} /></label>
        <label className="wide">Data (JSON object) <textarea name="data" rows={2} value={data} onChange={(e) => setData(e.target.value)} /></label>
        <button type="submit">Publish</button>
      </form>
      {result && <p data-testid="publish-result">{result}</p>}
      <p className="note">Or: <code>{`curl -X POST -H 'Content-Type: application/json' -d '{"type":"${type}","data":${data || '{}'}}' ${location.origin}/api/channels/${target}/events`}</code></p>
    </section>
  );
}

function Examples() {
  const params = new URLSearchParams(location.search);
  const [ids, setIds] = useState({
    job: params.get('job') ?? 'demo', campaign: params.get('campaign') ?? 'demo',
    council: params.get('council') ?? 'demo', user: params.get('user') ?? 'demo',
  });
  const field = (k: keyof typeof ids, label: string) => (
    <label>{label} <input value={ids[k]} onChange={(e) => setIds({ ...ids, [k]: e.target.value })} /></label>
  );
  const ok = (ns: string, id: string) => isChannelName(`${ns}:${id}`);
  return (
    <section className="panel">
      <h2>Example components</h2>
      <p className="note">Each listens on a real channel: publish to it (form above, curl, or a worker) and watch it move.</p>
      <div className="ids">{field('job', 'job:')}{field('campaign', 'campaign:')}{field('council', 'council:')}{field('user', 'alerts:')}</div>
      <div className="examples">
        {ok('job', ids.job) && <RenderProgress jobId={ids.job} />}
        {ok('campaign', ids.campaign) && <CampaignMetrics campaignId={ids.campaign} />}
        {ok('council', ids.council) && <CouncilEvaluation evaluationId={ids.council} />}
        {ok('alerts', ids.user) && <AlertToasts userId={ids.user} />}
      </div>
    </section>
  );
}

function App() {
  const [channel, setChannel] = useState(new URLSearchParams(location.search).get('channel') ?? 'system');
  const [draft, setDraft] = useState(channel);
  return (
    <>
      <header className="top">
        <h1>Realtime gateway</h1>
        <form onSubmit={(e) => { e.preventDefault(); if (isChannelName(draft)) setChannel(draft); }}>
          <label>Watch channel <input name="watch" value={draft} onChange={(e) => setDraft(e.target.value)} /></label>
          <button type="submit">Watch</button>
        </form>
      </header>
      <main>
        <Stats />
        <div className="two">
          <RecentEvents channel={channel} />
          <div>
            <PublishForm channel={channel} />
            <Channels onPick={(c) => { setChannel(c); setDraft(c); }} />
          </div>
        </div>
        <Examples />
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
