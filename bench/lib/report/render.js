// docs/BENCHMARKS.md from one or more results files: machine and versions, a table per scenario with
// the gateway's ratio to the best peer, the sweep's plots (SVG files beside the report), the claims
// checked pass/fail; at the top the first run alone against the peers (summary.js), and a link to the history.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { mergeResults } from './merge.js';
import { lineChart } from './svg-chart.js';
import { ceiling } from '../ceiling.js';
import { CEILING_P99_MS } from '../scenarios/plans.js';
import { claimChecks } from '../scenarios/claims.js';
import { currentSection } from './summary.js';
import { hotRows, hotTable } from './hot.js';

const BENCH_DIR = new URL('../..', import.meta.url).pathname;

const TARGET_NAMES = { gateway: 'gateway', nchan: 'Nchan', socketio: 'Socket.IO' };
const TRANSPORT_NAMES = { sse: 'SSE', ws: 'WebSocket' };
const PHASE_NAMES = { cold: 'cold', warm: 'warm', second: '2nd run', once: '' };

// ---------- number formatting ----------
const dash = '–';
export function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return dash;
  const fixed = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toFixed(digits));
  return fixed.toLocaleString('en-US', { maximumFractionDigits: digits });
}
const ms = (v) => (v === null || v === undefined ? dash : v >= 100 ? num(v, 0) : v >= 10 ? num(v, 1) : num(v, 2));
const mb = (kb) => (kb === null || kb === undefined ? dash : num(kb / 1024, 0));

export function ratio(gateway, peers, better) {
  const values = peers.filter((v) => typeof v === 'number' && !Number.isNaN(v));
  if (typeof gateway !== 'number' || values.length === 0) return dash;
  const best = better === 'higher' ? Math.max(...values) : Math.min(...values);
  if (best === 0) return gateway === 0 ? '1×' : dash;
  const r = gateway / best;
  return `${r >= 10 ? num(r, 0) : num(r, r >= 1 ? 1 : 2)}×`;
}

// ---------- the figures of a delivery run, one row each ----------
const perThousand = (r) => (r.deliveries > 0 ? (r.serverCpuSeconds * 1e6) / r.deliveries : null);
export const DELIVERY_ROWS = [
  { name: 'subscribers connected', show: (r) => `${num(r.connect?.connected)} / ${num(r.params?.subscribers)}` },
  { name: 'publish rate achieved (events/s)', value: (r) => r.publish?.achievedRate, fmt: (v) => num(v, 1), better: 'higher' },
  { name: 'publish round-trip p99 (ms)', value: (r) => r.publish?.roundTripMs?.p99, fmt: ms, better: 'lower' },
  { name: 'latency p50 (ms)', value: (r) => r.latencyMs?.p50, fmt: ms, better: 'lower' },
  { name: 'latency p99 (ms)', value: (r) => r.latencyMs?.p99, fmt: ms, better: 'lower' },
  { name: 'latency p99.9 (ms)', value: (r) => r.latencyMs?.p999, fmt: ms, better: 'lower' },
  { name: 'latency max (ms)', value: (r) => r.latencyMs?.max, fmt: ms, better: 'lower' },
  { name: 'deliveries/s', value: (r) => r.deliveriesPerSec, fmt: (v) => num(v), better: 'higher' },
  { name: 'lost (clients still connected)', value: (r) => r.lost, fmt: (v) => num(v), better: 'lower' },
  { name: 'lost (on cut-off clients)', value: (r) => r.lostByCutClients, fmt: (v) => num(v) },
  {
    name: 'duplicated / out of order',
    // with several POSTs in flight on one channel the server may accept them in any order: not its fault
    show: (r) => `${num(r.duplicates)} / ${(r.params?.perChannelInFlight ?? 1) > 1 ? `(${num(r.outOfOrder)}, not checked)` : num(r.outOfOrder)}`,
  },
  { name: 'clients cut off', show: (r) => `${num(r.cut)}${r.cut ? ` (${Object.entries(r.cutReasons ?? {}).map(([k, v]) => `${v}× ${k}`).join(', ')})` : ''}` },
  { name: 'server CPU (s, % of one core)', value: (r) => r.serverCpuSeconds, show: (r) => `${num(r.serverCpuSeconds, 1)} (${num(r.serverCpuPercent)} %)`, better: 'lower' },
  { name: 'server CPU per 1,000 deliveries (ms)', value: perThousand, fmt: (v) => num(v, 2), better: 'lower' },
  { name: 'server RSS, peak (MB)', value: (r) => r.serverPeakRssKb, fmt: mb, better: 'lower' },
  { name: 'client CPU (s)', value: (r) => r.clientCpuSeconds, fmt: (v) => num(v, 1) },
  {
    name: 'other CPU on the machine / softirq / steal (s)',
    show: (r) => `${num(r.otherCpuSeconds, 1)} / ${r.softirqSeconds === undefined ? dash : num(r.softirqSeconds, 1)} / ${num(r.stealSeconds, 1)}`,
  },
];

