// The top of docs/BENCHMARKS.md: the build under test against the peers, from ONE run only (figures of
// different runs on this shared machine do not compare), with the gateway's ratio to each peer and the
// command that produced it. The detailed tables below it may merge re-runs; this section never does.
import { claimChecks } from '../scenarios/claims.js';

const dash = '–';
const TARGET_NAMES = { nchan: 'Nchan', socketio: 'Socket.IO' };
const TRANSPORT_NAMES = { sse: 'SSE', ws: 'WebSocket' };
const SCENARIOS = [
  ['fanout', 'fan-out 1 × 1,000'],
  ['channels', '1,000 channels × 1'],
  ['redis', 'two instances via Redis'],
];

function fmt(value, digits) {
  if (typeof value !== 'number' || Number.isNaN(value)) return dash;
  const d = Math.abs(value) >= 100 ? 0 : digits;
  return Number(value.toFixed(d)).toLocaleString('en-US', { maximumFractionDigits: d });
}

function times(gateway, peer) {
  if (typeof gateway !== 'number' || typeof peer !== 'number' || peer === 0) return dash;
  const r = gateway / peer;
  return `${fmt(r, r >= 10 ? 0 : r >= 1 ? 1 : 2)}×`;
}

const perThousand = (r) => (r?.deliveries > 0 ? (r.serverCpuSeconds * 1e6) / r.deliveries : null);
// What a reader compares first, per delivery scenario: cost, latency, and whether the rate held.
const FIGURES = [
  { name: 'server CPU per 1,000 deliveries (ms)', value: perThousand, digits: 2 },
  { name: 'latency p99 (ms)', value: (r) => r?.latencyMs?.p99, digits: 1 },
  { name: 'deliveries/s', value: (r) => r?.deliveriesPerSec, digits: 0 },
  { name: 'published/s (of offered)', value: (r) => r?.publish?.achievedRate, digits: 1, show: (r, v) => `${fmt(v, 1)} of ${fmt(r?.params?.offeredRate, 0)}` },
  { name: 'lost / cut off', value: () => null, show: (r) => (r ? `${fmt(r.lost, 0)} / ${fmt(r.cut, 0)}` : dash), noRatio: true },
];

// The gateway's figure of a run: warm where it was run cold and warm, else its only phase.
const pick = (rows, target) => rows.find((r) => r.target === target && r.phase === 'warm')
  ?? rows.find((r) => r.target === target && r.phase === 'once')
  ?? rows.find((r) => r.target === target && r.phase !== 'error' && r.phase !== 'cold' && r.phase !== 'second');

export function currentSection(document) {
  const results = document.results ?? [];
  const meta = document.meta ?? {};
  const gateways = [...new Set([...(meta.gateways ?? []).map((g) => g.label), ...results.filter((r) => r.kind === 'gateway').map((r) => r.target)])]
    .filter((g) => results.some((r) => r.target === g));
  const peers = ['nchan', 'socketio'].filter((p) => results.some((r) => r.target === p && r.phase !== 'error'));
  if (gateways.length === 0) return '';
  // Ratios to one peer, so the table stays readable with several gateways: Nchan (the native peer the
  // targets are set against) where it ran, else the other.
  const reference = peers.slice(0, 1);
  const head = ['scenario', 'transport', 'figure', ...gateways, ...peers.map((p) => TARGET_NAMES[p]),
    ...gateways.flatMap((g) => reference.map((p) => `${g} ÷ ${TARGET_NAMES[p]}`))];
  const lines = [`| ${head.join(' | ')} |`, `|---|---|---|${head.slice(3).map(() => '---:').join('|')}|`];
  for (const [scenario, title] of SCENARIOS) {
    for (const transport of ['sse', 'ws']) {
      const rows = results.filter((r) => r.scenario === scenario && r.transport === transport && r.phase !== 'error');
      if (!gateways.some((g) => pick(rows, g))) continue;
      for (const f of FIGURES) {
        const cell = (target) => {
          const r = pick(rows, target);
          if (!r) return dash;
          return f.show ? f.show(r, f.value(r)) : fmt(f.value(r), f.digits);
        };
        const ratios = gateways.flatMap((g) => reference.map((p) => (f.noRatio ? '' : times(f.value(pick(rows, g)), f.value(pick(rows, p))))));
        lines.push(`| ${title} | ${TRANSPORT_NAMES[transport]} | ${f.name} | ${[...gateways.map(cell), ...peers.map(cell), ...ratios].join(' | ')} |`);
      }
    }
  }
  for (const transport of ['sse', 'ws']) {
    const rows = results.filter((r) => r.scenario === 'idle' && r.transport === transport && r.phase !== 'error');
    const counts = [...new Set(rows.flatMap((r) => (r.levels ?? []).map((l) => l.requested)))].sort((a, b) => a - b);
    for (const count of counts) {
      const kb = (target) => rows.find((r) => r.target === target)?.levels?.find((l) => l.requested === count)?.rssPerConnectionKb;
      if (!gateways.some((g) => typeof kb(g) === 'number')) continue;
      const ratios = gateways.flatMap((g) => reference.map((p) => times(kb(g), kb(p))));
      lines.push(`| idle, ${fmt(count, 0)} open | ${TRANSPORT_NAMES[transport]} | RSS per connection (KB) | ${[...gateways.map((g) => fmt(kb(g), 1)), ...peers.map((p) => fmt(kb(p), 1)), ...ratios].join(' | ')} |`);
    }
  }
  const claims = results.filter((r) => r.scenario === 'claims');
  for (const g of gateways) {
    const mine = claims.filter((r) => r.target === g);
    if (mine.length === 0) continue;
    const checks = mine.flatMap((r) => (r.runs ? claimChecks(r.runs, r.transport) : r.checks ?? []));
    lines.push(`| the seed's claims | both | checks passed (${g}) | ${checks.filter((c) => c.pass).length} of ${checks.length} |${' |'.repeat(head.length - 4)}`);
  }
  if (lines.length === 2) return '';
  const described = (meta.gateways ?? []).filter((g) => gateways.includes(g.label))
    .map((g) => `\`${g.label}\` = ${g.jar}${g.javaVersion ? ` on ${g.javaVersion.split(' / ')[0]}` : g.javaHome ? ` on ${g.javaHome}` : ''}${g.javaOpts ? ` with \`${g.javaOpts}\`` : ''}`).join('; ');
  const minutes = meta.startedAt && meta.finishedAt ? Math.round((Date.parse(meta.finishedAt) - Date.parse(meta.startedAt)) / 60000) : null;
  let out = `## The current build against the peers\n\nOne run, every target in it (${meta.startedAt ?? '?'}${minutes !== null ? `, ${minutes} min` : ''}${meta.interrupted ? `, stopped by ${meta.interrupted}` : ''}):\n\n\`\`\`sh\n${meta.command ?? '?'}\n\`\`\`\n\n`;
  if (described) out += `${described}. Gateway figures are its warm run (the third on one process; with \`--no-cold\`, the one after a 3 s warm-up, which is not yet warm: the JIT still compiles); a ratio above 1× is worse for CPU, latency and memory, below 1× worse for deliveries/s and the publish rate.\n\n`;
  return `${out}${lines.join('\n')}\n\n`;
}
