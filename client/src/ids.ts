/** Event ids are `<ms>-<seq>` (DESIGN §3); order is by ms, then seq. */
const ID = /^(\d{1,19})-(\d{1,19})$/;

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** Negative, zero or positive as a is before, equal to or after b. BigInt: ms and seq are unsigned 64-bit. */
export function compareIds(a: string, b: string): number {
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
