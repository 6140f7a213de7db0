// The runtime's floor for a publish (issue 19): what one POST costs on Liberty before the gateway does
// anything, and what each of the gateway's features adds, measured in one run beside the gateway itself.
//
//   node bench/floor/run.js --jar target/realtime-gateway.jar [--label after]
//                           [--jar-b /work/bench-jars/baseline.jar --label-b before] [--rate 1000] [--duration 10]
//                           [--only gateways --rounds N]   (the jars alone, alternated N times: an A/B)
//                           [--only features --warmup 60]  (the floor with the gateway's features and the jars:
//                                                           a long warm-up, so the JIT is done before the window)
//                           [--only idle --idle-counts 10000]  (memory of idle streams, below)
//
// The floor app (bench/floor/src: one JAX-RS resource on the gateway's single-event route that reads the
// body and answers 202) is compiled here with javac and deployed on the Liberty runtime inside the gateway
// jar (so the very same runtime build), once per feature set. Each server, and each gateway jar, gets the
// same load: one event per POST at a fixed rate over keep-alive, 8 in flight, round-robin over 100
// channels with no subscriber (publish cost only), a warm-up, then a measured window. The figure is
// server CPU (utime + stime of the process tree, from /proc) per request.
//
// --only idle: the runtime's floor for an idle connection (issue 19, item 5). The floor app also holds
// idle streams with the gateway's wire (FloorStream: GET /api/stream sends one `position` event and
// keeps the sink; FloorSocket: /ws answers a subscribe with `subscribed` and keeps the session), so
// the bench's own idle scenario (lib/scenarios/idle.js: RSS after a full GC, and the live heap by class)
// opens the same connections to the floor, bare and with the gateway's features, and to the gateway jars.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, chmodSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir, homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Publisher } from '../lib/publisher.js';
import { UsageWindow } from '../lib/usage.js';
import { startProcess, stopProcess, stopAllProcesses, logTail, trackTempDir, removeTempDir, installCleanup } from '../lib/processes.js';
import { freePort } from '../lib/ports.js';
import { waitForOk } from '../lib/http-probe.js';
import { gatewayTarget } from '../lib/targets/gateway.js';
import { channelNames } from '../lib/scenarios/plans.js';
import { PipelinedPublisher, openGatewaySocket } from '../lib/scenarios/hot.js';
import { measureIdle } from '../lib/scenarios/idle.js';
import { ClientPool } from '../lib/client-pool.js';
import { ensureOpenFileLimit } from '../lib/fd-limit.js';
import { parseHistogram } from '../lib/targets/gateway.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const API_JAR = join(homedir(), '.m2/repository/jakarta/ws/rs/jakarta.ws.rs-api/3.1.0/jakarta.ws.rs-api-3.1.0.jar');
const WEBSOCKET_API_JARS = ['jakarta.websocket-api', 'jakarta.websocket-client-api']
  .map((name) => join(homedir(), `.m2/repository/jakarta/websocket/${name}/2.1.0/${name}-2.1.0.jar`));
const READY_TIMEOUT_MS = 300000;

// Cumulative: each set is the one before plus one feature, ending with the gateway's whole list, then
// that list with the runtime's per-request monitors filtered out as the gateway's server.xml does.
const GATEWAY_FEATURES = ['restfulWS-3.1', 'websocket-2.1', 'cdi-4.0', 'jsonb-3.0', 'concurrent-3.0', 'mpConfig-3.1', 'mpHealth-4.0', 'mpMetrics-5.1', 'mpOpenAPI-3.1'];
const VARIANTS = [
  { name: 'floor: restfulWS', features: ['restfulWS-3.1'] },
  { name: '+ cdi', features: ['restfulWS-3.1', 'cdi-4.0'] },
  { name: '+ jsonb', features: ['restfulWS-3.1', 'cdi-4.0', 'jsonb-3.0'] },
  { name: '+ mpOpenAPI', features: ['restfulWS-3.1', 'cdi-4.0', 'jsonb-3.0', 'mpOpenAPI-3.1'] },
  { name: '+ mpMetrics (HTTP, REST, servlet monitors on)', features: ['restfulWS-3.1', 'cdi-4.0', 'jsonb-3.0', 'mpOpenAPI-3.1', 'mpMetrics-5.1'] },
  { name: "floor with the gateway's features", features: GATEWAY_FEATURES },
  { name: "floor with the gateway's features, monitors filtered", features: GATEWAY_FEATURES, monitorFilter: 'ThreadPool' },
];
// For idle connections: the least that serves SSE and WebSocket, then the gateway's whole list.
const IDLE_VARIANTS = [
  { name: 'floor: restfulWS + websocket', features: ['restfulWS-3.1', 'websocket-2.1'] },
  VARIANTS.at(-1),
];

