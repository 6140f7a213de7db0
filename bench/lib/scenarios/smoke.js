// --smoke: a correctness run for the project's test command. One gateway, 20 subscribers per transport
// on one channel, 200 events; fails on any loss, duplicate, reordering, cut-off or failed publish.
// It never asserts a speed: a loaded CI machine may be slow, but it may not be wrong.
import { ClientPool } from '../client-pool.js';
import { measureDelivery } from './delivery.js';
import { channelNames } from './plans.js';
import { withTimeout } from '../clock.js';

const SUBSCRIBERS = 20;
const EVENTS = 200;
const RATE = 100; // events/s: 2 s of publishing
const HARD_LIMIT_MS = 480000; // a bound, not a speed claim: Liberty alone may take minutes on a box at a load of 20

function problems(f) {
  const found = [];
  if (f.connect.connected !== SUBSCRIBERS) found.push(`${SUBSCRIBERS - f.connect.connected} subscribers failed to connect`);
  if (f.publish.accepted !== EVENTS) found.push(`${EVENTS - f.publish.accepted} publishes not accepted (${JSON.stringify(f.publish.errors)})`);
  if (f.lost) found.push(`${f.lost} events lost`);
  if (f.lostByCutClients) found.push(`${f.lostByCutClients} events lost on cut-off clients`);
  if (f.duplicates) found.push(`${f.duplicates} duplicates`);
  if (f.outOfOrder) found.push(`${f.outOfOrder} out of order`);
  if (f.cut) found.push(`${f.cut} clients cut off (${JSON.stringify(f.cutReasons)})`);
  if (f.foreign) found.push(`${f.foreign} events for a channel not subscribed`);
  if (f.deliveries !== SUBSCRIBERS * EVENTS) found.push(`${f.deliveries} of ${SUBSCRIBERS * EVENTS} deliveries`);
  return found;
}

export async function runSmoke({ target, log = console.log }) {
  const pool = new ClientPool({ threads: 1 });
  let instance = null;
  let passed = 0;
  let failed = 0;
  try {
    await withTimeout(
      (async () => {
        log(`smoke: starting ${target.describe.jar}`);
        instance = await target.start();
        for (const transport of target.transports) {
          // Every one of the 200 events is sent however slow a cold server is (overrunMs): only the hard
          // limit bounds the run.
          const plan = { channels: channelNames(1), subscribersPerChannel: SUBSCRIBERS, rate: RATE, durationS: EVENTS / RATE, overrunMs: 60000 };
          const figures = await measureDelivery({ pool, target, instances: [instance], transport, plan, tag: `smoke ${transport}`, serverPids: instance.pids });
          const found = problems(figures);
          log(`smoke ${transport}: ${figures.deliveries} deliveries to ${figures.connect.connected} subscribers, ${found.length ? `FAIL: ${found.join('; ')}` : 'ok'}`);
          if (found.length) failed++;
          else passed++;
        }
      })(),
      HARD_LIMIT_MS,
      'smoke run',
    );
  } catch (err) {
    log(`smoke: FAIL: ${err.message}`);
    failed = Math.max(1, target.transports.length - passed);
  } finally {
    await instance?.stop();
    await pool.terminate();
  }
  log(`smoke: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0;
}
