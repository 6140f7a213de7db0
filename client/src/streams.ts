import type { Envelope } from './types.js';

/**
 * The product streams' payloads (DESIGN §10) folded into view state: pure functions, so React
 * hooks, other frameworks and tests share them.
 */

export interface JobView {
  jobId?: string;
  status: 'waiting' | 'processing' | 'completed' | 'failed';
  stage?: string;
  frame?: number;
  totalFrames?: number;
  /** 0..1: the gateway's, or frame/totalFrames when it sent none. */
  progress?: number;
  fps?: number;
  etaSeconds?: number;
  message?: string;
  outputUrl?: string;
  error?: string;
}

export const initialJob: JobView = { status: 'waiting' };

export function reduceJob(view: JobView, event: Envelope): JobView {
  const d = event.data as Record<string, any>;
  switch (event.type) {
    case 'job_progress': {
      const frame = num(d.frame);
      const total = num(d.totalFrames);
      const progress = num(d.progress) ?? (frame !== undefined && total ? Math.min(1, frame / total) : view.progress);
      return {
        ...view, status: 'processing', jobId: str(d.jobId) ?? view.jobId, stage: str(d.stage) ?? view.stage,
        frame: frame ?? view.frame, totalFrames: total ?? view.totalFrames, progress,
        fps: num(d.fps) ?? view.fps, etaSeconds: num(d.etaSeconds) ?? view.etaSeconds, message: str(d.message) ?? view.message,
      };
    }
    case 'job_completed':
      return { ...view, status: 'completed', progress: 1, etaSeconds: 0, jobId: str(d.jobId) ?? view.jobId, outputUrl: str(d.outputUrl) };
    case 'job_failed':
      return { ...view, status: 'failed', jobId: str(d.jobId) ?? view.jobId, error: str(d.error) ?? 'failed' };
    default:
      return view;
  }
}

export interface CouncilModel {
  model: string;
  text: string;
  done: boolean;
  score?: number;
  rationale?: string;
  error?: string;
}

export interface CouncilView {
  models: CouncilModel[];
  aggregate?: { score: number; spread?: number; models: Array<{ model: string; score: number; weight?: number }> };
}

export const initialCouncil: CouncilView = { models: [] };

export function reduceCouncil(view: CouncilView, event: Envelope): CouncilView {
  const d = event.data as Record<string, any>;
  const update = (model: string, change: (m: CouncilModel) => CouncilModel): CouncilView => {
    const i = view.models.findIndex((m) => m.model === model);
    const models = [...view.models];
    if (i < 0) models.push(change({ model, text: '', done: false }));
    else models[i] = change(models[i]);
    return { ...view, models };
  };
  switch (event.type) {
    case 'ai_token':
      return typeof d.model === 'string' ? update(d.model, (m) => ({ ...m, text: m.text + (str(d.text) ?? '') })) : view;
    case 'ai_model_done':
      return typeof d.model === 'string'
        ? update(d.model, (m) => ({ ...m, done: true, score: num(d.score), rationale: str(d.rationale) }))
        : view;
    case 'ai_error':
      return typeof d.model === 'string' ? update(d.model, (m) => ({ ...m, done: true, error: str(d.message) ?? 'error' })) : view;
    case 'ai_score':
      return { ...view, aggregate: { score: num(d.score) ?? 0, spread: num(d.spread), models: Array.isArray(d.models) ? d.models : [] } };
    default:
      return view;
  }
}

export interface Metric {
  value: number | null;
  delta: number | null;
  direction: 'up' | 'down' | 'flat' | null;
}

export interface CampaignView {
  campaignId?: string;
  metrics: Record<string, Metric>;
  updatedAt?: string;
}

export const initialCampaign: CampaignView = { metrics: {} };

export function reduceCampaign(view: CampaignView, event: Envelope): CampaignView {
  if (event.type !== 'metrics_update') return view;
  const d = event.data as Record<string, any>;
  if (!d.metrics || typeof d.metrics !== 'object') return view;
  return { campaignId: str(d.campaignId) ?? view.campaignId, metrics: d.metrics as Record<string, Metric>, updatedAt: event.ts };
}