function options(argv) {
  const o = { jar: 'target/realtime-gateway.jar', label: 'gateway', jarB: null, labelB: 'gateway-b', rate: 1000, duration: 10, warmup: 10, out: null, only: 'all', rounds: 1, idleCounts: '10000' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(name in o)) throw new Error(`unknown option ${argv[i]}`);
    o[name] = ['rate', 'duration', 'warmup', 'rounds'].includes(name) ? Number(argv[i + 1]) : argv[i + 1];
  }
  return o;
}

function buildWar(workDir) {
  const classes = join(workDir, 'war/WEB-INF/classes');
  mkdirSync(classes, { recursive: true });
  const sources = readdirSync(join(HERE, 'src/floor')).map((f) => join(HERE, 'src/floor', f));
  execFileSync('javac', ['--release', '17', '-cp', [API_JAR, ...WEBSOCKET_API_JARS].join(':'), '-d', classes, ...sources], { stdio: 'inherit' });
  const war = join(workDir, 'floor.war');
  execFileSync('jar', ['cf', war, '-C', join(workDir, 'war'), '.'], { stdio: 'inherit' });
  return war;
}

// The gateway jar's own Liberty, unpacked once: the floor runs on exactly the runtime the gateway does.
function unpackRuntime(jar, workDir) {
  execFileSync('unzip', ['-q', resolve(jar), 'wlp/*', '-d', workDir]);
  for (const f of readdirSync(join(workDir, 'wlp/bin'))) chmodSync(join(workDir, 'wlp/bin', f), 0o755);
  return join(workDir, 'wlp');
}

function serverXml(variant, port, war) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<server>
    <featureManager>
${variant.features.map((f) => `        <feature>${f}</feature>`).join('\n')}
    </featureManager>
    <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="${port}" httpsPort="-1"/>
    <webApplication location="${war}" contextRoot="/"/>
${variant.features.includes('mpMetrics-5.1') ? '    <mpMetrics authentication="false"/>\n' : ''}${variant.monitorFilter ? `    <monitor filter="${variant.monitorFilter}"/>\n` : ''}    <logging consoleLogLevel="INFO"/>
</server>
`;
}

async function startFloor(wlp, variant, war, workDir, index) {
  const port = await freePort();
  const userDir = join(workDir, `usr-${index}`);
  const serverDir = join(userDir, 'servers/floor');
  mkdirSync(serverDir, { recursive: true });
  writeFileSync(join(serverDir, 'server.xml'), serverXml(variant, port, war));
  const child = startProcess(join(wlp, 'bin/server'), ['run', 'floor'], { env: { WLP_USER_DIR: userDir }, logFile: join(workDir, `floor-${index}.log`) });
  // `server run` execs the JVM, so the child is the server itself: jcmd reaches it as it does a gateway.
  const jcmd = (command) => execFileSync('jcmd', [String(child.pid), command], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
  const instance = {
    port,
    base: `http://127.0.0.1:${port}`,
    pids: [child.pid],
    stop: () => stopProcess(child, { graceMs: 15000 }),
    async settleMemory() {
      try {
        jcmd('GC.run');
      } catch {
        /* RSS is still read, just noisier */
      }
      await new Promise((r) => setTimeout(r, 1000));
    },
    heapHistogram() {
      try {
        return parseHistogram(jcmd('GC.class_histogram'));
      } catch {
        return null;
      }
    },
  };
  // Ready when the app answers: a 202 to a publish (the first request is not measured).
  const url = `http://127.0.0.1:${port}/api/channels/job:probe/events`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.hasExited) throw new Error(`floor server exited\n${logTail(child)}`);
    if ((await postStatus(url)) === 202) return instance;
    await new Promise((r) => setTimeout(r, 500));
  }
  await instance.stop();
  throw new Error(`floor server not ready\n${logTail(child)}`);
}

