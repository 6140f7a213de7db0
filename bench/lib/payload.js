// The event every target carries: ~100 bytes of JSON, the same bytes for all of them.
//   {"seq":<per-channel counter>,"t":<publish time, ms since the epoch, fractional>,"pad":"…"}
import { nowMs } from './clock.js';

export const PAYLOAD_BYTES = 100;
// Sized for a six-digit seq and a millisecond stamp with three decimals: the common case lands on 100 bytes.
const PAD = 'x'.repeat(PAYLOAD_BYTES - '{"seq":123456,"t":1700000000000.123,"pad":""}'.length);

export function payloadJson(seq, t = nowMs()) {
  return `{"seq":${seq},"t":${t},"pad":"${PAD}"}`;
}
