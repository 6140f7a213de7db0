import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport, sweepCharts, ratio, num } from '../lib/report/render.js';
import { mergeResults } from '../lib/report/merge.js';
import { lineChart } from '../lib/report/svg-chart.js';

const run = (over) => ({
  scenario: 'fanout',
  transport: 'sse',
  params: { subscribers: 1000, channels: 1, instances: 1, offeredRate: 50, durationS: 10, publishConcurrency: 1, batchSize: 1 },
  connect: { connected: 1000, failed: 0 },
  publish: { achievedRate: 50, roundTripMs: { p99: 2 } },
  latencyMs: { p50: 10, p99: 40, p999: 60, max: 80 },
  deliveriesPerSec: 50000,
  deliveries: 500000,
  lost: 0,
  lostByCutClients: 0,
  duplicates: 0,
  outOfOrder: 0,
  cut: 0,
  cutReasons: {},
  serverCpuSeconds: 5,
  serverCpuPercent: 33,
  serverPeakRssKb: 102400,
  clientCpuSeconds: 4,
  otherCpuSeconds: 0.5,
  stealSeconds: 0,
  ...over,
});

const fixture = {
  meta: {
    command: 'node bench/run.js',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:30:00Z',
    machine: { cores: 2, cpuModel: 'Test CPU', ramGiB: 24, kernel: '6.1', os: 'Debian' },
    versions: { java: 'openjdk 17', openLiberty: '26.0.0.3', nginx: 'nginx/1.22.1', nchan: '1.3.6', node: 'v20', socketIo: '4.8.1' },
    gateways: [{ label: 'gateway', jar: '/x/baseline.jar' }],
  },
  results: [
    run({ target: 'gateway', kind: 'gateway', phase: 'cold', latencyMs: { p50: 100, p99: 900, p999: 1000, max: 1100 } }),
    run({ target: 'gateway', kind: 'gateway', phase: 'warm', latencyMs: { p50: 65, p99: 137, p999: 200, max: 300 }, cut: 3, cutReasons: { 'close 1013': 3 }, lostByCutClients: 42 }),
    run({ target: 'nchan', kind: 'nchan', phase: 'once', latencyMs: { p50: 13, p99: 56, p999: 70, max: 90 } }),
    run({ target: 'socketio', kind: 'socketio', phase: 'once', transport: 'ws' }),
    ...[25, 50, 100].map((level, i) => run({ scenario: 'sweep', target: 'nchan', kind: 'nchan', phase: 'once', level, deliveriesPerSec: level * 1000, latencyMs: { p99: [20, 50, 150][i] } })),
    {
      scenario: 'idle',
      target: 'nchan',
      kind: 'nchan',
      transport: 'sse',
      phase: 'once',
      levels: [{ requested: 10000, open: 10000, connectFailures: 0, cut: 0, rssBeforeKb: 50000, rssKb: 150000, rssPerConnectionKb: 10 }],
    },
    {
      scenario: 'claims',
      target: 'gateway',
      kind: 'gateway',
      transport: 'ws',
      phase: 'warm',
      checks: [
        { claim: '1,000+ concurrent connections', measured: '1000 connected', pass: true },
        { claim: 'WebSocket latency p50 under 10 ms', measured: 'p50 805 ms', pass: false },
      ],
    },
  ],
};

test('the report names the machine, the versions and the command', () => {
  const md = renderReport([fixture]);
  assert.match(md, /2 cores \(Test CPU\), 24 GiB RAM/);
  assert.match(md, /Open Liberty \| 26\.0\.0\.3/);
  assert.match(md, /nginx 1\.22\.1 \+ Nchan 1\.3\.6/);
  assert.match(md, /`node bench\/run\.js`/);
});

test('the fan-out table has gateway cold, warm, the peers and the ratio to the best peer', () => {
  const md = renderReport([fixture]);
  const header = md.split('\n').find((l) => l.startsWith('| figure | gateway cold'));
  assert.equal(header, '| figure | gateway cold | gateway warm | Nchan | gateway warm ÷ best peer |');
  const p99 = md.split('\n').find((l) => l.startsWith('| latency p99 (ms)'));
  assert.equal(p99, '| latency p99 (ms) | 900 | 137 | 56 | 2.4× |');
  assert.match(md, /\| clients cut off \| 0 \| 3 \(3× close 1013\) \| 0 \|/);
});

test('the sweep shows the ceiling (p99 under 100 ms) and links the plots', () => {
  const md = renderReport([fixture], { svgLinks: [{ alt: 'p99', href: 'bench/sweep-p99.svg' }] });
  assert.match(md, /\| \*\*ceiling\*\* \| \*\*50,000\*\*\/s at 50 offered \|/);
  assert.match(md, /!\[p99\]\(bench\/sweep-p99\.svg\)/);
});

