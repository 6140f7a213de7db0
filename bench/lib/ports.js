// Loopback ports for the servers under test, from the 20000-20999 block this harness may use
// (other work on the machine uses other ports). A port is free if we can bind it right now.
import net from 'node:net';

const FIRST = 20000;
const LAST = 20999;
const handedOut = new Set();
let next = FIRST + Math.floor(Math.random() * (LAST - FIRST)); // spreads consecutive runs over the block

function canBind(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function freePort() {
  for (let tries = 0; tries <= LAST - FIRST; tries++) {
    const port = next;
    next = next >= LAST ? FIRST : next + 1;
    // Not reused within one run: a server we just stopped may still hold it in TIME_WAIT.
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${FIRST}-${LAST}`);
}
