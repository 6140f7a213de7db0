// The hot-channel scenarios (lib/scenarios/hot.js) as one Markdown table, from one or more results files:
//   node bench/hot-report.js bench/results/<time>.json
// (docs/BENCHMARKS.md's report does not render these scenarios yet.)
import { readFileSync } from 'node:fs';
import { HOT_SCENARIOS } from './lib/scenarios/hot.js';

const rows = process.argv.slice(2).flatMap((f) => {
  const json = JSON.parse(readFileSync(f, 'utf8'));
  return json.results ?? json;
});
const n = (v) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v) => (v === null || v === undefined ? '–' : Number(v.toPrecision(3)).toString());
console.log('| scenario | target | transport | phase | offered/s | accepted/s | per subscriber/s | lost | ooo | cut | p50 / p99 ms | server CPU ms per event | other CPU s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const scenario of HOT_SCENARIOS) {
  for (const r of rows.filter((x) => x.scenario === scenario)) {
    if (r.phase === 'error') {
      console.log(`| ${scenario} | ${r.target} | ${r.transport} | error | ${r.error} |||||||||`);
      continue;
    }
    const perSub = r.deliveriesPerSec / r.params.subscribers;
    const cpuPerEvent = r.publish.accepted ? (1000 * r.serverCpuSeconds) / r.publish.accepted : null;
    const ooo = r.params.perChannelInFlight > 1 ? 'n/a' : r.outOfOrder;
    console.log(`| ${scenario} | ${r.target} | ${r.transport} | ${r.phase} | ${n(r.params.offeredRate)} | ${n(r.publish.achievedRate)} | ${n(perSub)} | ${r.lost + r.lostByCutClients} | ${ooo} | ${r.cut} | ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p99)} | ${cpuPerEvent === null ? '–' : cpuPerEvent.toFixed(3)} | ${r.otherCpuSeconds} |`);
  }
}
