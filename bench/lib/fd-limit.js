// The load client holds up to 15,000 sockets; if this process's soft open-file limit is lower, run it
// again under prlimit with the limit raised (the hard limit on this machine is 20,000).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { FD_LIMIT } from './processes.js';

export function openFileLimits(limitsText = readFileSync('/proc/self/limits', 'utf8')) {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  const parse = (v) => (v === 'unlimited' ? Infinity : Number(v));
  return match ? { soft: parse(match[1]), hard: parse(match[2]) } : { soft: 1024, hard: 1024 };
}

// Returns only if the current limit is enough; otherwise re-executes and exits with the child's status.
// Node itself raises its soft limit to the hard one at start, so this only acts when the hard limit is
// low; raising a hard limit takes CAP_SYS_RESOURCE, which a sandbox may withhold even from root. Then
// the run goes on, and the idle scenario reports the connections that failed.
export function ensureOpenFileLimit(wanted = FD_LIMIT) {
  const { soft } = openFileLimits();
  if (soft >= wanted || process.env.BENCH_FD_RAISED) return;
  const limit = `--nofile=${wanted}:${wanted}`;
  if (spawnSync('prlimit', [limit, 'true']).status !== 0) {
    console.error(`open-file limit is ${soft} and cannot be raised here; going on (the idle scenario may fall short)`);
    return;
  }
  const result = spawnSync('prlimit', [limit, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_FD_RAISED: '1' },
  });
  process.exit(result.status ?? 1);
}
