#!/usr/bin/env node
// Renders docs/BENCHMARKS.md from one or more results files (later files override earlier figures of the
// same scenario/target/transport/phase, so a partial re-run can be merged into a full one).
//
//   node bench/report.js bench/results/baseline.json [more.json …] > docs/BENCHMARKS.md
//   node bench/report.js --out docs/BENCHMARKS.md bench/results/baseline.json
//   node bench/report.js --save-merged bench/results/all.json part1.json part2.json   (one JSON of both)
//
// The sweep's SVG plots are written to docs/bench/ (beside the report), which the report links to.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, relative, dirname } from 'node:path';
import { renderReport, sweepCharts, renderReportFiles } from './lib/report/render.js';
import { mergeResults } from './lib/report/merge.js';
import { repoDir } from './lib/machine.js';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex === -1 ? null : resolve(args.splice(outIndex, 2)[1]);
const mergedIndex = args.indexOf('--save-merged');
const mergedOut = mergedIndex === -1 ? null : resolve(args.splice(mergedIndex, 2)[1]);
if (args.length === 0) {
  console.error('usage: node bench/report.js [--out FILE] results.json [more.json …]');
  process.exit(2);
}
const files = args.map((a) => resolve(a));

if (mergedOut) {
  // One results file out of several runs: the first run's meta, every run's command and span kept.
  const documents = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const { results } = mergeResults(documents);
  const meta = { ...documents[0].meta, parts: documents.map((d) => ({ command: d.meta.command, startedAt: d.meta.startedAt, finishedAt: d.meta.finishedAt, interrupted: d.meta.interrupted })) };
  meta.finishedAt = documents.at(-1).meta.finishedAt;
  writeFileSync(mergedOut, `${JSON.stringify({ meta, results }, null, 1)}\n`);
  console.error(`merged ${files.length} files (${results.length} results) → ${mergedOut}`);
  process.exit(0);
}

if (out) {
  renderReportFiles(files, out);
  console.error(`report → ${out}`);
} else {
  // To stdout: the report is meant for docs/BENCHMARKS.md, so the plots go to docs/bench/.
  const reportFile = join(repoDir, 'docs', 'BENCHMARKS.md');
  const documents = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const svgDir = join(dirname(reportFile), 'bench');
  const charts = sweepCharts(mergeResults(documents).results);
  if (charts.length) mkdirSync(svgDir, { recursive: true });
  const svgLinks = charts.map((chart) => {
    writeFileSync(join(svgDir, chart.file), chart.svg);
    return { alt: chart.alt, href: relative(dirname(reportFile), join(svgDir, chart.file)) };
  });
  const sources = files.map((f) => relative(repoDir, f));
  process.stdout.write(renderReport(documents, { sources, svgLinks }));
}
