// Socket.IO 4 as the Node peer: bench/peers/socketio-server.js in its own process, WebSocket only.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, stopProcess, logTail } from '../processes.js';
import { freePort } from '../ports.js';
import { waitForOk } from '../http-probe.js';

const SERVER = fileURLToPath(new URL('../../peers/socketio-server.js', import.meta.url));

export function socketioTarget({ runDir, label = 'socketio' }) {
  let starts = 0;
  return {
    kind: 'socketio',
    label,
    transports: ['ws'], // Socket.IO has no SSE transport
    coldWarm: false, // V8 warms in the short warm-up run; measured once, like Nchan

    async start({ redisUrl = null } = {}) {
      const port = await freePort();
      const args = [SERVER, '--port', String(port)];
      if (redisUrl) args.push('--redis', redisUrl);
      const logFile = join(runDir, `${label}-${++starts}-${port}.log`);
      const child = startProcess(process.execPath, args, { logFile });
      const instance = {
        target: label,
        port,
        base: `http://127.0.0.1:${port}`,
        pids: [child.pid],
        child,
        stop: () => stopProcess(child, { graceMs: 5000 }),
        async settleMemory() {},
      };
      try {
        await waitForOk(`${instance.base}/ready`, { timeoutMs: 20000, child, what: 'socket.io peer' });
      } catch (err) {
        const tail = logTail(child);
        await instance.stop();
        throw new Error(`${err.message}\n${tail}`);
      }
      return instance;
    },

    subscriberSpec(instance, transport, channel) {
      if (transport !== 'ws') throw new Error('Socket.IO is WebSocket only here');
      return { kind: 'socketio-ws', url: instance.base, channel };
    },

    wire: {
      eventRequest: (channel, payload) => ({ path: `/publish/${encodeURIComponent(channel)}`, body: payload }),
    },
  };
}
