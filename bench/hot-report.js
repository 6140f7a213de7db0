// The hot-channel scenarios (lib/scenarios/hot.js) as one Markdown table, from one or more results files:
//   node bench/hot-report.js bench/results/<time>.json
// (docs/BENCHMARKS.md renders the same table as its section e.)
import { readFileSync } from 'node:fs';
import { hotTable } from './lib/report/hot.js';

const rows = process.argv.slice(2).flatMap((f) => {
  const json = JSON.parse(readFileSync(f, 'utf8'));
  return json.results ?? json;
});
console.log(hotTable(rows));
