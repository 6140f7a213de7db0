import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceTracker, StreamSequence } from '../lib/sequence-tracker.js';

const sent = (count, failed = []) => ({ count, failed: new Set(failed) });

test('a clean stream: nothing lost, duplicated or out of order', () => {
  const tracker = new SequenceTracker();
  for (let seq = 0; seq < 10; seq++) tracker.record(1, 'job:a', seq);
  const s = tracker.summary({ 'job:a': sent(10) });
  assert.deepEqual([s.expected, s.received, s.lost, s.duplicates, s.outOfOrder], [10, 10, 0, 0, 0]);
});

test('gaps count as lost, repeats as duplicates, late arrivals as out of order', () => {
  const tracker = new SequenceTracker();
  for (const seq of [0, 1, 3, 2, 3, 5, 7, 7, 4]) tracker.record('s', 'job:a', seq);
  const s = tracker.summary({ 'job:a': sent(9) }); // 0..8 sent: 6 and 8 never came
  assert.equal(s.received, 7);
  assert.equal(s.lost, 2);
  assert.equal(s.duplicates, 2);
  assert.equal(s.outOfOrder, 2); // 2 after 3, 4 after 7
  assert.equal(s.streamsWithLoss, 1);
});

test('a subscriber that received nothing loses everything', () => {
  const tracker = new SequenceTracker();
  tracker.register(1, 'job:a');
  tracker.register(2, 'job:a');
  for (let seq = 0; seq < 5; seq++) tracker.record(1, 'job:a', seq);
  const s = tracker.summary({ 'job:a': sent(5) });
  assert.equal(s.lost, 5);
  assert.equal(s.streams, 2);
});

test('events whose publish failed are not expected', () => {
  const tracker = new SequenceTracker();
  for (const seq of [0, 1, 3]) tracker.record(1, 'job:a', seq);
  const s = tracker.summary({ 'job:a': sent(4, [2]) });
  assert.equal(s.expected, 3);
  assert.equal(s.lost, 0);
});

test('losses on clients the server cut off are counted apart', () => {
  const tracker = new SequenceTracker();
  tracker.record(1, 'job:a', 0);
  tracker.record(2, 'job:a', 0);
  const s = tracker.summary({ 'job:a': sent(3) }, new Set([2]));
  assert.equal(s.lost, 2);
  assert.equal(s.lostByCutClients, 2);
});

test('channels are tracked apart for one subscriber', () => {
  const tracker = new SequenceTracker();
  tracker.record(1, 'job:a', 0);
  tracker.record(1, 'job:b', 0);
  tracker.record(1, 'job:b', 1);
  const s = tracker.summary(new Map([['job:a', sent(1)], ['job:b', sent(2)]]));
  assert.equal(s.lost, 0);
  assert.equal(s.duplicates, 0);
});

test('a sequence number far past the first bitmap grows it', () => {
  const stream = new StreamSequence();
  stream.record(100000);
  stream.record(100000);
  assert.equal(stream.distinct, 1);
  assert.equal(stream.duplicates, 1);
  assert.equal(stream.lostOf(sent(100001)), 100000);
});

test('a malformed seq is counted as invalid, not as a delivery', () => {
  const stream = new StreamSequence();
  stream.record(undefined);
  stream.record(-1);
  stream.record(1.5);
  assert.equal(stream.invalid, 3);
  assert.equal(stream.distinct, 0);
});
