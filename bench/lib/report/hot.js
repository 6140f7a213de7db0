// The hot-channel scenarios (lib/scenarios/hot.js) as one Markdown table: one channel, ten subscribers,
// each way in at its offered rate. Used by the report (section e) and by bench/hot-report.js.
import { HOT_SCENARIOS } from '../scenarios/hot.js';

const n = (v) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v) => (v === null || v === undefined ? '–' : Number(v.toPrecision(3)).toString());

export function hotRows(results) {
  return HOT_SCENARIOS.flatMap((scenario) => results.filter((r) => r.scenario === scenario));
}

export function hotTable(results) {
  const lines = [
    '| scenario | target | transport | phase | offered/s | accepted/s | per subscriber/s | lost | ooo | cut | p50 / p99 ms | server CPU ms per event | other CPU s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of hotRows(results)) {
    if (r.phase === 'error') {
      lines.push(`| ${r.scenario} | ${r.target} | ${r.transport} | error | ${r.error} |||||||||`);
      continue;
    }
    const perSub = r.deliveriesPerSec / r.params.subscribers;
    const cpuPerEvent = r.publish.accepted ? (1000 * r.serverCpuSeconds) / r.publish.accepted : null;
    const ooo = r.params.perChannelInFlight > 1 ? 'n/a' : r.outOfOrder;
    lines.push(`| ${r.scenario} | ${r.target} | ${r.transport} | ${r.phase} | ${n(r.params.offeredRate)} | ${n(r.publish.achievedRate)} | ${n(perSub)} | ${r.lost + r.lostByCutClients} | ${ooo} | ${r.cut} | ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p99)} | ${cpuPerEvent === null ? '–' : cpuPerEvent.toFixed(3)} | ${r.otherCpuSeconds} |`);
  }
  return lines.join('\n');
}
