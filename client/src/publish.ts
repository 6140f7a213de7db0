import { isChannelName } from './ids.js';
import { PublishError } from './types.js';

/** The gateway's rule for idempotency keys (DESIGN §4): 1-128 printable ASCII characters, no spaces. */
const KEY = /^[\x21-\x7e]{1,128}$/;
const TYPE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A random key (122 bits as a UUID has): the client's own retries of one publish share it. */
export function newIdempotencyKey(random: () => number = Math.random): string {
  const c = (globalThis as any).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  let out = '';
  for (let i = 0; i < 32; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** What the client can refuse before any request, as the gateway would. */
export function validPublish(channel: string, type: string, data: unknown, key: string | undefined): PublishError | null {
  if (!isChannelName(channel)) return new PublishError('bad_channel', `Invalid channel name: ${JSON.stringify(channel)}`, channel);
  if (typeof type !== 'string' || !TYPE.test(type)) return new PublishError('bad_type', `Invalid event type: ${JSON.stringify(type)}`, channel);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return new PublishError('bad_data', 'data must be a JSON object', channel);
  if (key !== undefined && !KEY.test(key)) return new PublishError('bad_request', 'idempotencyKey: 1-128 printable ASCII characters, no spaces', channel);
  return null;
}
