// The scenarios' shapes in one place: how many channels, subscribers, events per second, for how long.
// Channel names are fresh for every run (job:b<run>-<n>), so no run ever sees another run's history.

let runCounter = 0;
export function channelNames(count) {
  const run = ++runCounter;
  return Array.from({ length: count }, (_, i) => `job:b${run}-${i + 1}`);
}

export const SWEEP_RATES = [25, 50, 100, 200, 400];
export const WARMUP_SECONDS = 3; // the peers' warm-up run: long enough for V8 and nginx's caches
export const CEILING_P99_MS = 100;

export const plans = {
  // (a) 1 channel × 1,000 subscribers, 50 events/s
  fanout: (o) => ({ channels: channelNames(1), subscribersPerChannel: o.fanoutSubscribers ?? 1000, rate: 50, durationS: o.duration }),
  // one level of the load sweep: the fan-out shape at a given offered rate
  sweepLevel: (o, rate) => ({ channels: channelNames(1), subscribersPerChannel: o.fanoutSubscribers ?? 1000, rate, durationS: o.sweepDuration }),
  // (b) 1,000 channels × 1 subscriber, 1,000 events/s round-robin. One POST per event with 8 in flight on
  // every target (Nchan has no batch publish, and one keep-alive connection tops out near 1,000 req/s).
  channels: (o) => ({ channels: channelNames(o.channelCount ?? 1000), subscribersPerChannel: 1, rate: 1000, durationS: o.duration, concurrency: 8 }),
  // (d) the fan-out shape over two instances sharing Redis
  redis: (o) => ({ channels: channelNames(1), subscribersPerChannel: o.fanoutSubscribers ?? 1000, rate: 50, durationS: o.duration }),
};

// A shorter copy of a plan on fresh channels: the warm-up before a measured run.
export function warmupOf(plan, seconds = WARMUP_SECONDS) {
  return { ...plan, channels: channelNames(plan.channels.length), durationS: seconds };
}

// A copy on fresh channels: the second and third runs on one gateway process.
export function againOf(plan) {
  return { ...plan, channels: channelNames(plan.channels.length) };
}
