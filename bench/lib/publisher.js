// Publishes at a fixed offered rate over HTTP keep-alive, one POST per event (or per batch where the
// target has a batch endpoint and the scenario asks for it). Each event is stamped with the time its
// request is written, so latency is publish-to-receive, not time spent queued in this client.
//
// By default at most one request is in flight per channel: a producer's events on one channel are a
// sequence, and two concurrent POSTs to one channel have no order a subscriber could be held to. Requests
// to different channels overlap up to `concurrency`. So a server whose publish call is slow on a busy
// channel shows up as an achieved rate below the offered one and a high publish round-trip, rather than
// as reordering. `perChannel` > 1 lifts that (to hold the offered rate against a slow publish call); the
// out-of-order count then means nothing, and the report says so.
import http from 'node:http';
import { nowMs, sleep } from './clock.js';
import { payloadJson } from './payload.js';
import { LatencyRecorder } from './latency.js';

// wire: the target's publish form, see targets/*.js
//   { eventRequest(channel, payloadJson) → { path, body }, batchRequest?(events) → { path, body } }
export class Publisher {
  constructor({ host = '127.0.0.1', port, wire, channels, rate, durationS, concurrency = 1, batchSize = 1, requestTimeoutMs = 10000, overrunMs = 5000, perChannel = 1 }) {
    if (batchSize > 1 && !wire.batchRequest) throw new Error('this target has no batch publish');
    Object.assign(this, { host, port, wire, channels, rate, durationS, concurrency, batchSize, requestTimeoutMs, overrunMs, perChannel });
    this.concurrency = Math.max(concurrency, perChannel);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: this.concurrency });
    this.seqByChannel = new Map(channels.map((c) => [c, 0]));
    this.failedByChannel = new Map(channels.map((c) => [c, []]));
    this.next = 0; // index of the next event overall; its channel is next % channels.length
    this.sent = 0;
    this.accepted = 0;
    this.failed = 0;
    this.inFlight = 0;
    this.errors = new Map();
    this.busyChannels = new Map(); // channel → requests in flight
    this.roundTrip = new LatencyRecorder(); // POST sent → response complete
    this.stopped = false;
  }

  // The channel the next event goes to is free (no request of its own in flight).
  nextChannelFree() {
    return (this.busyChannels.get(this.channels[this.next % this.channels.length]) ?? 0) < this.perChannel;
  }

  nextEvent(t) {
    const channel = this.channels[this.next++ % this.channels.length];
    const seq = this.seqByChannel.get(channel);
    this.seqByChannel.set(channel, seq + 1);
    return { channel, seq, payload: payloadJson(seq, t) };
  }

  sendOne() {
    const t = nowMs();
    const events = [];
    for (let i = 0; i < this.batchSize; i++) events.push(this.nextEvent(t));
    const request =
      this.batchSize > 1 ? this.wire.batchRequest(events) : this.wire.eventRequest(events[0].channel, events[0].payload);
    this.sent += events.length;
    this.inFlight++;
    const busy = [...new Set(events.map((e) => e.channel))];
    for (const c of busy) this.busyChannels.set(c, (this.busyChannels.get(c) ?? 0) + 1);
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok, why) => {
        if (done) return;
        done = true;
        this.inFlight--;
        for (const c of busy) this.busyChannels.set(c, this.busyChannels.get(c) - 1);
        this.roundTrip.recordMs(nowMs() - t);
        if (ok) this.accepted += events.length;
        else {
          this.failed += events.length;
          this.errors.set(why, (this.errors.get(why) ?? 0) + 1);
          for (const e of events) this.failedByChannel.get(e.channel).push(e.seq);
        }
        resolve();
      };
      const body = Buffer.from(request.body);
      const req = http.request({
        host: this.host,
        port: this.port,
        method: 'POST',
        path: request.path,
        agent: this.agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
        timeout: this.requestTimeoutMs,
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode >= 200 && res.statusCode < 300, `HTTP ${res.statusCode}`));
        res.on('error', (err) => finish(false, err.code ?? err.message));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => finish(false, err.code ?? err.message));
      req.end(body);
    });
  }

  // Runs for durationS, keeping sent ≈ rate × elapsed; when `concurrency` requests are already out the
  // rest wait, so a slow server shows up as an achieved rate below the offered one.
  async run() {
    const started = nowMs();
    const endAt = started + this.durationS * 1000;
    const total = Math.round(this.rate * this.durationS);
    const outstanding = new Set();
    while (!this.stopped && this.sent < total) {
      const now = nowMs();
      // The server could not keep up: stop overrunMs past the planned end, so the run stays bounded
      // (the events not sent are simply not expected; the achieved rate shows the shortfall).
      if (now >= endAt + this.overrunMs) break;
      const due = Math.min(total, Math.floor(((now - started) / 1000) * this.rate) + 1);
      while (this.sent + this.batchSize <= due && this.inFlight < this.concurrency && this.nextChannelFree()) {
        const p = this.sendOne();
        outstanding.add(p);
        p.then(() => outstanding.delete(p));
      }
      // Sleep until the next event is due (timers are ~1 ms granular), or until a slot frees.
      const nextDueAt = started + ((this.sent + this.batchSize - 1) / this.rate) * 1000;
      const wait = Math.max(0, Math.min(nextDueAt - nowMs(), 50));
      const blocked = this.inFlight >= this.concurrency || !this.nextChannelFree();
      if (blocked && outstanding.size > 0) await Promise.race([...outstanding, sleep(wait || 1)]);
      else await sleep(wait > 1 ? wait : wait > 0 ? 1 : 0);
    }
    await Promise.all(outstanding);
    const ended = nowMs();
    this.agent.destroy();
    return {
      startedAt: started,
      endedAt: ended,
      seconds: (ended - started) / 1000,
      offeredRate: this.rate,
      sent: this.sent,
      accepted: this.accepted,
      failed: this.failed,
      achievedRate: this.accepted / ((ended - started) / 1000),
      errors: Object.fromEntries(this.errors),
      roundTripMs: this.roundTrip.summary(),
      published: this.publishedTable(),
    };
  }

  publishedTable() {
    const table = {};
    for (const [channel, count] of this.seqByChannel) table[channel] = { count, failed: this.failedByChannel.get(channel) };
    return table;
  }

  stop() {
    this.stopped = true;
  }
}
