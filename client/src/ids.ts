/**
 * Event ids (DESIGN §3) are opaque to applications; the client reads them only to drop a
 * duplicate. Two forms: `<ms>-<seq>`, a cluster id, and `<ms>-<seq>~<ms>-<seq>`, a local id (an
 * event one gateway instance delivered to its own clients while Redis was unreachable; its first
 * part is where the cluster stood then). Cluster ids are ordered by ms, then seq; a local id is in
 * no history and is never sent twice, so it is not compared: cluster events published meanwhile on
 * another instance can arrive after it with lower ids, and they are new.
 */
const ID_PART = '(\\d{1,19})-(\\d{1,19})';
const ID = new RegExp(`^${ID_PART}(?:~${ID_PART})?$`);

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** True for a local id (`<ms>-<seq>~<ms>-<seq>`). */
export function isLocalId(id: string): boolean {
  return id.includes('~');
}

/**
 * Negative, zero or positive as a is before, equal to or after b: by the cluster part, then the
 * local part (none first). BigInt: ms and seq are unsigned 64-bit.
 */
export function compareIds(a: string, b: string): number {
  const [ac, al] = a.split('~');
  const [bc, bl] = b.split('~');
  const c = comparePart(ac, bc);
  if (c !== 0 || al === bl) return c;
  if (al === undefined) return -1;
  if (bl === undefined) return 1;
  return comparePart(al, bl);
}

/**
 * Whether an event with this id is new to a channel whose last id is `last`: a local id always is;
 * a cluster id when it is above the cluster part of `last` (every cluster event before a local one
 * is at or below its cluster part, every one after it above).
 */
export function isNewEvent(id: string, last: string | undefined): boolean {
  if (last === undefined || isLocalId(id)) return true;
  return comparePart(id, last.split('~')[0]) > 0;
}

function comparePart(a: string, b: string): number {
  const [am, as] = a.split('-');
  const [bm, bs] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/**
 * Channel names as the gateway accepts them (DESIGN §2): checked before any request, so one bad
 * name never breaks a connection that other components share.
 */
const NAMESPACE = /^[a-z][a-z0-9_-]{0,31}$/;
const PART = /^[A-Za-z0-9_.@-]{1,128}$/;

export function isChannelName(name: string): boolean {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) return false;
  const parts = name.split(':');
  return NAMESPACE.test(parts[0]) && parts.slice(1).every((p) => PART.test(p));
}
