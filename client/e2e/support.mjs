// Processes the end-to-end tests start and stop themselves: a redis-server and gateways from the
// runnable JAR, on free loopback ports; and Debian's Chromium through playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer, get as httpGet } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const OUT = resolve(process.env.E2E_OUT ?? '../target/e2e');
mkdirSync(OUT, { recursive: true });
const JAR = resolve(process.env.GATEWAY_JAR ?? '../target/realtime-gateway.jar');
const PUBLISH_LUA = resolve('../src/main/resources/redis/publish.lua');

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

export async function until(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await condition();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

export class Redis {
  static async start() {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'e2e-redis-'));
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir, '--protected-mode', 'no'], { stdio: 'ignore' });
    const redis = new Redis(proc, port, dir);
    await until('redis-server', () => redis.cli('PING') === 'PONG', 30_000);
    return redis;
  }

  constructor(proc, port, dir) {
    Object.assign(this, { proc, port, dir });
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  cli(...args) {
    return execFileSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).trim();
  }

  /** A worker's publish straight into Redis with the shipped script (docs/redis.md). */
  publish(channel, type, data) {
    return this.cli('--eval', PUBLISH_LUA, `rt:h:{${channel}}`, `rt:c:{${channel}}`, ',', channel, type, JSON.stringify(data), '1000', '600');
  }

  stop() {
    this.proc.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Gateway {
  /** Starts a gateway from the runnable JAR and waits until it is ready. */
  static async start(env = {}, ports = null) {
    const http = ports?.http ?? await freePort();
    const https = ports?.https ?? await freePort();
    const gateway = new Gateway(http, https, env);
    await gateway.launch();
    return gateway;
  }

  constructor(http, https, env) {
    Object.assign(this, { http, https, env, proc: null, extract: null });
  }

  get base() {
    return `http://127.0.0.1:${this.http}`;
  }

  async launch() {
    this.extract = mkdtempSync(join(tmpdir(), 'e2e-wlp-'));
    const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
    const log = openSync(join(OUT, `gateway-${this.http}.log`), 'a');
    // C1 only: the JIT's C2 takes most of a core in a fresh JVM's first minutes (README), and this one lives a
    // minute; the serial collector: no GC threads competing on two cores. As the Java tests' gateways.
    this.proc = spawn(java, ['-Xmx384m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', JAR], {
      env: { ...process.env, HTTP_PORT: String(this.http), HTTPS_PORT: String(this.https), WLP_JAR_EXTRACT_DIR: this.extract, ...this.env },
      stdio: ['ignore', log, log],
    });
    const proc = this.proc;
    await until(`gateway on ${this.http}`, async () => {
      if (proc.exitCode !== null) throw new Error(`gateway exited with ${proc.exitCode}; see ${OUT}/gateway-${this.http}.log`);
      const r = await fetch(`${this.base}/health/ready`).catch(() => null);
      return r?.status === 200;
    }, 300_000); // a bound for a loaded machine (a start takes 15 s quiet, over a minute at a load of 20)
  }

  /** A crash: SIGKILL, nothing flushed, nothing said to clients. */
  async kill() {
    const proc = this.proc;
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(this.extract, { recursive: true, force: true });
  }

  async json(path) {
    const r = await fetch(this.base + path);
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  }

  async publish(channel, type, data) {
    const r = await fetch(`${this.base}/api/channels/${channel}/events`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type, data }),
    });
    const body = await r.json();
    if (r.status !== 202) throw new Error(`publish ${channel}: ${r.status} ${JSON.stringify(body)}`);
    return body.id;
  }

  /** Subscribers of a channel on this gateway, by transport (GET /api/channels). */
  async subscribers(channel) {
    const { channels } = await this.json('/api/channels');
    return channels.find((c) => c.channel === channel)?.byTransport ?? { sse: 0, websocket: 0, other: 0 };
  }
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // A page that Playwright fulfils (the test harness) has no address, so Chromium's Local Network
    // Access checks take it for a public page and block its WebSocket to loopback; the gateway's
    // own pages (the dashboard) are loopback themselves and need no such flag.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage',
      '--disable-features=LocalNetworkAccessChecks'],
  });
}

const HARNESS_JS = readFileSync(resolve('build/e2e/harness.js'));
const HARNESS_HTML = '<!doctype html><meta charset="utf-8"><title>e2e</title><div id="root"></div><script type="module" src="/e2e/harness.js"></script>';

/** The test page, served under the gateway's own origin by the browser itself: it is not in the WAR. */
export async function routeHarness(context) {
  await context.route('**/e2e/harness.html*', (route) => route.fulfill({ contentType: 'text/html', body: HARNESS_HTML }));
  await context.route('**/e2e/harness.js', (route) => route.fulfill({ contentType: 'text/javascript', body: HARNESS_JS }));
}

export function harnessUrl(gateway, { transport = 'websocket', channels = [], share = false, ...extra }) {
  const q = new URLSearchParams({ transport, share: String(share), ...extra });
  channels.forEach((c) => q.append('channel', c));
  return `${gateway.base}/e2e/harness.html?${q}`;
}

/**
 * A stand-in for an OpenAI-compatible provider with its real wire format (chat completions streamed
 * as `data:` chunks, then `data: [DONE]`): the council's only outside dependency.
 */
export class StandInProvider {
  static async start(answer) {
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        for (const part of answer) res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: part } }] })}\n\n`);
        res.end('data: [DONE]\n\n');
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return new StandInProvider(server);
  }

  constructor(server) {
    this.server = server;
  }

  /** The gateway's settings for it (environment variables, MicroProfile Config's mapping). */
  env(name = 'standin') {
    const N = name.toUpperCase();
    return { GATEWAY_COUNCIL_PROVIDERS: name, [`GATEWAY_COUNCIL_${N}_KIND`]: 'openai',
      [`GATEWAY_COUNCIL_${N}_BASE_URL`]: `http://127.0.0.1:${this.server.address().port}/v1`,
      [`GATEWAY_COUNCIL_${N}_API_KEY`]: 'test-key', [`GATEWAY_COUNCIL_${N}_MODEL`]: 'stand-in' };
  }

  close() {
    this.server.close();
  }
}

/** A GET as a browser sends it, asking for gzip; the raw answer, not decompressed. */
export function rawGet(url, headers = {}) {
  return new Promise((ok, fail) => {
    httpGet(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail);
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA rules on the page as it is: the violations rated serious or critical. */
export async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + n.failureSummary) }));
}

/** Ids a page received, per channel, in arrival order. */
export async function receivedIds(page, channel) {
  return page.evaluate((c) => window.received.filter((e) => e.channel === c).map((e) => e.id), channel);
}
