import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { parseStat, parseRssKb, processTree, treeUsage, parseMachineCpu } from '../lib/proc-stats.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls until probe() returns a value (not null), or fails after a bound generous for a loaded machine. */
async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

test('stat fields after a command name holding spaces and parentheses', () => {
  const text = '4242 (java (x) y) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 40 0 12345 9000000 20000 18446744073709551615';
  assert.deepEqual(parseStat(text), { state: 'S', ppid: 17, utimeTicks: 250, stimeTicks: 75 });
});

test('VmRSS from /proc/<pid>/status, and 0 for a zombie without one', () => {
  assert.equal(parseRssKb('Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n'), 123456);
  assert.equal(parseRssKb('Name:\tdefunct\nState:\tZ (zombie)\n'), 0);
});

test('machine CPU from the first line of /proc/stat', () => {
  const m = parseMachineCpu('cpu  100 5 20 1000 10 1 4 7 0 0\ncpu0 1 2 3 4\n');
  assert.deepEqual(m, { busyTicks: 126, softirqTicks: 4, idleTicks: 1010, stealTicks: 7 });
});

test('the tree of a spawned shell holds its children; CPU and RSS are summed over it', async (t) => {
  // sh → (a child that spins until killed, a sleeping one). The busy child never finishes by itself, so
  // however fast the CPU, there is always more CPU time to see; the waits below are conditions with a
  // generous bound, never a fixed pause.
  const root = spawn('sh', ['-c', 'sleep 300 & (while :; do :; done) & wait'], { stdio: 'ignore', detached: true });
  t.after(() => {
    try {
      process.kill(-root.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  const pids = await until('sh and its two children', () => {
    const tree = processTree([root.pid]);
    return tree.length >= 3 ? tree : null;
  });
  assert.ok(pids.includes(root.pid));
  assert.ok(!pids.includes(process.pid), 'the tree must not climb to the parent');

  const first = treeUsage([root.pid]);
  const second = await until(`the busy child's CPU counted (first sample ${first.cpuSeconds} s)`, () => {
    const usage = treeUsage([root.pid]);
    return usage.cpuSeconds > first.cpuSeconds ? usage : null;
  });
  assert.ok(second.rssKb > 0);
  assert.ok(second.rssKb >= treeUsage([root.pid]).pids.length * 100, 'every process has some resident memory');
  // the root alone (a waiting sh) has far less CPU than its tree
  assert.ok(treeUsage([root.pid]).cpuSeconds >= second.cpuSeconds);
});

test('a pid that does not exist gives an empty tree', () => {
  assert.deepEqual(processTree([2 ** 22 + 12345]), []);
  assert.deepEqual(treeUsage([2 ** 22 + 12345]), { cpuSeconds: 0, rssKb: 0, pids: [] });
});
