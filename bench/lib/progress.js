// One status line every couple of seconds while a measurement runs, so a long suite is never silent.
const INTERVAL_MS = 2000;

export function startProgress(describe, { intervalMs = INTERVAL_MS, write = (line) => console.log(line) } = {}) {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return; // a slow poll (workers busy) must not stack up
    busy = true;
    try {
      write(await describe());
    } catch {
      /* a progress line is best effort */
    } finally {
      busy = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export const fmtMs = (ms) => (ms === null || ms === undefined ? '-' : ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
