#!/usr/bin/env node
// The benchmark harness: starts the gateway, Nchan and Socket.IO itself, loads each with the same client
// on this machine, and writes every figure to a JSON file (and, after a full run, docs/BENCHMARKS.md).
// See bench/README.md. Quick work: --targets, --scenarios, --transports, --duration, --no-cold.
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureOpenFileLimit } from './lib/fd-limit.js';
import { parseArgs, USAGE } from './lib/cli.js';
import { installCleanup } from './lib/processes.js';
import { ClientPool } from './lib/client-pool.js';
import { Suite } from './lib/suite.js';
import { gatewayTarget } from './lib/targets/gateway.js';
import { nchanTarget } from './lib/targets/nchan.js';
import { socketioTarget } from './lib/targets/socketio.js';
import { machineInfo, versions, javaVersion, benchDir, repoDir } from './lib/machine.js';
import { runSmoke } from './lib/scenarios/smoke.js';
import { renderReportFiles } from './lib/report/render.js';

ensureOpenFileLimit();

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

// On Ctrl-C or SIGTERM the servers are killed (processes.js) and the figures so far are kept, marked.
let onInterrupt = () => {};
installCleanup((signal) => onInterrupt(signal));
options.runDir = mkdtempSync(join(tmpdir(), 'rt-bench-run-'));

function buildTargets() {
  const targets = [];
  for (const name of options.targets) {
    if (name === 'gateway') {
      for (const [jar, label] of [[options.jar, options.label], [options.jarB, options.labelB]]) {
        if (!jar) continue;
        if (!existsSync(jar)) throw new Error(`gateway jar not found: ${jar} (build it, or pass --jar)`);
        targets.push(gatewayTarget({ jar: resolve(jar), label, javaHome: options.javaHome, javaOpts: options.javaOpts, runDir: options.runDir }));
      }
      for (const g of options.gateway) {
        const jar = g.jar ?? options.jar;
        if (!existsSync(jar)) throw new Error(`gateway jar not found: ${jar}`);
        targets.push(gatewayTarget({ jar: resolve(jar), label: g.label, javaHome: g.javaHome ?? options.javaHome, javaOpts: g.javaOpts ?? options.javaOpts, runDir: options.runDir }));
      }
    } else if (name === 'nchan') {
      const target = nchanTarget({ runDir: options.runDir });
      if (!target.available()) throw new Error('nginx or the Nchan module is missing: run bench/setup.sh');
      targets.push(target);
    } else if (name === 'socketio') targets.push(socketioTarget({ runDir: options.runDir }));
  }
  return targets;
}

function commandLine() {
  const args = process.argv.slice(2).map((a) => (/[\s"'|]/.test(a) ? JSON.stringify(a) : a));
  return ['node', 'bench/run.js', ...args].join(' ');
}

async function main() {
  if (options.smoke) {
    const jar = resolve(options.jar);
    if (!existsSync(jar)) throw new Error(`gateway jar not found: ${jar}`);
    const ok = await runSmoke({ target: gatewayTarget({ jar, label: 'gateway', javaHome: options.javaHome, javaOpts: options.javaOpts, runDir: options.runDir }) });
    return ok ? 0 : 1;
  }

  const targets = buildTargets();
  const out = resolve(options.out ?? join(benchDir, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
  mkdirSync(dirname(out), { recursive: true });
  const gatewayJava = options.javaHome ? join(options.javaHome, 'bin', 'java') : 'java';
  const document = {
    meta: {
      command: commandLine(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      machine: machineInfo(),
      versions: versions({ java: gatewayJava, jars: targets.filter((t) => t.kind === 'gateway').map((t) => t.describe.jar) }),
      options: { ...options, runDir: undefined },
      gateways: targets.filter((t) => t.kind === 'gateway').map((t) => ({ label: t.label, ...t.describe, javaVersion: javaVersion(t.describe.java) })),
    },
    results: [],
  };
  const save = () => writeFileSync(out, `${JSON.stringify(document, null, 1)}\n`);
  save();
  onInterrupt = (signal) => {
    document.meta.finishedAt = new Date().toISOString();
    document.meta.interrupted = signal;
    save();
  };
  console.log(`results → ${out}\nserver logs → ${options.runDir}`);

  const pool = new ClientPool({ threads: options.clientThreads });
  const record = (result) => {
    document.results.push({ at: new Date().toISOString(), ...result });
    save();
  };
  try {
    await new Suite({ options, targets, pool, record }).run();
  } finally {
    await pool.terminate();
    document.meta.finishedAt = new Date().toISOString();
    save();
  }

  // A full run rewrites docs/BENCHMARKS.md; a filtered one gets its report beside its JSON, so quick work
  // never overwrites the committed figures.
  const reportFile = options.noReport ? null : options.report ?? (options.filtered ? out.replace(/\.json$/, '') + '.md' : join(repoDir, 'docs', 'BENCHMARKS.md'));
  if (reportFile) {
    renderReportFiles([out], resolve(reportFile));
    console.log(`report → ${reportFile}`);
  }
  console.log(`results → ${out}`);
  return document.results.some((r) => r.phase === 'error') ? 1 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err.stack ?? String(err));
    process.exit(1);
  });
