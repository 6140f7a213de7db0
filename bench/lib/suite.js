// Runs the chosen scenarios against the chosen targets and transports, starting and stopping every
// server itself, and hands each figure to `record` as soon as it exists (so a crash keeps what was done).
import { measureDelivery } from './scenarios/delivery.js';
import { measureIdle } from './scenarios/idle.js';
import { runClaims } from './scenarios/claims.js';
import { HOT_SCENARIOS, runHotCase } from './scenarios/hot.js';
import { plans, warmupOf, againOf, SWEEP_RATES } from './scenarios/plans.js';
import { startRedis } from './targets/redis.js';
import { withTimeout } from './clock.js';
import { stopAllProcesses } from './processes.js';

export const ALL_SCENARIOS = ['fanout', 'sweep', 'channels', 'idle', 'redis', 'claims'];
// Also runnable by name (--scenarios), not part of the full suite: the hot channel (scenarios/hot.js).
export const KNOWN_SCENARIOS = [...ALL_SCENARIOS, ...HOT_SCENARIOS];
const CASE_TIMEOUT_MS = 15 * 60 * 1000; // no single case may hold the suite longer than this

async function startInstances(target, count, redisUrl) {
  // One after the other: two JVMs starting at once on two cores take longer than twice one.
  const instances = [];
  try {
    for (let i = 0; i < count; i++) instances.push(await target.start({ redisUrl }));
  } catch (err) {
    await Promise.all(instances.map((i) => i.stop()));
    throw err;
  }
  return instances;
}

export class Suite {
  constructor({ options, targets, pool, record, log = console.log }) {
    Object.assign(this, { options, targets, pool, record, log });
  }

  async run() {
    for (const scenario of this.options.scenarios) {
      if (scenario === 'claims') {
        for (const target of this.targets.filter((t) => t.kind === 'gateway')) {
          for (const transport of this.transportsOf(target)) await this.guard(scenario, target, transport, () => this.claimsCase(target, transport));
        }
        continue;
      }
      for (const target of this.targets) {
        for (const transport of this.transportsOf(target)) {
          const run = {
            fanout: () => this.deliveryCase('fanout', target, transport, plans.fanout, 1),
            channels: () => this.deliveryCase('channels', target, transport, plans.channels, 1),
            redis: () => this.deliveryCase('redis', target, transport, plans.redis, 2),
            sweep: () => this.sweepCase(target, transport),
            idle: () => this.idleCase(target, transport),
          }[scenario] ?? (() => runHotCase(this, scenario, target, transport));
          await this.guard(scenario, target, transport, run);
        }
      }
    }
  }

  transportsOf(target) {
    return target.transports.filter((t) => this.options.transports.includes(t));
  }

  // A failed or stuck case is recorded as such and the suite goes on with the next one.
  async guard(scenario, target, transport, body) {
    this.log(`\n== ${scenario} · ${target.label} · ${transport}`);
    try {
      await withTimeout(body(), CASE_TIMEOUT_MS, `${scenario} ${target.label} ${transport}`);
    } catch (err) {
      this.log(`  !! ${scenario} ${target.label} ${transport} failed: ${err.message}`);
      this.record({ scenario, target: target.label, kind: target.kind, transport, phase: 'error', error: err.message.split('\n')[0] });
      await this.pool.closeAll().catch(() => {});
      if (/timed out/.test(err.message)) await stopAllProcesses(); // the stuck case still holds its servers
    }
  }

  async withServers(target, count, redis, body) {
    const redisServer = redis ? await startRedis({ runDir: this.options.runDir }) : null;
    let instances = [];
    try {
      instances = await startInstances(target, count, redisServer?.url ?? null);
      const serverPids = [...instances.flatMap((i) => i.pids), ...(redisServer?.pids ?? [])];
      return await body(instances, serverPids, redisServer);
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
      await redisServer?.stop();
    }
  }

