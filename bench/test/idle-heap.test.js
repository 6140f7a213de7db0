import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHistogram } from '../lib/targets/gateway.js';
import { heapPerConnection } from '../lib/scenarios/idle.js';

const histogram = (rows) => ` num     #instances         #bytes  class name (module)
-------------------------------------------------------
${rows.map(([n, i, b, c], k) => `${String(k + 1).padStart(4)}:  ${String(i).padStart(12)}  ${String(b).padStart(12)}  ${c}`).join('\n')}
Total        999999      99999999
`;

test('jcmd GC.class_histogram is read as class → [instances, bytes]', () => {
  const parsed = parseHistogram(histogram([[1, 20, 2000, '[B (java.base@17.0.15)'], [2, 10, 480, 'io.realtime.gateway.sse.SseConnection']]));
  assert.deepEqual(parsed, { '[B': [20, 2000], 'io.realtime.gateway.sse.SseConnection': [10, 480] });
});

test('the heap a level added is divided by the connections open, the classes that grew most first', () => {
  const before = { '[B': [100, 10000], 'java.lang.String': [50, 1200], gone: [1, 64] };
  const after = { '[B': [2100, 210000], 'java.lang.String': [150, 3600], 'x.Conn': [100, 4800] };
  const heap = heapPerConnection(before, after, 100);
  assert.equal(heap.bytesPerConnection, Math.round((200000 + 2400 + 4800 - 64) / 100));
  assert.deepEqual(heap.top.map((c) => c.class), ['[B', 'x.Conn', 'java.lang.String']);
  assert.deepEqual(heap.top[0], { class: '[B', bytesPerConnection: 2000, instancesPerConnection: 20 });
  assert.equal(heapPerConnection(before, null, 100), undefined);
});
