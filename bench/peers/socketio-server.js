#!/usr/bin/env node
// Socket.IO 4 peer for the benchmark: rooms are channels. A client emits `subscribe` with a channel name
// (acknowledged once joined); `POST /publish/<channel>` on the same server emits the JSON body to that
// room as `event(channel, payload)`, so the load client publishes to every target over plain HTTP.
// With --redis <url> rooms span instances through @socket.io/redis-adapter.
//
//   node peers/socketio-server.js --port 20123 [--redis redis://127.0.0.1:20124]
import http from 'node:http';
import { Server } from 'socket.io';

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? null : process.argv[i + 1];
}

const port = Number(option('port') ?? 3000);
const redisUrl = option('redis');
const MAX_BODY = 64 * 1024; // same bound as the gateway's gateway.publish.max-body-bytes

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new Error('too large'));
      else parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

const httpServer = http.createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/ready') {
    res.writeHead(200).end('ready\n');
    return;
  }
  const match = req.method === 'POST' && /^\/publish\/(.+)$/.exec(req.url);
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  try {
    const channel = decodeURIComponent(match[1]);
    // Parsed, as a real Socket.IO app would validate what it relays (the gateway parses too).
    const payload = JSON.parse(await readBody(req));
    io.to(channel).emit('event', channel, payload);
    res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  } catch (err) {
    res.writeHead(400).end(String(err.message));
  }
});
httpServer.keepAliveTimeout = 65000;

const io = new Server(httpServer, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: MAX_BODY,
});

io.on('connection', (socket) => {
  socket.on('subscribe', (channel, ack) => {
    if (typeof channel !== 'string' || channel.length === 0) {
      if (typeof ack === 'function') ack('bad channel');
      return;
    }
    socket.join(channel);
    if (typeof ack === 'function') ack(null);
  });
});

async function main() {
  if (redisUrl) {
    const { createClient } = await import('redis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const pubClient = createClient({ url: redisUrl });
    const subClient = pubClient.duplicate();
    await Promise.all([pubClient.connect(), subClient.connect()]);
    io.adapter(createAdapter(pubClient, subClient));
  }
  httpServer.listen(port, '127.0.0.1', () => console.log(`socket.io peer on 127.0.0.1:${port}${redisUrl ? ` via ${redisUrl}` : ''}`));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
