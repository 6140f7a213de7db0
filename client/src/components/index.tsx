import { useEffect, useState } from 'react';
import {
  SeedOptions, useAbTestResults, useCampaignMetricsStream, useCouncilEvaluation, useRealtimeAlerts, useRenderProgressStream,
} from '../react/seed.js';
import type { ConnectionInfo, ConnectionState, RealtimeError, TransportName } from '../types.js';
import { describeConnection } from '../view.js';

/**
 * Example components on the hooks, one per product stream (DESIGN §10). Plain markup with class
 * names (`rt-*`) for the page's own CSS; each shows its connection status, says why it is down, and
 * greys its figures (`rt-stale`) while they may be out of date.
 */

export function Status({ status }: { status: ConnectionState }) {
  return <span className={`rt-status rt-status-${status}`} data-status={status}>{status}</span>;
}

/**
 * The connection's state in words ("The gateway is unreachable. Retrying in 4 s"), updated every
 * second while it waits, in a polite live region so a screen reader hears the changes; with a
 * "Reconnect now" button while it is down.
 */
export function ConnectionStatus({ connection, onReconnect, error }: {
  connection: ConnectionInfo; onReconnect?: () => void; error?: RealtimeError;
}) {
  const [now, setNow] = useState(() => Date.now());
  const waiting = connection.state === 'reconnecting' && connection.retryAt !== undefined;
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [waiting, connection.retryAt]);
  const down = connection.state === 'reconnecting' || connection.state === 'stopped' || connection.state === 'offline';
  const text = error && connection.state === 'open' ? error.message : describeConnection(connection, now);
  return (
    <p className={`rt-connection rt-connection-${connection.state}`} data-testid="connection" data-state={connection.state}
       role="status" aria-live="polite">
      <Status status={connection.state} /> <span className="rt-connection-text">{text}</span>
      {down && onReconnect && <> <button type="button" className="rt-reconnect" onClick={onReconnect}>Reconnect now</button></>}
    </p>
  );
}

function fmt(n: number | null | undefined, digits = 0): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—';
}

function duration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function Header({ title, connection, stale, onReconnect }: { title: string; connection: ConnectionInfo; stale: boolean; onReconnect(): void }) {
  return (
    <header>
      <h3>{title}</h3>
      <Status status={connection.state} />
      {stale && <span className="rt-stale-note">out of date: reloading</span>}
      {connection.state !== 'open' && connection.reason && (
        <p className="rt-err" role="status">
          {describeConnection(connection)}{' '}
          {connection.state !== 'closed' && <button type="button" className="rt-reconnect" onClick={onReconnect}>Reconnect now</button>}
        </p>
      )}
    </header>
  );
}

/** A render job: stage, frame of total, fps and ETA, then its output or its error. */
export function RenderProgress({ jobId, options }: { jobId: string; options?: SeedOptions }) {
  const job = useRenderProgressStream(jobId, options);
  const pct = Math.round((job.progress ?? 0) * 100);
  const stale = job.stale || (job.connection.state !== 'open' && job.connection.state !== 'closed' && job.progress !== undefined);
  return (
    <div className={`rt-card rt-render${stale ? ' rt-stale' : ''}`} data-testid="render-progress" data-job-status={job.status}>
      <Header title={`Render job ${jobId}`} connection={job.connection} stale={job.stale} onReconnect={job.reconnect} />
      <div className="rt-bar" role="progressbar" aria-label={`Render job ${jobId} progress`} aria-valuenow={pct}
           aria-valuemin={0} aria-valuemax={100} aria-valuetext={`${pct}%, ${job.status}`}>
        <div className={`rt-bar-fill rt-bar-${job.status}`} style={{ width: `${pct}%` }} />
      </div>
      <dl className="rt-facts">
        <dt>Status</dt><dd data-testid="job-status">{job.status}</dd>
        <dt>Stage</dt><dd data-testid="job-stage">{job.stage ?? '—'}</dd>
        <dt>Frame</dt><dd data-testid="job-frame">{fmt(job.frame)} / {fmt(job.totalFrames)}</dd>
        <dt>Progress</dt><dd data-testid="job-progress">{pct}%</dd>
        <dt>FPS</dt><dd data-testid="job-fps">{fmt(job.fps, 1)}</dd>
        <dt>ETA</dt><dd>{duration(job.eta)}</dd>
      </dl>
      {job.message && <p className="rt-note">{job.message}</p>}
      {job.outputUrl && <p className="rt-ok">Output: <a href={job.outputUrl}>{job.outputUrl}</a></p>}
      {job.status === 'failed' && <p className="rt-err">Failed: {job.error}</p>}
    </div>
  );
}

