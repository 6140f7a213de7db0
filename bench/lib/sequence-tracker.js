// Counts, per subscriber per channel, which sequence numbers arrived: lost, duplicated and out of order.
// Every publish carries a per-channel `seq` counting from 0, so one bitmap per stream is enough.

export class StreamSequence {
  constructor() {
    this.seen = new Uint8Array(256);
    this.highest = -1;
    this.distinct = 0;
    this.duplicates = 0;
    this.outOfOrder = 0;
    this.invalid = 0;
  }

  record(seq) {
    if (!Number.isInteger(seq) || seq < 0) {
      this.invalid++;
      return;
    }
    if (seq >= this.seen.length) {
      let size = this.seen.length;
      while (size <= seq) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[seq]) {
      this.duplicates++;
      return;
    }
    this.seen[seq] = 1;
    this.distinct++;
    // Arriving below one already seen means it was overtaken: out of order, though not lost.
    if (seq < this.highest) this.outOfOrder++;
    else this.highest = seq;
  }

  // Sequence numbers the publisher had accepted (0 … count-1, less those whose publish failed) that never came.
  lostOf({ count, failed }) {
    let lost = 0;
    for (let seq = 0; seq < count; seq++) {
      if (this.seen[seq] !== 1 && !(failed && failed.has(seq))) lost++;
    }
    return lost;
  }
}

export class SequenceTracker {
  constructor() {
    this.streams = new Map(); // key: `${subscriber}\n${channel}`
  }

  // Registered at subscribe time, so a subscriber that receives nothing still counts every event as lost.
  register(subscriber, channel) {
    const key = `${subscriber}\n${channel}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new StreamSequence();
      this.streams.set(key, stream);
    }
    return stream;
  }

  record(subscriber, channel, seq) {
    this.register(subscriber, channel).record(seq);
  }

  // published: Map or object channel → { count, failed: Set<seq> }; cut: Set of subscribers the server dropped.
  summary(published, cut = new Set()) {
    const lookup = published instanceof Map ? (c) => published.get(c) : (c) => published[c];
    const totals = { streams: 0, expected: 0, received: 0, lost: 0, lostByCutClients: 0, duplicates: 0, outOfOrder: 0, invalid: 0, streamsWithLoss: 0 };
    for (const [key, stream] of this.streams) {
      const [subscriber, channel] = key.split('\n');
      const sent = lookup(channel) ?? { count: 0, failed: new Set() };
      const lost = stream.lostOf(sent);
      totals.streams++;
      totals.expected += sent.count - (sent.failed ? sent.failed.size : 0);
      totals.received += stream.distinct;
      totals.duplicates += stream.duplicates;
      totals.outOfOrder += stream.outOfOrder;
      totals.invalid += stream.invalid;
      if (cut.has(subscriber) || cut.has(Number(subscriber))) totals.lostByCutClients += lost;
      else totals.lost += lost;
      if (lost > 0) totals.streamsWithLoss++;
    }
    return totals;
  }
}
