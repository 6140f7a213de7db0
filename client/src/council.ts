import type { RouteRequest } from './route.js';

/**
 * How the council's seed routes are called. An evaluation is paid work, so how it may be started is
 * the gateway's to decide (DESIGN §5): these functions are the only place in the client that knows the
 * method and the fields. Today: a POST with the fields as a form (a transcript may be too large for a
 * URL); the answer is the evaluation's SSE stream, and its `X-Evaluation-Id` header names it.
 */
export function councilScoreRequest(videoUrl: string, transcript: string, features: string[] = []): RouteRequest {
  return { url: '/api/stream/council-score', method: 'POST', form: { videoUrl, transcript, features } };
}

export interface CreativeInput {
  creativeUrl?: string;
  headline?: string;
  text?: string;
  audience?: string;
}

/** One creative evaluated by the council (`/api/stream/evaluate-creative`), as {@link councilScoreRequest}. */
export function evaluateCreativeRequest(input: CreativeInput): RouteRequest {
  return { url: '/api/stream/evaluate-creative', method: 'POST', form: { ...input } };
}

/** An evaluation from its first event, for a second viewer or a resume after a drop. */
export function councilReplayRequest(evaluationId: string): RouteRequest {
  return { url: `/api/stream/council/${encodeURIComponent(evaluationId)}` };
}

/** The evaluation an answer started. */
export function evaluationIdOf(response: Response): string | undefined {
  return response.headers.get('X-Evaluation-Id') ?? undefined;
}
