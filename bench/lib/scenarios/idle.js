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
      });
      log(`  [${tag}] ${open} open: RSS ${Math.round(rssKb / 1024)} MB, ${levels.at(-1).rssPerConnectionKb} KB per connection`);
    }
  } finally {
    stopProgress();
    await pool.closeAll();
  }
  return { params: { channels: IDLE_CHANNELS, counts }, levels };
}
