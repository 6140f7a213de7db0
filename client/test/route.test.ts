import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { councilReplayRequest, councilScoreRequest, evaluationIdOf } from '../src/council.js';
import { RouteStream } from '../src/route.js';
import { reduceAbTest, reduceFigures, reduceJob, initialJob } from '../src/streams.js';
import type { ConnectionInfo, Envelope } from '../src/types.js';
import { FakeClock, settle } from './fakes.js';

/** A seed route as the gateway serves it: SSE envelopes with ids, answered per request. */
class FakeRoute {
  readonly requests: Array<{ url: string; method: string; body?: string; lastEventId?: string }> = [];
  private controllers: Array<ReadableStreamDefaultController<Uint8Array>> = [];
  status = 200;

  fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const headers = init.headers as Record<string, string>;
    this.requests.push({ url, method: String(init.method), body: init.body as string | undefined, lastEventId: headers['Last-Event-ID'] });
    if (this.status !== 200) {
      return new Response(JSON.stringify({ code: 'forbidden', detail: 'not yours' }), { status: this.status });
    }
    const body = new ReadableStream<Uint8Array>({ start: (c) => { this.controllers.push(c); } });
    return new Response(body, { status: 200, headers: { 'X-Evaluation-Id': 'ev-1', 'Content-Type': 'text/event-stream' } });
  };

  send(e: Envelope): void {
    this.controllers.at(-1)!.enqueue(new TextEncoder().encode(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
  }

  end(): void {
    this.controllers.at(-1)!.close();
  }
}

const env = (clock: FakeClock, route: FakeRoute) => ({
  fetch: route.fetch as unknown as typeof fetch, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
  random: () => 0.5, now: () => clock.now, origin: () => 'http://gateway.test',
});

const ev = (id: string, type: string, data: Record<string, unknown>): Envelope =>
  ({ id, channel: 'council:ev-1', type, ts: '1970-01-01T00:00:00Z', data });

describe('seed routes', () => {
  it('starts an evaluation with one POST, resumes it on its own route by id, and ends with the score', async () => {
    const clock = new FakeClock();
    const route = new FakeRoute();
    const got: string[] = [];
    const states: ConnectionInfo[] = [];
    let evaluation: string | undefined;
    const stream = new RouteStream({
      request: councilScoreRequest('https://cdn.example/ad.mp4', 'Stop scrolling', ['hook', 'cta']),
      onEvent: (e) => got.push(e.id), onConnection: (i) => states.push(i),
      onResponse: (r) => { evaluation = evaluationIdOf(r); },
      resume: (r) => councilReplayRequest(evaluationIdOf(r)!),
      env: env(clock, route), minReconnectDelay: 100,
    });
    await settle();
    assert.equal(route.requests[0].method, 'POST');
    assert.equal(route.requests[0].url, 'http://gateway.test/api/stream/council-score');
    assert.equal(route.requests[0].body, 'videoUrl=https%3A%2F%2Fcdn.example%2Fad.mp4&transcript=Stop+scrolling&features=hook&features=cta');
    assert.equal(evaluation, 'ev-1');
    route.send(ev('1-0', 'ai_token', { model: 'a', text: 'x' }));
    route.send(ev('2-0', 'ai_token', { model: 'a', text: 'y' }));
    await settle();
    route.end(); // a drop mid-evaluation
    await clock.advance(1000);
    assert.equal(route.requests.length, 2);
    assert.equal(route.requests[1].method, 'GET');
    assert.equal(route.requests[1].url, 'http://gateway.test/api/stream/council/ev-1', 'resumed, not started again');
    assert.equal(route.requests[1].lastEventId, '2-0');
    route.send(ev('2-0', 'ai_token', { model: 'a', text: 'y' })); // a duplicate is dropped
    route.send(ev('3-0', 'ai_score', { score: 70, spread: 0, models: [] }));
    route.end();
    await clock.advance(5000);
    assert.deepEqual(got, ['1-0', '2-0', '3-0']);
    assert.equal(states.at(-1)!.state, 'closed', 'finished, not reconnecting');
    assert.equal(route.requests.length, 2);
    stream.close();
  });

  it('stops on a refusal a retry cannot fix, with the problem\'s code', async () => {
    const clock = new FakeClock();
    const route = new FakeRoute();
    route.status = 403;
    const states: ConnectionInfo[] = [];
    const stream = new RouteStream({ request: { url: '/api/stream/render-progress/1' }, onEvent: () => {},
      onConnection: (i) => states.push(i), env: env(clock, route) });
    await clock.advance(60_000);
    assert.equal(route.requests.length, 1);
    assert.equal(states.at(-1)!.state, 'stopped');
    assert.equal(states.at(-1)!.reason?.code, 'forbidden');
    stream.close();
  });
});

describe('seed views', () => {
  it('job progress at the top level, A/B results, one entity\'s figures', () => {
    const job = reduceJob(initialJob, ev('1-0', 'job_progress', { frame: 5, totalFrames: 10, fps: 2.5, etaSeconds: 2, stage: 'encode' }));
    assert.deepEqual([job.progress, job.frame, job.fps, job.etaSeconds, job.status], [0.5, 5, 2.5, 2, 'processing']);
    const ab = reduceAbTest({ variants: [], winner: null }, ev('1-0', 'ab_test_update', { testId: 't', alpha: 0.05, winner: 'b', variants: [
      { name: 'a', exposures: 100, conversions: 10, rate: 0.1, lift: null, ci95: null, pValue: null, significant: null },
      { name: 'b', exposures: 100, conversions: 20, rate: 0.2, lift: 1, ci95: [0.01, 0.2], pValue: 0.04, significant: true }] }));
    assert.equal(ab.winner, 'b');
    assert.deepEqual(ab.variants[1].ci95, [0.01, 0.2]);
    const figures = reduceFigures({ figures: {} }, ev('1-0', 'metrics_update', { metrics: { clicks: { value: 5, delta: 1, direction: 'up' }, ctr: { value: null } } }));
    assert.deepEqual(figures.figures, { clicks: 5, ctr: null });
  });
});
