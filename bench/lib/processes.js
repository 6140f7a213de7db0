// Every server this harness starts goes through here, so that all of them are stopped on the way out:
// normal end, an error, Ctrl-C or SIGTERM. Each runs in its own process group under a raised fd limit.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';

export const FD_LIMIT = 20000; // the machine's hard limit per process

const running = new Set();
const tempDirs = new Set(); // big scratch dirs (a Liberty extract is ~100 MB) removed on any way out

export function trackTempDir(dir) {
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal); // the whole group: nginx workers, anything a JVM forked
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

// Starts `command args` under `prlimit --nofile`, output to logFile. Returns the ChildProcess; its pid
// is the command's own (prlimit execs it), which is what jcmd and /proc need.
export function startProcess(command, args, { env = {}, logFile, cwd } = {}) {
  const log = openSync(logFile, 'a');
  const child = spawn('prlimit', [`--nofile=${FD_LIMIT}:${FD_LIMIT}`, command, ...args], {
    env: { ...process.env, ...env },
    cwd,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.hasExited = false;
  child.exited.then(() => {
    child.hasExited = true;
    running.delete(child);
  });
  child.logFile = logFile;
  running.add(child);
  return child;
}

// SIGTERM, then SIGKILL to the group if it has not gone within graceMs.
export async function stopProcess(child, { graceMs = 10000 } = {}) {
  if (!child || child.hasExited) return;
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL'); // leftovers in the group, if any
}

// Every server still running: after a case overran its hard timeout, its body may still be awaiting
// them, so they are stopped from outside (the suite runs one case at a time).
export async function stopAllProcesses() {
  await Promise.all([...running].map((child) => stopProcess(child, { graceMs: 5000 })));
}

export function logTail(child, lines = 20) {
  try {
    return readFileSync(child.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function killAllNow() {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* a JVM just killed may still hold files open; nothing more to do on the way out */
    }
  }
  tempDirs.clear();
}

let installed = false;
// Called once by run.js. `exit` handlers must be synchronous: SIGKILL is the only sure thing there.
export function installCleanup(onSignal = () => {}) {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every server this run started`);
      onSignal(signal);
      killAllNow();
      process.exit(130);
    });
  }
}
