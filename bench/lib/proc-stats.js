// Server cost read from /proc: CPU seconds (utime + stime) and resident memory (VmRSS), summed over a
// process tree, because nginx serves from worker children and a JVM may fork helpers.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // the Linux default on every architecture we run on
    }
  }
  return clockTicks;
}

// Fields of /proc/<pid>/stat after the command name, which is in parentheses and may itself hold spaces
// or parentheses: so split after the last ')'.
export function parseStat(text) {
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).trim().split(' ');
  return {
    state: fields[0],
    ppid: Number(fields[1]),
    utimeTicks: Number(fields[11]),
    stimeTicks: Number(fields[12]),
  };
}

export function parseRssKb(statusText) {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return match ? Number(match[1]) : 0; // a zombie has no VmRSS line
}

function readOrNull(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process went away between listing and reading
  }
}

// Every live pid under (and including) the roots.
export function processTree(rootPids) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`);
    if (!stat) continue;
    const { ppid } = parseStat(stat);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(name));
  }
  const seen = new Set();
  const queue = rootPids.filter((pid) => pid && readOrNull(`/proc/${pid}/stat`) !== null);
  while (queue.length > 0) {
    const pid = queue.shift();
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return [...seen];
}

// { cpuSeconds, rssKb, pids } of the whole tree at this instant.
export function treeUsage(rootPids) {
  const pids = processTree(rootPids);
  let ticks = 0;
  let rssKb = 0;
  for (const pid of pids) {
    const stat = readOrNull(`/proc/${pid}/stat`);
    if (stat) {
      const { utimeTicks, stimeTicks } = parseStat(stat);
      ticks += utimeTicks + stimeTicks;
    }
    const status = readOrNull(`/proc/${pid}/status`);
    if (status) rssKb += parseRssKb(status);
  }
  return { cpuSeconds: ticks / ticksPerSecond(), rssKb, pids };
}

// The machine as a whole from the first line of /proc/stat: busy and steal in seconds, so a run can say
// how much CPU went to neither the server nor the client (other work, or a hypervisor taking it back).
export function parseMachineCpu(statText) {
  const fields = statText.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  // softirq apart: on loopback the kernel's packet processing lands there, charged to no process.
  return { busyTicks: user + nice + system + irq, softirqTicks: softirq, idleTicks: idle + iowait, stealTicks: steal };
}

export function machineCpuSeconds() {
  const { busyTicks, softirqTicks, idleTicks, stealTicks } = parseMachineCpu(readFileSync('/proc/stat', 'utf8'));
  const hz = ticksPerSecond();
  return { busy: busyTicks / hz, softirq: softirqTicks / hz, idle: idleTicks / hz, steal: stealTicks / hz };
}