async function postStatus(url) {
  try {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":"probe","data":{}}' });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

const gatewayWire = gatewayTarget({ jar: null, runDir: null }).wire;
// The floor answers the gateway's single-event route, so the same requests go to both.
const wire = { eventRequest: gatewayWire.eventRequest };

// The ways in measured on every gateway jar, each with no subscriber (the publish's own cost): one event
// per POST (as on the floor), batches of 100 on one channel, the WebSocket publish op pipelined.
const GATEWAY_LOADS = [
  { way: 'single', perRequest: 1 },
  { way: 'batch of 100', perRequest: 100, rate: 20000 },
  { way: 'WebSocket publish op', perRequest: 1, rate: 20000, ws: true },
];

function publisherFor(instance, o, seconds, load = GATEWAY_LOADS[0]) {
  if (load.ws) {
    return new PipelinedPublisher({ plan: { channels: channelNames(1), rate: load.rate, durationS: seconds }, window: 256, open: () => openGatewaySocket(instance.port) });
  }
  if (load.perRequest > 1) {
    return new Publisher({ port: instance.port, wire: gatewayWire, channels: channelNames(1), rate: load.rate, durationS: seconds, batchSize: load.perRequest });
  }
  return new Publisher({ port: instance.port, wire, channels: channelNames(100), rate: o.rate, durationS: seconds, concurrency: 8 });
}

async function load(instance, o, seconds, way) {
  const publisher = publisherFor(instance, o, seconds, way);
  const usage = new UsageWindow(instance.pids);
  usage.begin();
  const published = await publisher.run();
  const cost = usage.end();
  return {
    accepted: published.accepted,
    failed: published.failed,
    errors: published.errors,
    achievedRate: Math.round(published.achievedRate),
    roundTripP50Ms: published.roundTripMs.p50,
    cpuMsPerEvent: published.accepted ? (1000 * cost.serverCpuSeconds) / published.accepted : null,
    serverCpuSeconds: cost.serverCpuSeconds,
    otherCpuSeconds: cost.otherCpuSeconds,
  };
}

async function measure(name, start, o, rows, ways = [GATEWAY_LOADS[0]]) {
  console.log(`== ${name}`);
  const instance = await start();
  try {
    for (const way of ways) {
      await load(instance, o, o.warmup, way);
      const figures = await load(instance, o, o.duration, way);
      console.log(`   ${way.way}: ${JSON.stringify(figures)}`);
      rows.push({ name, way: way.way, ...figures });
    }
  } finally {
    await instance.stop();
  }
}

async function main() {
  const o = options(process.argv.slice(2));
  installCleanup(); // Ctrl-C or a kill stops the servers this run started
  if (!existsSync(API_JAR)) throw new Error(`needs ${API_JAR} (mvn package fetches it)`);
  const workDir = trackTempDir(mkdtempSync(join(tmpdir(), 'rt-floor-')));
  const rows = [];
  try {
    const war = buildWar(workDir);
    const wlp = unpackRuntime(o.jar, workDir);
    if (o.only === 'idle') {
      await idle(o, wlp, war, workDir);
      return;
    }
    // --only gateways: the jars alone (an A/B of the publish path), in --rounds alternations.
    if (o.only !== 'gateways') {
      for (const [i, variant] of VARIANTS.entries()) {
        if (o.only === 'features' && variant.features !== GATEWAY_FEATURES) continue;
        await measure(variant.name, () => startFloor(wlp, variant, war, workDir, i), o, rows);
      }
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const [jar, label] of [[o.jar, o.label], [o.jarB, o.labelB]]) {
        if (!jar) continue;
        const target = gatewayTarget({ jar, label, runDir: workDir });
        await measure(`gateway ${label}`, () => target.start(), o, rows, GATEWAY_LOADS);
      }
    }
  } finally {
    await stopAllProcesses();
    removeTempDir(workDir);
  }
  const base = o.only === 'all' ? rows[0]?.cpuMsPerEvent : null; // the floor's bare row, when it ran
  const floorAll = rows.find((r) => r.name === "floor with the gateway's features")?.cpuMsPerEvent;
  const single = (r) => r.way === 'single';
  const fmt = (v) => (v === null || v === undefined ? '–' : v.toFixed(3));
  const lines = [
    `${o.rate} POST/s offered, one event each, 8 in flight, ${o.duration} s measured after ${o.warmup} s warm-up.`,
    '',
    'Gateways: also batches of 100 on one channel and the WebSocket publish op (256 in flight), 20,000 events/s offered; no subscribers.',
    '',
    '| server | way in | events accepted/s | server CPU ms per event | × floor | × floor with the same features | p50 round-trip ms |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.way} | ${r.achievedRate}${r.failed ? ` (${r.failed} failed)` : ''} | ${fmt(r.cpuMsPerEvent)} | ${single(r) && base ? (r.cpuMsPerEvent / base).toFixed(2) : '–'} | ${single(r) && floorAll ? (r.cpuMsPerEvent / floorAll).toFixed(2) : '–'} | ${fmt(r.roundTripP50Ms)} |`),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (o.out) writeFileSync(o.out, JSON.stringify({ options: o, rows }, null, 2));
}

// Idle connections on the floor (bare, then with the gateway's features) and on each gateway jar, each
// transport in turn on a fresh server, measured by the idle scenario the suite runs.
async function idle(o, wlp, war, workDir) {
  ensureOpenFileLimit();
  const counts = String(o.idleCounts).split(',').map(Number);
  const spec = gatewayTarget({ jar: null, runDir: null }).subscriberSpec; // the floor speaks the same wire
  const servers = IDLE_VARIANTS.map((variant, i) => ({ name: variant.name, start: () => startFloor(wlp, variant, war, workDir, 100 + i) }));
  for (const [jar, label] of [[o.jar, o.label], [o.jarB, o.labelB]]) {
    if (jar) servers.push({ name: `gateway ${label}`, start: () => gatewayTarget({ jar, label, runDir: workDir }).start() });
  }
  const rows = [];
  const pool = new ClientPool({ threads: 2 });
  try {
    for (const transport of ['sse', 'ws']) {
      for (const server of servers) {
        console.log(`== ${server.name}, ${transport}`);
        const instance = await server.start();
        try {
          const figures = await measureIdle({ pool, target: { subscriberSpec: spec }, instance, transport, counts, tag: `${server.name} ${transport}` });
          for (const level of figures.levels) rows.push({ name: server.name, transport, ...level });
        } finally {
          await instance.stop();
        }
      }
    }
  } finally {
    await pool.terminate();
  }
  const kb = (v) => (v === null || v === undefined ? '–' : v.toFixed(1));
  const floorOf = (r, name) => rows.find((f) => f.name === name && f.transport === r.transport && f.requested === r.requested);
  const lines = [
    `Idle connections on ${servers.length} servers in turn, each transport on a fresh server; RSS after a full GC (jcmd GC.run), the live heap by jcmd GC.class_histogram.`,
    '',
    '| server | transport | open | RSS KB per connection | live heap B per connection | × bare floor | × floor with the same features |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const bare = floorOf(r, IDLE_VARIANTS[0].name)?.rssPerConnectionKb;
      const same = floorOf(r, IDLE_VARIANTS[1].name)?.rssPerConnectionKb;
      return `| ${r.name} | ${r.transport} | ${r.open}${r.connectFailures ? ` (${r.connectFailures} failed)` : ''} | ${kb(r.rssPerConnectionKb)} | ${r.heap?.bytesPerConnection ?? '–'} | ${bare ? (r.rssPerConnectionKb / bare).toFixed(2) : '–'} | ${same ? (r.rssPerConnectionKb / same).toFixed(2) : '–'} |`;
    }),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (o.out) writeFileSync(o.out, JSON.stringify({ options: o, rows }, null, 2));
}

main().catch(async (err) => {
  console.error(err);
  await stopAllProcesses();
  process.exit(1);
});
