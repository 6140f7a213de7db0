import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFileLimits } from '../lib/fd-limit.js';

test('open-file limits read from /proc/self/limits', () => {
  const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax processes             95000                95000                processes\nMax open files            1024                 20000                files\n';
  assert.deepEqual(openFileLimits(text), { soft: 1024, hard: 20000 });
  assert.deepEqual(openFileLimits('Max open files            unlimited            unlimited            files\n'), { soft: Infinity, hard: Infinity });
});

