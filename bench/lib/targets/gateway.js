// The gateway under test: `java -jar <jar>` per start, on fresh ports with a fresh extract dir, so that
// a "cold" run really is the process's first traffic and two starts never share Liberty's work area.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { startProcess, stopProcess, logTail, trackTempDir, removeTempDir } from '../processes.js';
import { freePort } from '../ports.js';
import { waitForOk } from '../http-probe.js';
import { sleep } from '../clock.js';

const READY_TIMEOUT_MS = 300000; // Liberty starts in 12-20 s here; a loaded machine can take minutes

export function gatewayTarget({ jar, label = 'gateway', javaHome = null, javaOpts = '', runDir }) {
  const java = javaHome ? join(javaHome, 'bin', 'java') : 'java';
  const jcmd = javaHome ? join(javaHome, 'bin', 'jcmd') : 'jcmd';
  let starts = 0;

  return {
    kind: 'gateway',
    label,
    transports: ['sse', 'ws'],
    coldWarm: true, // a JVM's first traffic differs from its steady state; report both
    describe: { jar, javaHome, javaOpts, java },

    async start({ redisUrl = null } = {}) {
      const httpPort = await freePort();
      const httpsPort = await freePort();
      const extractDir = trackTempDir(mkdtempSync(join(tmpdir(), 'rt-bench-wlp-')));
      const logFile = join(runDir, `${label}-${++starts}-${httpPort}.log`);
      const env = {
        HTTP_PORT: String(httpPort), HTTPS_PORT: String(httpsPort), WLP_JAR_EXTRACT_DIR: extractDir,
        // Every benchmark client connects from loopback, and the idle scenario holds 15,000 connections:
        // the per-address limit (a guard against one abusive address) is off here, as it is in the peers.
        GATEWAY_LIMITS_CONNECTIONS_PER_IP: '0',
        // One load client publishes every event (20,000/s on the hot channel): the per-client publish
        // rate (5,000/s by default) would measure the limit, not the gateway. The peers have none.
        GATEWAY_LIMITS_PUBLISH_RATE: '0',
      };
      if (redisUrl) env.REDIS_URL = redisUrl;
      const args = [...javaOpts.split(/\s+/).filter(Boolean), '-jar', jar];
      const child = startProcess(java, args, { env, logFile });
      const base = `http://127.0.0.1:${httpPort}`;
      const instance = {
        target: label,
        port: httpPort,
        base,
        pids: [child.pid],
        child,
        async stop() {
          await stopProcess(child, { graceMs: 15000 });
          removeTempDir(extractDir);
        },
        // The JVM's own heap would otherwise hide or inflate per-connection memory; a full GC first.
        async settleMemory() {
          try {
            execFileSync(jcmd, [String(child.pid), 'GC.run'], { stdio: 'ignore', timeout: 30000 });
          } catch {
            /* jcmd missing or refused: RSS is still read, just noisier */
          }
          await sleep(1000);
        },
        // The live heap by class (jcmd GC.class_histogram runs a full GC first): what the idle scenario
        // attributes per-connection memory with. Null when jcmd fails.
        heapHistogram() {
          try {
            const text = execFileSync(jcmd, [String(child.pid), 'GC.class_histogram'], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
            return parseHistogram(text);
          } catch {
            return null;
          }
        },
      };
      try {
        await waitForOk(`${base}/health/ready`, { timeoutMs: READY_TIMEOUT_MS, child, what: `gateway ${label}` });
      } catch (err) {
        const tail = logTail(child);
        await instance.stop();
        throw new Error(`${err.message}\n--- ${logFile} ---\n${tail}`);
      }
      return instance;
    },

    subscriberSpec(instance, transport, channel) {
      if (transport === 'sse') {
        return { kind: 'gateway-sse', url: `${instance.base}/api/stream?channel=${encodeURIComponent(channel)}`, channel };
      }
      return { kind: 'gateway-ws', url: `ws://127.0.0.1:${instance.port}/ws`, channel };
    },

    wire: {
      eventRequest: (channel, payload) => ({
        path: `/api/channels/${channel}/events`,
        body: `{"type":"bench","data":${payload}}`,
      }),
      batchRequest: (events) => ({
        path: '/api/events',
        body: `[${events.map((e) => `{"channel":"${e.channel}","type":"bench","data":${e.payload}}`).join(',')}]`,
      }),
    },
  };
}

// `jcmd GC.class_histogram` lines: " num: #instances #bytes class name (module)" → { class: [instances, bytes] }.
export function parseHistogram(text) {
  const classes = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/);
    if (m) classes[m[3]] = [Number(m[1]), Number(m[2])];
  }
  return classes;
}
