// (c) Idle capacity: how much memory an open, subscribed, silent connection costs the server.
// RSS per connection = (RSS with N open − RSS before connecting) / N, each read after a GC where the
// target has one (jcmd GC.run for the JVM), so garbage does not pass for connection state.
import { treeUsage } from '../proc-stats.js';
import { startProgress } from '../progress.js';
import { channelNames } from './plans.js';
import { round } from '../usage.js';

const IDLE_CHANNELS = 100; // spread over channels, as idle dashboards would be, not all on one

async function settledRssKb(instance, pids) {
  await instance.settleMemory();
  return treeUsage(pids).rssKb;
}

export async function measureIdle({ pool, target, instance, transport, counts, tag, log = console.log }) {
  const pids = instance.pids;
  const channels = channelNames(IDLE_CHANNELS);
  const beforeKb = await settledRssKb(instance, pids);
  // The JVM's heap by class before any connection, to attribute what each level adds (gateway only).
  const heapBefore = instance.heapHistogram ? instance.heapHistogram() : null;
  const levels = [];
  let opened = 0;
  const stopProgress = startProgress(async () => {
    const p = await pool.progress();
    return `  [${tag}] connecting: open ${p.connected}/${counts[counts.length - 1]} failed ${p.connectFailures} cut ${p.cut}`;
  });
  try {
    for (const count of counts) {
      const specs = [];
      for (let id = opened; id < count; id++) specs.push({ id, ...target.subscriberSpec(instance, transport, channels[id % channels.length]) });
      const connect = await pool.connect(specs, { concurrency: 200, timeoutMs: 60000 });
      opened = count;
      const progress = await pool.progress();
      const rssKb = await settledRssKb(instance, pids);
      const open = progress.connected;
      levels.push({
        requested: count,
        open,
        connectFailures: progress.connectFailures,
        cut: progress.cut,
        connectSeconds: round(connect.seconds, 1),
        rssBeforeKb: beforeKb,
        rssKb,
        rssPerConnectionKb: open > 0 ? round((rssKb - beforeKb) / open, 1) : null,
        heap: heapBefore && open > 0 ? heapPerConnection(heapBefore, instance.heapHistogram(), open) : undefined,
      });
      log(`  [${tag}] ${open} open: RSS ${Math.round(rssKb / 1024)} MB, ${levels.at(-1).rssPerConnectionKb} KB per connection`);
    }
  } finally {
    stopProgress();
    await pool.closeAll();
  }
  return { params: { channels: IDLE_CHANNELS, counts }, levels };
}

const HEAP_TOP = 25;

// What the open connections added to the live heap, per connection: the total, and the classes that
// grew most (bytes and instances per connection). RSS beyond the heap is the JVM's native side
// (thread stacks, direct buffers, the heap's own reserve), which a histogram does not see.
export function heapPerConnection(before, after, open) {
  if (!after) return undefined;
  const grown = [];
  let total = 0;
  for (const [name, [instances, bytes]] of Object.entries(after)) {
    const [i0, b0] = before[name] ?? [0, 0];
    total += bytes - b0;
    if (bytes > b0) grown.push({ class: name, bytesPerConnection: round((bytes - b0) / open, 1), instancesPerConnection: round((instances - i0) / open, 2) });
  }
  for (const [name, [, b0]] of Object.entries(before)) if (!(name in after)) total -= b0;
  grown.sort((a, b) => b.bytesPerConnection - a.bytesPerConnection);
  return { bytesPerConnection: round(total / open, 0), top: grown.slice(0, HEAP_TOP) };
}