  // The phases a target runs: the gateway cold (its first traffic), a second run, and warm (the third);
  // with --no-cold a short warm-up then warm. Peers: a short warm-up, then once.
  phasesFor(target) {
    if (target.coldWarm && !this.options.noCold) return [['cold', 'full'], ['second', 'full'], ['warm', 'full']];
    return [['warmup', 'short'], [target.coldWarm ? 'warm' : 'once', 'full']];
  }

  async deliveryCase(scenario, target, transport, planOf, instanceCount) {
    await this.withServers(target, instanceCount, instanceCount > 1, async (instances, serverPids) => {
      const base = planOf(this.options);
      for (const [phase, length] of this.phasesFor(target)) {
        const plan = { ...(length === 'short' ? warmupOf(base) : againOf(base)), perChannel: this.options.publishInflight };
        const tag = `${scenario} ${transport} ${target.label} ${phase}`;
        const figures = await measureDelivery({ pool: this.pool, target, instances, transport, plan, tag, serverPids, log: this.log });
        this.summarise(tag, figures);
        if (phase === 'warmup') continue;
        this.record({ scenario, target: target.label, kind: target.kind, transport, phase, ...figures });
      }
    });
  }

  async sweepCase(target, transport) {
    await this.withServers(target, 1, false, async (instances, serverPids) => {
      // Warm first: a full fan-out run for the JVM, a short one for the peers. The sweep is steady state.
      const warm = plans.fanout(this.options);
      const warmup = target.coldWarm ? againOf(warm) : warmupOf(warm);
      const tagBase = `sweep ${transport} ${target.label}`;
      this.summarise(`${tagBase} warm-up`, await measureDelivery({ pool: this.pool, target, instances, transport, plan: warmup, tag: `${tagBase} warm-up`, serverPids }));
      for (const rate of this.options.sweepRates ?? SWEEP_RATES) {
        const tag = `${tagBase} ${rate}/s`;
        const plan = { ...plans.sweepLevel(this.options, rate), perChannel: this.options.publishInflight };
        const figures = await measureDelivery({ pool: this.pool, target, instances, transport, plan, tag, serverPids });
        this.summarise(tag, figures);
        this.record({ scenario: 'sweep', target: target.label, kind: target.kind, transport, phase: target.coldWarm ? 'warm' : 'once', level: rate, ...figures });
      }
    });
  }

  async idleCase(target, transport) {
    await this.withServers(target, 1, false, async ([instance]) => {
      const counts = this.options.idleCounts;
      const tag = `idle ${transport} ${target.label}`;
      const figures = await measureIdle({ pool: this.pool, target, instance, transport, counts, tag, log: this.log });
      this.record({ scenario: 'idle', target: target.label, kind: target.kind, transport, phase: 'once', ...figures });
    });
  }

  async claimsCase(target, transport) {
    await this.withServers(target, 1, false, async (instances, serverPids) => {
      const figures = await runClaims({ pool: this.pool, target, instances, transport, serverPids, options: this.options, log: this.log, summarise: (t, f) => this.summarise(t, f) });
      this.record({ scenario: 'claims', target: target.label, kind: target.kind, transport, phase: 'warm', ...figures });
    });
  }

  summarise(tag, f) {
    const l = f.latencyMs;
    const fmt = (v) => (v === null || v === undefined ? '-' : v >= 100 ? Math.round(v) : v.toFixed(1));
    this.log(
      `  [${tag}] done: ${f.deliveriesPerSec} deliveries/s, p50/p99/p99.9/max ${fmt(l.p50)}/${fmt(l.p99)}/${fmt(l.p999)}/${fmt(l.max)} ms, ` +
        `lost ${f.lost} (+${f.lostByCutClients} on cut clients), dup ${f.duplicates}, ooo ${f.outOfOrder}, cut ${f.cut}, ` +
        `server CPU ${f.serverCpuSeconds} s, RSS ${Math.round(f.serverPeakRssKb / 1024)} MB, client CPU ${f.clientCpuSeconds} s`,
    );
  }
}