test('idle, claims with pass and FAIL, and a link to the history in CHANGES.md', () => {
  const md = renderReport([fixture]);
  assert.match(md, /\| Nchan \| 49 \| 10,000 \| 146 \| 10 \|/);
  assert.match(md, /WebSocket latency p50 under 10 ms \| p50 805 ms \| \*\*FAIL\*\* \|/);
  assert.match(md, /1,000\+ concurrent connections \| 1000 connected \| pass \|/);
  assert.match(md, /## History\n\nBefore and after of each change.*\[bench\/CHANGES\.md\]/);
});

test('the top section is the first run alone: each gateway against each peer, ratios and the command', () => {
  const ab = {
    meta: { ...fixture.meta, command: 'node bench/run.js --jar a.jar --label before --jar-b b.jar --label-b after', gateways: [{ label: 'before', jar: 'a.jar' }, { label: 'after', jar: 'b.jar' }] },
    results: [
      run({ target: 'before', kind: 'gateway', phase: 'warm', serverCpuSeconds: 20 }),
      run({ target: 'after', kind: 'gateway', phase: 'warm', serverCpuSeconds: 10 }),
      run({ target: 'nchan', kind: 'nchan', phase: 'once', serverCpuSeconds: 4 }),
      run({ target: 'before', kind: 'gateway', phase: 'cold', serverCpuSeconds: 99 }),
    ],
  };
  // A second file's figures never reach the top section.
  const later = { meta: fixture.meta, results: [run({ target: 'nchan', kind: 'nchan', phase: 'once', serverCpuSeconds: 1 })] };
  const md = renderReport([ab, later]);
  const top = md.slice(md.indexOf('## The current build against the peers'), md.indexOf('## The details'));
  assert.match(top, /node bench\/run\.js --jar a\.jar --label before --jar-b b\.jar --label-b after/);
  assert.match(top, /\| scenario \| transport \| figure \| before \| after \| Nchan \| before ÷ Nchan \| after ÷ Nchan \|/);
  // 20 s, 10 s and 4 s of CPU over 500,000 deliveries: 40, 20 and 8 ms per 1,000.
  assert.match(top, /\| fan-out 1 × 1,000 \| SSE \| server CPU per 1,000 deliveries \(ms\) \| 40 \| 20 \| 8 \| 5× \| 2\.5× \|/);
  assert.ok(!top.includes('| 198 |'), 'the cold run (99 s of CPU) is not in it');
});

test('a later results file replaces the same figure of an earlier one', () => {
  const rerun = { meta: fixture.meta, results: [run({ target: 'nchan', kind: 'nchan', phase: 'once', latencyMs: { p50: 1, p99: 2, p999: 3, max: 4 } })] };
  const merged = mergeResults([fixture, rerun]).results.filter((r) => r.scenario === 'fanout' && r.target === 'nchan');
  assert.equal(merged.length, 1);
  assert.equal(merged[0].latencyMs.p99, 2);
});

test('ratio: lower-is-better against the lowest peer, higher-is-better against the highest', () => {
  assert.equal(ratio(137, [56, 80], 'lower'), '2.4×');
  assert.equal(ratio(25000, [50000, 40000], 'higher'), '0.5×');
  assert.equal(ratio(5, [], 'lower'), '–');
  assert.equal(ratio(0, [0], 'lower'), '1×');
  assert.equal(num(1234567), '1,234,567');
});

test('the sweep charts are SVG with one line per series', () => {
  const charts = sweepCharts(fixture.results);
  assert.deepEqual(charts.map((c) => c.file), ['sweep-p99.svg', 'sweep-deliveries.svg']);
  for (const c of charts) {
    assert.match(c.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(c.svg, /<\/svg>\n$/);
    assert.equal((c.svg.match(/<polyline /g) ?? []).length, 1);
  }
  const svg = lineChart({ title: 'a < b', xLabel: 'x', yLabel: 'y', series: [{ name: 'one', points: [[1, 1], [2, null], [3, 3]] }, { name: 'two', points: [[1, 2]] }] });
  assert.match(svg, /a &lt; b/);
  assert.equal((svg.match(/<circle /g) ?? []).length, 3); // the null point is skipped
});

test('the hot channel has its own section with each way in, accepted and per-subscriber rates and CPU per event', () => {
  const hot = (scenario, target, over) => run({
    scenario, target, kind: target === 'Nchan' ? 'nchan' : 'gateway', transport: 'ws', phase: target === 'Nchan' ? 'once' : 'warm',
    params: { subscribers: 10, channels: 1, instances: 1, offeredRate: 20000, durationS: 10, perChannelInFlight: scenario === 'hot-single' ? 32 : 1 },
    publish: { achievedRate: 19995, accepted: 199950, roundTripMs: { p99: 2 } },
    deliveriesPerSec: 199890,
    serverCpuSeconds: 11.4,
    ...over,
  });
  const doc = { ...fixture, results: [...fixture.results, hot('hot-batch', 'gateway'), hot('hot-single', 'Nchan', { outOfOrder: 7 })] };
  const md = renderReport([doc]);
  const section = md.slice(md.indexOf('## (e) The hot channel'));
  assert.ok(section.length > 0 && md.includes('## (e) The hot channel'), 'the section is there');
  assert.match(section, /\| hot-batch \| gateway \| ws \| warm \| 20,000 \| 19,995 \| 19,989 \| 0 \| 0 \| 0 \| 10 \/ 40 \| 0\.057 \|/);
  assert.match(section, /\| hot-single \| Nchan \| ws \| once \| .* \| n\/a \|/, 'order is not checked with 32 in flight');
  assert.ok(!renderReport([fixture]).includes('## (e) The hot channel'), 'no section without hot runs');
});
