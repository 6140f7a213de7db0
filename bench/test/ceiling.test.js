import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ceiling } from '../lib/ceiling.js';

test('the highest deliveries/s whose p99 is under the bound', () => {
  const levels = [
    { rate: 25, deliveriesPerSec: 25000, p99: 20 },
    { rate: 50, deliveriesPerSec: 50000, p99: 60 },
    { rate: 100, deliveriesPerSec: 90000, p99: 140 },
    { rate: 200, deliveriesPerSec: 95000, p99: 900 },
  ];
  assert.deepEqual(ceiling(levels, 100), { deliveriesPerSec: 50000, atOfferedRate: 50, p99: 60 });
});

test('a level over the bound between two under it does not end the search', () => {
  const levels = [
    { rate: 25, deliveriesPerSec: 25000, p99: 20 },
    { rate: 50, deliveriesPerSec: 50000, p99: 120 },
    { rate: 100, deliveriesPerSec: 99000, p99: 80 },
  ];
  assert.equal(ceiling(levels).deliveriesPerSec, 99000);
});

test('exactly at the bound does not count; no level under it gives null', () => {
  assert.equal(ceiling([{ rate: 25, deliveriesPerSec: 1, p99: 100 }]), null);
  assert.equal(ceiling([{ rate: 25, deliveriesPerSec: 1, p99: null }]), null);
  assert.equal(ceiling([]), null);
});
