// A throwaway redis-server for the two-instance scenarios: loopback, a free port, no persistence.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { startProcess, stopProcess, logTail } from '../processes.js';
import { freePort } from '../ports.js';
import { sleep } from '../clock.js';

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

export async function startRedis({ runDir }) {
  const port = await freePort();
  const dir = mkdtempSync(join(runDir, 'redis-'));
  const child = startProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxclients', '10000'],
    { logFile: join(dir, 'redis.log') },
  );
  for (let i = 0; i < 100; i++) {
    if (await ping(port)) {
      return { url: `redis://127.0.0.1:${port}`, port, pids: [child.pid], child, stop: () => stopProcess(child, { graceMs: 5000 }) };
    }
    if (child.hasExited) break;
    await sleep(100);
  }
  const tail = logTail(child);
  await stopProcess(child);
  throw new Error(`redis-server did not start\n${tail}`);
}