export interface Alert {
  id: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  message: string;
  action?: { label: string; href: string };
  ts: string;
}

export function reduceAlerts(alerts: Alert[], event: Envelope, keep = 5): Alert[] {
  if (event.type !== 'alert') return alerts;
  const d = event.data as Record<string, any>;
  const severity = d.severity === 'warning' || d.severity === 'critical' ? d.severity : 'info';
  const action = d.action && typeof d.action.label === 'string' && typeof d.action.href === 'string'
    ? { label: d.action.label, href: d.action.href } : undefined;
  const alert: Alert = {
    id: str(d.id) ?? event.id, severity, title: str(d.title) ?? '', message: str(d.message) ?? '', action, ts: event.ts,
  };
  return [alert, ...alerts.filter((a) => a.id !== alert.id)].slice(0, keep);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export interface AbVariant {
  name: string;
  exposures: number;
  conversions: number;
  /** conversions / exposures (null with no exposures). */
  rate: number | null;
  /** Relative to the control (null for the control, or when it cannot be computed). */
  lift: number | null;
  /** 95 % interval of the rate difference against the control. */
  ci95: [number, number] | null;
  pValue: number | null;
  significant: boolean | null;
}

export interface AbTestView {
  testId?: string;
  /** The first is the control. */
  variants: AbVariant[];
  /** The variant significantly best, the control if every other is significantly worse, else null. */
  winner: string | null;
  alpha?: number;
  updatedAt?: string;
}

export const initialAbTest: AbTestView = { variants: [], winner: null };

/** `ab_test_update` as the gateway derives it (DESIGN §10). */
export function reduceAbTest(view: AbTestView, event: Envelope): AbTestView {
  if (event.type !== 'ab_test_update') return view;
  const d = event.data as Record<string, any>;
  if (!Array.isArray(d.variants)) return view;
  const variants: AbVariant[] = d.variants.filter((v: any) => v && typeof v.name === 'string').map((v: any) => ({
    name: v.name, exposures: num(v.exposures) ?? 0, conversions: num(v.conversions) ?? 0, rate: num(v.rate) ?? null,
    lift: num(v.lift) ?? null, ci95: Array.isArray(v.ci95) && v.ci95.length === 2 ? [v.ci95[0], v.ci95[1]] : null,
    pValue: num(v.pValue) ?? null, significant: typeof v.significant === 'boolean' ? v.significant : null,
  }));
  return { testId: str(d.testId) ?? view.testId, variants, winner: str(d.winner) ?? null, alpha: num(d.alpha), updatedAt: event.ts };
}

/** One entity's live figures, whatever its stream: what `useLiveMetrics` shows. */
export interface LiveFigures {
  figures: Record<string, number | null>;
  updatedAt?: string;
}

export const initialFigures: LiveFigures = { figures: {} };

/**
 * The numbers of an entity's latest event: a campaign's metrics (their values), a job's progress,
 * frame, fps and ETA, an A/B test's rate per variant; for any other event, its top-level numbers.
 */
export function reduceFigures(view: LiveFigures, event: Envelope): LiveFigures {
  const d = event.data as Record<string, any>;
  const figures: Record<string, number | null> = { ...view.figures };
  if (event.type === 'metrics_update' && d.metrics && typeof d.metrics === 'object') {
    for (const [k, m] of Object.entries(d.metrics as Record<string, any>)) figures[k] = num(m?.value) ?? null;
  } else if (event.type === 'ab_test_update' && Array.isArray(d.variants)) {
    for (const v of d.variants) if (v && typeof v.name === 'string') figures[v.name] = num(v.rate) ?? null;
  } else {
    let any = false;
    for (const [k, v] of Object.entries(d)) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        figures[k] = v;
        any = true;
      }
    }
    if (!any) return view;
  }
  return { figures, updatedAt: event.ts };
}
