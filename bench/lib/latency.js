import * as hdr from 'hdr-histogram-js';

// Latencies are recorded in microseconds: integer buckets with 3 significant digits keep p99.9 honest
// from tens of microseconds up to minutes.
const build = () =>
  hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

export class LatencyRecorder {
  constructor() {
    this.histogram = build();
  }

  recordMs(ms) {
    // A negative value can only be clock noise between threads (same time origin, sub-ms); count it as 0.
    this.histogram.recordValue(ms > 0 ? Math.round(ms * 1000) : 0);
  }

  get count() {
    return this.histogram.totalCount;
  }

  percentileMs(p) {
    return this.histogram.totalCount === 0 ? null : this.histogram.getValueAtPercentile(p) / 1000;
  }

  add(other) {
    this.histogram.add(other.histogram);
  }

  reset() {
    this.histogram.reset();
  }

  // Compact form for crossing a worker boundary or landing in the results JSON.
  encode() {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }

  static decode(encoded) {
    const recorder = new LatencyRecorder();
    recorder.histogram.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
    return recorder;
  }

  summary() {
    const h = this.histogram;
    if (h.totalCount === 0) return { count: 0, p50: null, p99: null, p999: null, max: null, mean: null };
    const ms = (us) => Math.round(us) / 1000;
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    };
  }
}
