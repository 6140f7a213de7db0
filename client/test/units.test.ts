import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../src/backoff.js';
import { compareIds, isChannelName, isEventId, isLocalId, isNewEvent } from '../src/ids.js';
import { SseMessage, SseParser } from '../src/sse-parser.js';
import { reduceAlerts, reduceCouncil, reduceJob, initialCouncil, initialJob } from '../src/streams.js';
import type { Envelope } from '../src/types.js';

describe('back-off', () => {
  it('is uniform under a ceiling that doubles up to the cap', () => {
    assert.equal(backoffDelay(0, 500, 20_000, () => 0.999999), 499);
    assert.equal(backoffDelay(3, 500, 20_000, () => 0.999999), 3999);
    assert.equal(backoffDelay(30, 500, 20_000, () => 0.999999), 19_999);
    assert.equal(backoffDelay(5, 500, 20_000, () => 0), 0, 'full jitter reaches down to zero');
  });
});

describe('ids and channels', () => {
  it('orders ids by ms then seq, beyond 2^53', () => {
    assert.ok(compareIds('2-0', '10-0') < 0);
    assert.ok(compareIds('5-10', '5-9') > 0);
    assert.equal(compareIds('7-1', '7-1'), 0);
    assert.ok(compareIds('18446744073709551615-1', '18446744073709551615-0') > 0);
  });
  it('knows both forms of id, cluster and local', () => {
    assert.ok(isEventId('1732474800123-0'));
    assert.ok(isEventId('1732474800123-0~1732474801000-3'));
    for (const bad of ['', '1', '1-2-3', '1-2~', '~1-2', '1-2~3', '1-2~3-4~5-6', '1.5-2']) assert.ok(!isEventId(bad), bad);
    assert.ok(isLocalId('5-0~9-1'));
    assert.ok(!isLocalId('5-0'));
    assert.ok(compareIds('5-0', '5-0~1-0') < 0, 'no local part first');
    assert.ok(compareIds('5-0~2-0', '5-0~1-9') > 0);
    assert.ok(compareIds('4-9~9-9', '5-0') < 0, 'by the cluster part first');
  });
  it('takes a cluster event below a local one: published elsewhere while this instance was cut off', () => {
    assert.ok(isNewEvent('5-1', undefined));
    assert.ok(isNewEvent('6-0', '5-1'));
    assert.ok(!isNewEvent('5-1', '5-1'), 'a duplicate');
    assert.ok(!isNewEvent('5-0', '5-1'));
    assert.ok(isNewEvent('5-1~9000-0', '5-1'), 'a local event always passes');
    assert.ok(isNewEvent('5-2', '5-1~9000-0'), 'a cluster event after the local one, below it by the clock');
    assert.ok(!isNewEvent('5-1', '5-1~9000-0'), 'but not one it had before the local one');
  });
  it('accepts the names the gateway accepts', () => {
    assert.ok(isChannelName('job:42'));
    assert.ok(isChannelName('system'));
    assert.ok(isChannelName('alerts:user@example.com'));
    assert.ok(!isChannelName('Job:42'));
    assert.ok(!isChannelName('job:'));
    assert.ok(!isChannelName('job:a b'));
  });
});

describe('SSE parser', () => {
  it('reads messages split anywhere, with CRLF, comments and multi-line data', () => {
    const out: SseMessage[] = [];
    const p = new SseParser((m) => out.push(m));
    const text = ': ping\r\n\r\nretry: 3000\r\n\r\nid: 1-0\r\nevent: tick\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: position\nid: c.2-0\ndata: {}\n\n';
    for (let i = 0; i < text.length; i += 3) p.feed(text.slice(i, i + 3));
    assert.deepEqual(out, [
      { event: 'message', data: '', retry: 3000 },
      { event: 'tick', data: '{"a":\n1}', id: '1-0' },
      { event: 'position', data: '{}', id: 'c.2-0' },
    ]);
  });
});

const env = (type: string, data: Record<string, unknown>, id = '1-0'): Envelope => ({ id, channel: 'x:1', type, ts: '', data });

describe('stream views', () => {
  it('job progress takes the gateway\'s figures, or works progress out from frames', () => {
    let v = reduceJob(initialJob, env('job_progress', { jobId: '7', stage: 'render', frame: 25, totalFrames: 100 }));
    assert.equal(v.progress, 0.25);
    v = reduceJob(v, env('job_progress', { frame: 50, totalFrames: 100, progress: 0.5, fps: 12.5, etaSeconds: 4 }));
    assert.deepEqual([v.stage, v.frame, v.fps, v.etaSeconds, v.status], ['render', 50, 12.5, 4, 'processing']);
    v = reduceJob(v, env('job_completed', { jobId: '7', outputUrl: '/out.mp4' }));
    assert.deepEqual([v.status, v.progress, v.outputUrl], ['completed', 1, '/out.mp4']);
  });
  it('council: tokens accumulate per model, then the scores and the aggregate', () => {
    let v = reduceCouncil(initialCouncil, env('ai_token', { model: 'a', text: 'Hel' }));
    v = reduceCouncil(v, env('ai_token', { model: 'b', text: 'Hi' }));
    v = reduceCouncil(v, env('ai_token', { model: 'a', text: 'lo' }));
    v = reduceCouncil(v, env('ai_model_done', { model: 'a', score: 80, rationale: 'ok' }));
    v = reduceCouncil(v, env('ai_error', { model: 'b', message: 'timeout' }));
    v = reduceCouncil(v, env('ai_score', { score: 80, spread: 0, models: [{ model: 'a', score: 80, weight: 1 }] }));
    assert.deepEqual(v.models.map((m) => [m.model, m.text, m.done, m.score ?? null, m.error ?? null]),
      [['a', 'Hello', true, 80, null], ['b', 'Hi', true, null, 'timeout']]);
    assert.equal(v.aggregate?.score, 80);
  });
  it('alerts: newest first, one per id, capped', () => {
    let list = reduceAlerts([], env('alert', { id: 'a1', severity: 'critical', title: 'T', message: 'M', action: { label: 'Open', href: '/x' } }));
    list = reduceAlerts(list, env('alert', { id: 'a2', severity: 'bogus', title: 'U', message: 'N' }));
    list = reduceAlerts(list, env('alert', { id: 'a1', severity: 'info', title: 'T2', message: 'M2' }));
    assert.deepEqual(list.map((a) => [a.id, a.severity, a.title]), [['a1', 'info', 'T2'], ['a2', 'info', 'U']]);
  });
});
