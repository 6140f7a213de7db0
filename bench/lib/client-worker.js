// Worker-thread entry: one SubscriberGroup per worker, driven by { id, op, args } messages from
// ClientPool; each answer is { id, result } or { id, error }.
import { parentPort } from 'node:worker_threads';
import { SubscriberGroup } from './subscriber-group.js';

let group = new SubscriberGroup();

const operations = {
  connect: ({ specs, concurrency, timeoutMs }) => group.connect(specs, { concurrency, timeoutMs }),
  progress: () => group.progress(),
  collect: ({ published }) => group.collect(published),
  close: () => {
    group.closeAll();
    group = new SubscriberGroup();
    return true;
  },
};

parentPort.on('message', async ({ id, op, args }) => {
  try {
    const result = await operations[op](args ?? {});
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: err.stack ?? String(err) });
  }
});