function cell(row, result) {
  if (!result) return dash;
  if (result.phase === 'error') return `error: ${result.error}`;
  if (row.show) return row.show(result);
  return row.fmt(row.value(result));
}

// Columns: each gateway label cold and warm, then each peer; ratio columns: each gateway's warm ÷ best peer.
function columnsFor(results) {
  const gateways = [...new Set(results.filter((r) => r.kind === 'gateway').map((r) => r.target))];
  const peers = [...new Set(results.filter((r) => r.kind !== 'gateway').map((r) => r.target))];
  const columns = [];
  for (const g of gateways) {
    for (const phase of ['cold', 'warm']) {
      const r = results.find((x) => x.target === g && x.phase === phase);
      if (r) columns.push({ title: `${g} ${phase}`, result: r, gateway: g, phase });
    }
    const err = results.find((x) => x.target === g && x.phase === 'error');
    if (err && !columns.some((c) => c.gateway === g)) columns.push({ title: g, result: err, gateway: g, phase: 'error' });
  }
  for (const p of peers) {
    const r = results.find((x) => x.target === p && x.phase !== 'second') ?? results.find((x) => x.target === p);
    if (r) columns.push({ title: TARGET_NAMES[p] ?? p, result: r, peer: true });
  }
  return { gateways, columns };
}

