// Readiness probes: the status of one GET, and a wait for 200 that gives up when the process dies.
import http from 'node:http';
import { sleep } from './clock.js';

export function getStatus(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export async function waitForOk(url, { timeoutMs, child, what }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child?.hasExited) throw new Error(`${what} exited before it was ready`);
    if ((await getStatus(url)) === 200) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${Math.round(timeoutMs / 1000)} s (${url})`);
}
