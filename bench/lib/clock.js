import { performance } from 'node:perf_hooks';

// Wall-clock milliseconds with sub-millisecond resolution. Worker threads share the process's time
// origin, so a stamp taken in the publisher (main thread) and one taken in a subscriber worker compare.
export const nowMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `check` until it returns truthy or `timeoutMs` passes; returns the last value (falsy on timeout).
export async function waitUntil(check, { timeoutMs, intervalMs = 100 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

// Rejects with a named error when `promise` takes longer than `ms`: every scenario has a hard bound.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
