// What the report says at the top: the machine and the version of everything measured.
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 }).trim();
  } catch (err) {
    return (err.stderr ?? '').toString().trim() || null;
  }
}

// Both streams: several tools (java -version, nginx -v) print their version on stderr.
function runBoth(command, args) {
  try {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20000 });
    return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || null;
  } catch {
    return null;
  }
}

const require = createRequire(import.meta.url);
const packageVersion = (name) => {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return null;
  }
};

export function openLibertyVersion(jar) {
  const text = run('unzip', ['-p', jar, 'wlp/lib/versions/openliberty.properties']);
  const match = text && /com\.ibm\.websphere\.productVersion=(\S+)/.exec(text);
  return match ? match[1] : null;
}

export function machineInfo() {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const totalKb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? totalmem() / 1024);
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    ramGiB: Math.round(totalKb / 1024 / 1024),
    kernel: release(),
    os: (run('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']) ?? '').trim(),
  };
}

// The first lines of `java -version` of one JVM (each gateway of a run may have its own).
export function javaVersion(java = 'java') {
  return runBoth(java, ['-version'])?.split('\n').slice(0, 3).join(' / ') ?? null;
}

// java: the binary that runs the gateway(s); jars: the jars measured.
export function versions({ java = 'java', jars = [] } = {}) {
  const nchanPackage = run('dpkg-query', ['-W', '-f=${Version}', 'libnginx-mod-nchan']);
  return {
    java: javaVersion(java),
    openLiberty: [...new Set(jars.map(openLibertyVersion).filter(Boolean))].join(', ') || null,
    nginx: runBoth('/usr/sbin/nginx', ['-v'])?.replace(/^nginx version:\s*/, '') ?? null,
    nchan: nchanPackage ? nchanPackage.replace(/^\d+:/, '').replace(/\+.*$/, '') : null,
    nchanPackage,
    redis: run('redis-server', ['--version'])?.match(/v=(\S+)/)?.[1] ?? null,
    node: process.version,
    socketIo: packageVersion('socket.io'),
    socketIoClient: packageVersion('socket.io-client'),
    redisAdapter: packageVersion('@socket.io/redis-adapter'),
    ws: packageVersion('ws'),
    hdrHistogramJs: packageVersion('hdr-histogram-js'),
  };
}

export const benchDir = new URL('..', import.meta.url).pathname;
export const repoDir = join(benchDir, '..');
