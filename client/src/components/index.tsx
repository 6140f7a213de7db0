import { ChannelOptions, useCampaignMetricsStream, useCouncilScoreStream, useRealtimeAlerts, useRenderProgressStream } from '../react/hooks.js';
import type { ConnectionState } from '../types.js';

/**
 * Example components on the hooks, one per product stream (DESIGN §10). Plain markup with class
 * names (`rt-*`) for the page's own CSS; each shows its connection status.
 */

export function Status({ status }: { status: ConnectionState }) {
  return <span className={`rt-status rt-status-${status}`} data-status={status}>{status}</span>;
}

function fmt(n: number | null | undefined, digits = 0): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—';
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** A render job: stage, frame of total, fps and ETA, then its output or its error. */
export function RenderProgress({ jobId, options }: { jobId: string; options?: ChannelOptions }) {
  const { value: job, status } = useRenderProgressStream(jobId, options);
  const pct = Math.round((job.progress ?? 0) * 100);
  return (
    <div className="rt-card rt-render" data-testid="render-progress" data-job-status={job.status}>
      <header><h3>Render job {jobId}</h3><Status status={status} /></header>
      <div className="rt-bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className={`rt-bar-fill rt-bar-${job.status}`} style={{ width: `${pct}%` }} />
      </div>
      <dl className="rt-facts">
        <dt>Status</dt><dd data-testid="job-status">{job.status}</dd>
        <dt>Stage</dt><dd data-testid="job-stage">{job.stage ?? '—'}</dd>
        <dt>Frame</dt><dd data-testid="job-frame">{fmt(job.frame)} / {fmt(job.totalFrames)}</dd>
        <dt>Progress</dt><dd data-testid="job-progress">{pct}%</dd>
        <dt>FPS</dt><dd>{fmt(job.fps, 1)}</dd>
        <dt>ETA</dt><dd>{duration(job.etaSeconds)}</dd>
      </dl>
      {job.message && <p className="rt-note">{job.message}</p>}
      {job.outputUrl && <p className="rt-ok">Output: <a href={job.outputUrl}>{job.outputUrl}</a></p>}
      {job.error && <p className="rt-err">Failed: {job.error}</p>}
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
export function CampaignMetrics({ campaignId, options }: { campaignId: string; options?: ChannelOptions }) {
  const { value, status } = useCampaignMetricsStream(campaignId, options);
  return (
    <div className="rt-card rt-campaign" data-testid="campaign-metrics">
      <header><h3>Campaign {campaignId}</h3><Status status={status} /></header>
      {Object.keys(value.metrics).length === 0 ? <p className="rt-note">No metrics_update yet.</p> : (
        <table className="rt-metrics">
          <tbody>
            {METRIC_LABELS.filter(([k]) => value.metrics[k]).map(([k, label, kind]) => {
              const m = value.metrics[k];
              const arrow = m.direction === 'up' ? '▲' : m.direction === 'down' ? '▼' : m.direction === 'flat' ? '–' : '';
              return (
                <tr key={k} data-metric={k} data-direction={m.direction ?? 'none'}>
                  <th>{label}</th>
                  <td className="rt-value">{metricText(m.value, kind)}</td>
                  <td className={`rt-delta rt-${m.direction ?? 'none'}`}>{arrow} {m.delta === null ? '' : metricText(Math.abs(m.delta), kind)}</td>
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
export function CouncilEvaluation({ evaluationId, options }: { evaluationId: string; options?: ChannelOptions }) {
  const { value, status } = useCouncilScoreStream(evaluationId, options);
  return (
    <div className="rt-card rt-council" data-testid="council-evaluation">
      <header><h3>Council evaluation {evaluationId}</h3><Status status={status} /></header>
      {value.models.length === 0 && <p className="rt-note">Waiting for the models.</p>}
      <div className="rt-models">
        {value.models.map((m) => (
          <section key={m.model} className={`rt-model ${m.done ? 'rt-done' : 'rt-thinking'}`} data-model={m.model}>
            <h4>{m.model} {m.done ? (m.error ? '✗' : '✓') : '…'}</h4>
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

/** A user's alerts as toasts, newest on top, each with its action and a dismiss button. */
export function AlertToasts({ userId, options }: { userId: string; options?: ChannelOptions }) {
  const { value: alerts, status, dismiss } = useRealtimeAlerts(userId, options);
  return (
    <div className="rt-toasts" data-testid="alert-toasts" aria-live="polite">
      <header><h3>Alerts for {userId}</h3><Status status={status} /></header>
      {alerts.length === 0 && <p className="rt-note">No alerts.</p>}
      {alerts.map((a) => (
        <div key={a.id} className={`rt-toast rt-${a.severity}`} role="status" data-alert={a.id}>
          <strong>{a.title}</strong>
          <p>{a.message}</p>
          {a.action && <a className="rt-action" href={a.action.href}>{a.action.label}</a>}
          <button type="button" onClick={() => dismiss(a.id)} aria-label="Dismiss">×</button>
        </div>
      ))}
    </div>
  );
}
