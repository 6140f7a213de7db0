import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyRecorder } from '../lib/latency.js';

test('percentiles of 1..1000 ms come out where they should', () => {
  const recorder = new LatencyRecorder();
  for (let ms = 1; ms <= 1000; ms++) recorder.recordMs(ms);
  const s = recorder.summary();
  assert.equal(s.count, 1000);
  // three significant digits: within 0.1 % of the exact value
  assert.ok(Math.abs(s.p50 - 500) <= 0.5, `p50 ${s.p50}`);
  assert.ok(Math.abs(s.p99 - 990) <= 1, `p99 ${s.p99}`);
  assert.ok(Math.abs(s.p999 - 999) <= 1, `p99.9 ${s.p999}`);
  assert.ok(Math.abs(s.max - 1000) <= 1, `max ${s.max}`);
  assert.ok(Math.abs(s.mean - 500.5) <= 1, `mean ${s.mean}`);
});

test('sub-millisecond latencies keep their resolution', () => {
  const recorder = new LatencyRecorder();
  recorder.recordMs(0.25);
  assert.equal(recorder.summary().p50, 0.25);
});

test('a negative latency (clock noise) is recorded as zero, not dropped', () => {
  const recorder = new LatencyRecorder();
  recorder.recordMs(-0.3);
  assert.equal(recorder.count, 1);
  assert.equal(recorder.summary().max, 0);
});

test('an empty recorder has no percentiles', () => {
  const s = new LatencyRecorder().summary();
  assert.equal(s.count, 0);
  assert.equal(s.p99, null);
});

test('histograms from several workers merge through their encoded form', () => {
  const a = new LatencyRecorder();
  const b = new LatencyRecorder();
  for (let i = 0; i < 99; i++) a.recordMs(10);
  b.recordMs(5000);
  const merged = new LatencyRecorder();
  merged.add(LatencyRecorder.decode(a.encode()));
  merged.add(LatencyRecorder.decode(b.encode()));
  const s = merged.summary();
  assert.equal(s.count, 100);
  assert.ok(Math.abs(s.p50 - 10) <= 0.01, `p50 ${s.p50}`);
  assert.ok(Math.abs(s.max - 5000) <= 5, `max ${s.max}`);
});
