// Command-line options of run.js, with their defaults in one object.
import { ALL_SCENARIOS, KNOWN_SCENARIOS } from './suite.js';

export const DEFAULTS = {
  targets: ['gateway', 'nchan', 'socketio'],
  scenarios: ALL_SCENARIOS,
  transports: ['sse', 'ws'],
  duration: 10, // seconds of publishing per measured run
  sweepDuration: 5, // seconds per sweep level: five levels per target and transport add up
  idleCounts: [10000, 15000],
  jar: '/work/main/target/realtime-gateway.jar',
  label: 'gateway',
  jarB: null,
  labelB: 'gateway-b',
  javaHome: null,
  javaOpts: '',
  gateway: [], // more gateways in the same run: --gateway 'LABEL|JAR|JAVA_HOME|JAVA_OPTS', repeatable
  noCold: false,
  out: null, // default: bench/results/<timestamp>.json
  report: null, // default: docs/BENCHMARKS.md for a full run, none for a filtered one
  clientThreads: 1,
  publishInflight: 1, // POSTs in flight per channel; above 1 the offered rate holds but order is not checked
  smoke: false,
};

const LISTS = new Set(['targets', 'scenarios', 'transports', 'idleCounts', 'sweepRates']);
const NUMBERS = new Set(['duration', 'sweepDuration', 'clientThreads', 'fanoutSubscribers', 'publishInflight']);
const FLAGS = new Set(['noCold', 'smoke', 'noReport', 'help']);

const camel = (flag) => flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

export function parseArgs(argv) {
  const options = { ...DEFAULTS, filtered: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    let [name, value] = arg.slice(2).split(/=(.*)/s);
    name = camel(name);
    if (FLAGS.has(name)) {
      options[name] = true;
      continue;
    }
    if (!(name in DEFAULTS) && !LISTS.has(name) && !NUMBERS.has(name)) throw new Error(`unknown option --${arg.slice(2)}`);
    if (value === undefined) value = argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (name === 'gateway') {
      options.gateway = [...options.gateway, parseGateway(value)];
      continue;
    }
    if (LISTS.has(name)) {
      options[name] = value.split(',').map((v) => v.trim()).filter(Boolean);
      if (name === 'idleCounts' || name === 'sweepRates') options[name] = options[name].map(Number);
      if (['targets', 'scenarios', 'transports'].includes(name)) options.filtered = true;
    } else if (NUMBERS.has(name)) options[name] = Number(value);
    else options[name] = value;
    if (name === 'duration' || name === 'publishInflight') options.filtered = true;
  }
  for (const s of options.scenarios) if (!KNOWN_SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (known: ${KNOWN_SCENARIOS.join(', ')})`);
  for (const t of options.transports) if (!['sse', 'ws'].includes(t)) throw new Error(`unknown transport ${t}`);
  for (const t of options.targets) if (!['gateway', 'nchan', 'socketio'].includes(t)) throw new Error(`unknown target ${t}`);
  if (options.noCold) options.filtered = true;
  return options;
}

// One more gateway for the same run: the same jar under another JVM or with other options, or another jar.
// Empty fields take the run's --jar, --java-home, --java-opts.
export function parseGateway(value) {
  const [label, jar, javaHome, javaOpts] = value.split('|');
  if (!label) throw new Error(`--gateway needs 'LABEL|JAR|JAVA_HOME|JAVA_OPTS' (got ${value})`);
  return { label, jar: jar || null, javaHome: javaHome || null, javaOpts: javaOpts || null };
}

export const USAGE = `node bench/run.js [options]

  (no options)            the full suite against gateway, Nchan and Socket.IO; writes docs/BENCHMARKS.md
  --targets a,b           gateway,nchan,socketio
  --scenarios a,b         ${ALL_SCENARIOS.join(',')}
                          (by name only: ${KNOWN_SCENARIOS.filter((s) => !ALL_SCENARIOS.includes(s)).join(',')})
  --transports a,b        sse,ws
  --duration S            seconds of publishing per run (default 10)
  --sweep-duration S      seconds per sweep level (default 5)
  --idle-counts a,b       open connections for the idle scenario (default 10000,15000)
  --no-cold               gateway: a short warm-up and one warm run instead of cold + two more
  --jar PATH              gateway jar (default /work/main/target/realtime-gateway.jar)
  --label NAME            its name in the report (default gateway)
  --jar-b PATH            a second gateway jar measured in the same run (before/after)
  --label-b NAME          its name (default gateway-b)
  --java-home DIR         JVM to run the jar(s) with (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)
  --java-opts "..."       JVM options, placed before -jar
  --gateway 'L|JAR|JH|OPTS'  one more gateway in the same run, repeatable: label, jar, java home, JVM
                          options (an empty field takes --jar / --java-home / --java-opts), e.g.
                          --gateway 'java25|||' --java-home ... compares JVMs on one jar
  --client-threads N      worker threads holding the subscribers (default 1)
  --publish-inflight N    POSTs in flight per channel (default 1, which keeps each channel's events in
                          order; more holds the offered rate against a slow publish call, and then the
                          out-of-order count is not meaningful)
  --out FILE              results JSON (default bench/results/<time>.json)
  --report FILE           write the Markdown report there (default: docs/BENCHMARKS.md after a full run)
  --no-report             never write the report
  --smoke                 correctness only: gateway, 20 subscribers per transport, 200 events; exit 1 on
                          any loss, duplicate, reordering or cut-off (never asserts a speed)
`;