const METRIC_LABELS: Array<[string, string, 'count' | 'money' | 'rate']> = [
  ['impressions', 'Impressions', 'count'], ['clicks', 'Clicks', 'count'], ['conversions', 'Conversions', 'count'],
  ['spend', 'Spend', 'money'], ['ctr', 'CTR', 'rate'], ['cpc', 'CPC', 'money'], ['cpm', 'CPM', 'money'],
  ['conversionRate', 'Conversion rate', 'rate'],
];

function metricText(value: number | null | undefined, kind: 'count' | 'money' | 'rate'): string {
  if (typeof value !== 'number') return '—';
  if (kind === 'rate') return (value * 100).toFixed(2) + '%';
  if (kind === 'money') return value.toFixed(2);
  return fmt(value);
}

/** A campaign's live metrics with their change since the previous update and an arrow. */
export function CampaignMetrics({ campaignId, options }: { campaignId: string; options?: SeedOptions }) {
  const value = useCampaignMetricsStream(campaignId, options);
  const has = Object.keys(value.metrics).length > 0;
  const stale = value.stale || (has && value.connection.state !== 'open');
  return (
    <div className={`rt-card rt-campaign${stale ? ' rt-stale' : ''}`} data-testid="campaign-metrics">
      <Header title={`Campaign ${campaignId}`} connection={value.connection} stale={value.stale} onReconnect={value.reconnect} />
      {!has ? <p className="rt-note">No metrics_update yet.</p> : (
        <table className="rt-metrics">
          <caption className="rt-visually-hidden">Campaign {campaignId} metrics</caption>
          <tbody>
            {METRIC_LABELS.filter(([k]) => value.metrics[k]).map(([k, label, kind]) => {
              const m = value.metrics[k];
              const arrow = m.direction === 'up' ? '▲' : m.direction === 'down' ? '▼' : m.direction === 'flat' ? '–' : '';
              return (
                <tr key={k} data-metric={k} data-direction={m.direction ?? 'none'}>
                  <th scope="row">{label}</th>
                  <td className="rt-value">{metricText(m.value, kind)}</td>
                  <td className={`rt-delta rt-${m.direction ?? 'none'}`}>
                    <span aria-hidden="true">{arrow}</span>
                    <span className="rt-visually-hidden">{m.direction ?? ''}</span> {m.delta === null ? '' : metricText(Math.abs(m.delta), kind)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** An AI council evaluation: the models thinking side by side, then the aggregate score. */
export function CouncilEvaluation({ evaluationId }: { evaluationId: string }) {
  const value = useCouncilEvaluation(evaluationId);
  return (
    <div className={`rt-card rt-council${value.stale ? ' rt-stale' : ''}`} data-testid="council-evaluation" data-council-status={value.status}>
      <Header title={`Council evaluation ${evaluationId}`} connection={value.connection} stale={value.stale} onReconnect={value.reconnect} />
      {value.models.length === 0 && <p className="rt-note">Waiting for the models.</p>}
      <div className="rt-models">
        {value.models.map((m) => (
          <section key={m.model} className={`rt-model ${m.done ? 'rt-done' : 'rt-thinking'}`} data-model={m.model}>
            <h4>{m.model} <span aria-label={m.done ? (m.error ? 'failed' : 'done') : 'thinking'}>{m.done ? (m.error ? '✗' : '✓') : '…'}</span></h4>
            <p className="rt-text">{m.text}</p>
            {m.score !== undefined && <p className="rt-score">Score <b data-testid="model-score">{fmt(m.score)}</b></p>}
            {m.rationale && <p className="rt-note">{m.rationale}</p>}
            {m.error && <p className="rt-err">{m.error}</p>}
          </section>
        ))}
      </div>
      {value.aggregate && (
        <div className="rt-aggregate" data-testid="council-aggregate">
          Aggregate <b>{fmt(value.aggregate.score, 1)}</b>
          {value.aggregate.spread !== undefined && <> (spread {fmt(value.aggregate.spread, 1)})</>}
        </div>
      )}
    </div>
  );
}

function pct(v: number | null, digits = 2): string {
  return v === null ? '—' : (v * 100).toFixed(digits) + '%';
}

/** An A/B test: each variant's rate, lift against the control with its interval and p-value, and the winner. */
export function AbTestResults({ testId, options }: { testId: string; options?: SeedOptions }) {
  const value = useAbTestResults(testId, options);
  const stale = value.stale || (value.variants.length > 0 && value.connection.state !== 'open');
  return (
    <div className={`rt-card rt-abtest${stale ? ' rt-stale' : ''}`} data-testid="ab-test-results" data-winner={value.winner ?? ''}>
      <Header title={`A/B test ${testId}`} connection={value.connection} stale={value.stale} onReconnect={value.reconnect} />
      {value.variants.length === 0 ? <p className="rt-note">No ab_test_update yet.</p> : (
        <>
          <table className="rt-metrics">
            <thead><tr><th scope="col">Variant</th><th scope="col">Rate</th><th scope="col">Lift</th><th scope="col">p</th></tr></thead>
            <tbody>
              {value.variants.map((v, i) => (
                <tr key={v.name} data-variant={v.name} data-significant={String(v.significant)}>
                  <th scope="row">{v.name}{i === 0 ? ' (control)' : ''}</th>
                  <td>{pct(v.rate)} <span className="rt-note">({fmt(v.conversions)}/{fmt(v.exposures)})</span></td>
                  <td>{i === 0 ? '—' : pct(v.lift, 1)}{v.ci95 && <span className="rt-note"> [{pct(v.ci95[0], 1)}, {pct(v.ci95[1], 1)}]</span>}</td>
                  <td>{v.pValue === null ? '—' : v.pValue.toFixed(3)}{v.significant ? ' ✓' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="rt-aggregate" data-testid="ab-winner">
            {value.winner ? <>Winner: <b>{value.winner}</b></> : 'No significant winner yet'}
            {value.alpha !== undefined && <span className="rt-note"> (α = {value.alpha})</span>}
          </p>
        </>
      )}
    </div>
  );
}

/** A user's alerts as toasts, newest on top, each with its action and a dismiss button. */
export function AlertToasts({ userId, options }: { userId: string; options?: { transport?: TransportName } }) {
  const { alerts, connection, dismiss, stale, reconnect } = useRealtimeAlerts(userId, options);
  return (
    <div className={`rt-toasts${stale ? ' rt-stale' : ''}`} data-testid="alert-toasts">
      <Header title={`Alerts for ${userId}`} connection={connection} stale={stale} onReconnect={reconnect} />
      <div aria-live="polite">
        {alerts.length === 0 && <p className="rt-note">No alerts.</p>}
        {alerts.map((a) => (
          <div key={a.id} className={`rt-toast rt-${a.severity}`} role={a.severity === 'critical' ? 'alert' : 'status'} data-alert={a.id}>
            <strong>{a.title}</strong>
            <p>{a.message}</p>
            {a.action && <a className="rt-action" href={a.action.href}>{a.action.label}</a>}
            <button type="button" onClick={() => dismiss(a.id)} aria-label={`Dismiss ${a.title}`}>×</button>
          </div>
        ))}
      </div>
    </div>
  );
}