function deliveryTable(results) {
  const { gateways, columns } = columnsFor(results);
  if (columns.length === 0) return '_No figures._\n';
  const peerColumns = columns.filter((c) => c.peer && c.result.phase !== 'error');
  const ratioCols = gateways
    .map((g) => columns.find((c) => c.gateway === g && c.phase === 'warm'))
    .filter(Boolean)
    .filter(() => peerColumns.length > 0);
  const head = ['figure', ...columns.map((c) => c.title), ...ratioCols.map((c) => `${c.gateway} warm ÷ best peer`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of DELIVERY_ROWS) {
    const cells = columns.map((c) => cell(row, c.result));
    const ratios = ratioCols.map((c) =>
      row.better && row.value ? ratio(row.value(c.result), peerColumns.map((p) => row.value(p.result)), row.better) : '',
    );
    lines.push(`| ${[row.name, ...cells, ...ratios].join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

// Latency measured at a lower load than the peers' does not compare at face value: say so under the table.
function shortfallNote(rows) {
  const short = rows.filter((r) => r.phase !== 'error' && r.publish && r.params && r.publish.achievedRate < 0.9 * r.params.offeredRate);
  if (short.length === 0) return '';
  const list = short.map((r) => `${TARGET_NAMES[r.target] ?? r.target}${r.kind === 'gateway' ? ` ${r.phase}` : ''} ${num(r.publish.achievedRate, 1)}/s`).join(', ');
  return `> Published below the offered ${num(short[0].params.offeredRate)} events/s: ${list}. Their latency was measured at that lower load; compare it with the others' only together with the rate.\n\n`;
}

function describePlan(r) {
  const p = r?.params;
  if (!p) return '';
  const perChannel = p.perChannelInFlight ?? 1;
  const overlap = perChannel > 1 ? `, up to ${perChannel} in flight per channel (order not checked)` : p.publishConcurrency > 1 ? `, up to ${p.publishConcurrency} in flight (never two on one channel)` : '';
  const publish = p.batchSize > 1 ? `batches of ${p.batchSize}` : `one POST per event${overlap}`;
  return `${num(p.channels)} channel(s) × ${num(p.subscribers / p.channels)} subscriber(s)${p.instances > 1 ? ` over ${p.instances} instances` : ''}, offered ${num(p.offeredRate)} events/s for ${p.durationS} s, ${publish}.`;
}

function deliverySection(all, scenario, title, intro) {
  const results = all.filter((r) => r.scenario === scenario);
  if (results.length === 0) return '';
  let out = `## ${title}\n\n${intro}\n\n`;
  const example = results.find((r) => r.params);
  if (example) out += `Shape: ${describePlan(example)}\n\n`;
  for (const transport of ['sse', 'ws']) {
    const rows = results.filter((r) => r.transport === transport);
    if (rows.length === 0) continue;
    out += `### ${TRANSPORT_NAMES[transport]}\n\n${deliveryTable(rows)}\n${shortfallNote(rows)}`;
  }
  return out;
}

// ---------- sweep ----------
function sweepSeries(all) {
  const rows = all.filter((r) => r.scenario === 'sweep' && r.phase !== 'error');
  const keys = [...new Set(rows.map((r) => `${r.target}|${r.transport}`))];
  return keys.map((key) => {
    const [target, transport] = key.split('|');
    const levels = rows
      .filter((r) => r.target === target && r.transport === transport)
      .sort((a, b) => a.level - b.level)
      .map((r) => ({ rate: r.level, deliveriesPerSec: r.deliveriesPerSec, p99: r.latencyMs?.p99, achieved: r.publish?.achievedRate, lost: r.lost, cut: r.cut }));
    return { name: `${TARGET_NAMES[target] ?? target} ${TRANSPORT_NAMES[transport]}`, target, transport, levels, ceiling: ceiling(levels, CEILING_P99_MS) };
  });
}

function sweepSection(all, svgLinks) {
  const series = sweepSeries(all);
  if (series.length === 0) return '';
  const rates = [...new Set(series.flatMap((s) => s.levels.map((l) => l.rate)))].sort((a, b) => a - b);
  const example = all.find((r) => r.scenario === 'sweep' && r.params);
  let out = `## (a) Fan-out load sweep\n\nThe fan-out shape at rising offered rates (${example ? `${num(example.params.subscribers)} subscribers, ${example.params.durationS} s per level` : ''}), on a warm server. Each cell: deliveries/s · p99 latency. **Ceiling** = the highest deliveries/s with p99 under ${CEILING_P99_MS} ms.\n\n`;
  const head = ['offered events/s', ...series.map((s) => s.name)];
  const lines = [`| ${head.join(' | ')} |`, `|---|${series.map(() => '---:').join('|')}|`];
  for (const rate of rates) {
    const cells = series.map((s) => {
      const l = s.levels.find((x) => x.rate === rate);
      if (!l) return dash;
      const flags = [l.cut ? `${l.cut} cut` : '', l.lost ? `${num(l.lost)} lost` : '', l.achieved < rate * 0.95 ? `published ${num(l.achieved, 1)}/s` : ''].filter(Boolean).join(', ');
      return `${num(l.deliveriesPerSec)} · ${ms(l.p99)} ms${flags ? ` (${flags})` : ''}`;
    });
    lines.push(`| ${num(rate)} | ${cells.join(' | ')} |`);
  }
  lines.push(`| **ceiling** | ${series.map((s) => (s.ceiling ? `**${num(s.ceiling.deliveriesPerSec)}**/s at ${num(s.ceiling.atOfferedRate)} offered` : `none under ${CEILING_P99_MS} ms`)).join(' | ')} |`);
  out += `${lines.join('\n')}\n\n`;
  if (series.every((x) => !x.ceiling)) {
    out += `No target kept p99 under ${CEILING_P99_MS} ms at any level. At 1,000 subscribers per event, one Node client reading every delivery on cores it shares with the server adds tens of milliseconds by itself, and on a busy machine more (see "other CPU" in the tables above); the deliveries/s plot still shows where each target stops keeping up.\n\n`;
  }
  for (const link of svgLinks) out += `![${link.alt}](${link.href})\n\n`;
  return out;
}

export function sweepCharts(all) {
  const series = sweepSeries(all);
  if (series.length === 0) return [];
  const rates = [...new Set(series.flatMap((s) => s.levels.map((l) => l.rate)))].sort((a, b) => a - b);
  return [
    {
      file: 'sweep-p99.svg',
      alt: 'p99 latency against offered load',
      svg: lineChart({
        title: 'Fan-out: p99 publish-to-receive latency vs offered load',
        xLabel: 'offered events/s (1 channel × subscribers)',
        yLabel: 'p99 latency (ms)',
        logY: true,
        xTicks: rates,
        threshold: { value: CEILING_P99_MS, label: `${CEILING_P99_MS} ms (ceiling bound)` },
        series: series.map((s) => ({ name: s.name, points: s.levels.map((l) => [l.rate, l.p99]) })),
      }),
    },
    {
      file: 'sweep-deliveries.svg',
      alt: 'deliveries per second against offered load',
      svg: lineChart({
        title: 'Fan-out: deliveries/s vs offered load',
        xLabel: 'offered events/s (1 channel × subscribers)',
        yLabel: 'deliveries/s',
        xTicks: rates,
        series: series.map((s) => ({ name: s.name, points: s.levels.map((l) => [l.rate, l.deliveriesPerSec]) })),
      }),
    },
  ];
}

// ---------- idle ----------
function idleSection(all) {
  const results = all.filter((r) => r.scenario === 'idle');
  if (results.length === 0) return '';
  const counts = [...new Set(results.flatMap((r) => (r.levels ?? []).map((l) => l.requested)))].sort((a, b) => a - b);
  let out = `## (c) Idle capacity\n\nOpen, subscribed, silent connections (spread over 100 channels). RSS per connection = (server RSS with N open − RSS before connecting) ÷ N, both read after a GC where the server has one (\`jcmd <pid> GC.run\` for the JVM). Connected 200 at a time.\n\n`;
  for (const transport of ['sse', 'ws']) {
    const rows = results.filter((r) => r.transport === transport);
    if (rows.length === 0) continue;
    const head = ['target', 'RSS before (MB)', ...counts.flatMap((c) => [`open of ${num(c)}`, `RSS (MB)`, `KB per connection`])];
    const lines = [`| ${head.join(' | ')} |`, `|---|${head.slice(1).map(() => '---:').join('|')}|`];
    const peerKb = (count) => rows.filter((r) => r.kind !== 'gateway').map((r) => r.levels?.find((l) => l.requested === count)?.rssPerConnectionKb);
    for (const r of rows) {
      if (r.phase === 'error') {
        lines.push(`| ${TARGET_NAMES[r.target] ?? r.target} | error: ${r.error} |${counts.map(() => ' | | ').join('')}`);
        continue;
      }
      const cells = counts.flatMap((c) => {
        const l = r.levels?.find((x) => x.requested === c);
        if (!l) return [dash, dash, dash];
        const extra = [l.connectFailures ? `${num(l.connectFailures)} failed` : '', l.cut ? `${num(l.cut)} cut` : ''].filter(Boolean).join(', ');
        const peers = peerKb(c).filter((v) => typeof v === 'number');
        const kb = `${num(l.rssPerConnectionKb, 1)}${r.kind === 'gateway' && peers.length ? ` (${ratio(l.rssPerConnectionKb, peers, 'lower')} best peer)` : ''}`;
        return [`${num(l.open)}${extra ? ` (${extra})` : ''}`, mb(l.rssKb), kb];
      });
      lines.push(`| ${TARGET_NAMES[r.target] ?? r.target} | ${mb(r.levels?.[0]?.rssBeforeKb)} | ${cells.join(' | ')} |`);
    }
    out += `### ${TRANSPORT_NAMES[transport]}\n\n${lines.join('\n')}\n\n`;
    out += heapAttribution(rows);
  }
  return out;
}

// Where a gateway's per-connection memory goes: the live heap's growth by class (jcmd
// GC.class_histogram before connecting and with N open), at the first level measured.
const HEAP_ROWS = 15;
function heapAttribution(rows) {
  let out = '';
  for (const r of rows.filter((x) => x.kind === 'gateway' && x.phase !== 'error')) {
    const level = r.levels?.find((l) => l.heap);
    if (!level) continue;
    const heapKb = level.heap.bytesPerConnection / 1024;
    out += `Heap of \`${r.target}\` with ${num(level.open)} open: ${num(heapKb, 1)} KB per connection of the ${num(level.rssPerConnectionKb, 1)} KB of RSS (the rest is native: thread stacks, direct buffers, the heap's reserve). The classes that grew most:\n\n`;
    out += `| class | bytes per connection | instances per connection |\n|---|---:|---:|\n`;
    out += level.heap.top.slice(0, HEAP_ROWS).map((c) => `| \`${c.class}\` | ${num(c.bytesPerConnection, 0)} | ${num(c.instancesPerConnection, 2)} |`).join('\n');
    out += '\n\n';
  }
  return out;
}

// ---------- claims ----------
function hotSection(all) {
  if (!hotRows(all).length) return '';
  return `## (e) The hot channel: one channel, ten subscribers, each way in\n\nOne channel with ten WebSocket subscribers, published to as fast as each way in allows: HTTP batches of 100 (\`hot-batch\`, 20,000 events/s offered), the WebSocket \`publish\` op pipelined with acks checked in order (\`hot-ws\`, 20,000), one event per POST with 32 in flight (\`hot-single\`, 20,000: the achieved rate is the ceiling; order is not checked), the workers' Redis inbox (\`hot-inbox\`, 10,000) and two instances through Redis (\`hot-two\`, 5,000). Server CPU per event covers its ten deliveries.\n\n${hotTable(all)}\n\n`;
}

function claimsSection(all) {
  const results = all.filter((r) => r.scenario === 'claims');
  if (results.length === 0) return '';
  let out = `## (e) The seed's claims, as a floor\n\nChecked on a fresh gateway per transport after one warm-up run. "1,000+ connections": 1,000 subscribers on one channel at 50 events/s, all connected, none cut, nothing lost. Latency: 10 subscribers × 100 events/s (light load; the 1,000-subscriber latency is in the fan-out table). "10,000+ events/s on one channel": 10 subscribers, 10,000 events/s offered in batches of 100 through \`POST /api/events\`; passes with nothing lost and each subscriber receiving ≥ 9,700 events/s (3 % for the drain tail of a short run).\n\n`;
  const lines = ['| gateway | transport | claim | measured | result |', '|---|---|---|---|:---:|'];
  for (const r of results) {
    if (r.phase === 'error') {
      lines.push(`| ${r.target} | ${TRANSPORT_NAMES[r.transport]} | (run failed) | ${r.error} | **FAIL** |`);
      continue;
    }
    const checks = r.runs ? claimChecks(r.runs, r.transport) : r.checks ?? [];
    for (const c of checks) lines.push(`| ${r.target} | ${TRANSPORT_NAMES[r.transport]} | ${c.claim} | ${c.measured} | ${c.pass ? 'pass' : '**FAIL**'} |`);
  }
  return `${out}${lines.join('\n')}\n\n`;
}

// ---------- header ----------
const span = (p) => {
  const minutes = p.startedAt && p.finishedAt ? Math.round((Date.parse(p.finishedAt) - Date.parse(p.startedAt)) / 60000) : null;
  return `${p.startedAt ?? '?'} → ${p.finishedAt ?? '(unfinished)'}${minutes !== null ? ` (${minutes} min)` : ''}${p.interrupted ? `, stopped by ${p.interrupted}` : ''}`;
};

// One row per run that went into the figures (a merged file keeps its parts; several files, each meta).
function commandRows(meta, metas) {
  const parts = metas.flatMap((m) => m.parts ?? [m]);
  if (parts.length === 1) return [['command', `\`${parts[0].command}\``], ['run', span(parts[0])]];
  return parts.map((p, i) => [`command (part ${i + 1})`, `\`${p.command}\`, ${span(p)}`]);
}

function headerSection(meta, metas, sources) {
  const m = meta.machine ?? {};
  const v = meta.versions ?? {};
  const gateways = meta.gateways ?? [];
  const rows = [
    ['machine', `${m.cores} cores (${m.cpuModel}), ${m.ramGiB} GiB RAM, Linux ${m.kernel}${m.os ? `, ${m.os}` : ''}; the load client runs on the same cores`],
    ['gateway', gateways.map((g) => `\`${g.label}\`: ${g.jar}${g.javaHome ? ` on ${g.javaHome}` : ''}${g.javaOpts ? ` with \`${g.javaOpts}\`` : ''}`).join('; ') || dash],
    ['JVM', gateways.some((g) => g.javaVersion && g.javaVersion !== v.java) ? gateways.map((g) => `\`${g.label}\`: ${g.javaVersion}`).join('; ') : v.java ?? dash],
    ['Open Liberty', v.openLiberty ?? dash],
    ['Nchan', `nginx ${(v.nginx ?? '?').replace(/^nginx\//, '')} + Nchan ${v.nchan ?? '?'} (Debian libnginx-mod-nchan ${v.nchanPackage ?? '?'}), one worker per core`],
    ['Socket.IO', `socket.io ${v.socketIo ?? '?'} on Node ${v.node ?? '?'} (@socket.io/redis-adapter ${v.redisAdapter ?? '?'} for two instances)`],
    ['Redis', v.redis ?? dash],
    ['load client', `Node ${v.node ?? '?'}: ws ${v.ws ?? '?'}, socket.io-client ${v.socketIoClient ?? '?'}, its own SSE client over node:http, hdr-histogram-js ${v.hdrHistogramJs ?? '?'}`],
    ...commandRows(meta, metas),
    ['results', sources.map((s) => `\`${s}\``).join(', ')],
  ];
  return `| | |\n|---|---|\n${rows.map(([k, val]) => `| ${k} | ${val} |`).join('\n')}\n\n`;
}

const READING = `### How to read it

- **Latency** is publish-to-receive: the publisher stamps each event with the time its POST is written
  (\`performance.timeOrigin + performance.now()\`), each subscriber subtracts that from its arrival time, and
  the figures come from one HdrHistogram over every delivery. Client and server share the machine's cores,
  so latency includes the client's own queueing; that is the same for every target.
- **cold** is a freshly started gateway's first traffic, **warm** its third run on the same process (the
  second is kept in the JSON). Nchan and Socket.IO are measured once after a ${'3'} s warm-up run.
- **ratio** columns divide the gateway's warm figure by the best peer's (the lowest, or for rates the highest):
  above 1× is worse for latency, CPU and memory, below 1× is worse for deliveries/s and publish rate.
- **publish rate achieved** below the offered rate means the server's publish call was slower than the
  interval between events: the publisher keeps one request in flight per channel (order matters) and the
  run then measures delivery at the rate the server could accept.
- **lost** counts, per subscriber and channel, accepted events that had not arrived when the drain ended:
  after publishing stops the client waits until everything arrived, or nothing new came for 5 s (30 s at
  most). Late is not lost; lost is what never came. Losses on clients the server cut off as too slow are
  counted apart.
- **other CPU / softirq / steal**: CPU the machine spent on neither server nor client during the window
  (out of 2 cores × the window's seconds), the kernel's softirq time (loopback packet processing, charged
  to no process), and time the hypervisor took. A large "other" means something else was running and the
  column is noisy. (Runs recorded before softirq was split out count it in "other".)
`;

export function renderReport(documents, { sources = [], svgLinks = [] } = {}) {
  const { meta, metas, results } = mergeResults(documents);
  let md = `# Benchmarks\n\n`;
  md += `The gateway's delivery path measured side by side with Nchan (nginx, C) and Socket.IO 4 (Node), by the same load client, on the same machine, in the same run. Generated by \`bench/report.js\` from the results JSON; do not edit by hand (re-run \`node bench/run.js\`, or \`node bench/report.js <results.json…> > docs/BENCHMARKS.md\`). How it works and how to run it: [bench/README.md](../bench/README.md). What each change did, before and after: [bench/CHANGES.md](../bench/CHANGES.md).\n\n`;
  md += currentSection(documents[0]);
  md += `## The details\n\nEvery figure, per scenario and transport${documents.length > 1 ? ' (later results files replace the same figures of earlier ones; the section above is the first file alone)' : ''}.\n\n`;
  md += headerSection(meta, metas, sources);
  md += READING + '\n';
  md += deliverySection(results, 'fanout', '(a) Fan-out: one channel, many subscribers', 'One channel with 1,000 subscribers, the gateway\'s headline case (a job\'s progress watched by many dashboards).');
  md += sweepSection(results, svgLinks);
  md += deliverySection(results, 'channels', '(b) Many channels, one subscriber each', 'Round-robin publishing over 1,000 channels: per-channel bookkeeping rather than fan-out.');
  md += idleSection(results);
  md += deliverySection(results, 'redis', '(d) Two instances through Redis', 'Subscribers split half and half over two instances that share one redis-server (started by the harness); every event is published on the first instance, so half the deliveries cross Redis. Server CPU and RSS include both instances and Redis.');
  md += hotSection(results);
  md += claimsSection(results);
  const errors = results.filter((r) => r.phase === 'error');
  if (errors.length) {
    md += `## Runs that failed\n\n${errors.map((e) => `- ${e.scenario} · ${e.target} · ${e.transport}: ${e.error}`).join('\n')}\n\n`;
  }
  // The history (each change's before and after) lives in bench/CHANGES.md, kept by hand; the report is
  // the current state only, so it links there instead of mixing old runs' labels into its tables.
  md += `## History\n\nBefore and after of each change, with the command of each measurement: [bench/CHANGES.md](../bench/CHANGES.md).\n`;
  return md.replace(/\n{3,}/g, '\n\n');
}

// Writes the report to reportFile and its SVG plots into <dir of reportFile>/bench/.
export function renderReportFiles(jsonPaths, reportFile) {
  const documents = jsonPaths.map((p) => JSON.parse(readFileSync(p, 'utf8')));
  const svgDir = join(dirname(reportFile), 'bench');
  const charts = sweepCharts(mergeResults(documents).results);
  const svgLinks = [];
  if (charts.length) mkdirSync(svgDir, { recursive: true });
  for (const chart of charts) {
    writeFileSync(join(svgDir, chart.file), chart.svg);
    svgLinks.push({ alt: chart.alt, href: relative(dirname(reportFile), join(svgDir, chart.file)) });
  }
  const sources = jsonPaths.map((p) => relative(join(BENCH_DIR, '..'), p));
  writeFileSync(reportFile, renderReport(documents, { sources, svgLinks }));
}
