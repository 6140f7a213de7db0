import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

/**
 * The package as a front-end team gets it: `npm pack`, then a fresh app in a temp folder installs the
 * tarball with no network (`--offline`: React and its types come from this machine's npm cache,
 * where `npm ci` of the client put them) and uses it through ESM, CommonJS, TypeScript (under both
 * `exports` conditions) and a bundler.
 */
const root = resolve(process.cwd());
const requireHere = createRequire(join(root, 'package.json'));
const work = mkdtempSync(join(tmpdir(), 'client-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** React, React DOM and their types at the versions the client's own lock file has, locked so npm needs no registry. */
function lockedApp(dir: string): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const names = ['react', 'react-dom', 'scheduler', '@types/react', 'csstype'];
  const dependencies: Record<string, string> = {};
  for (const n of ['react', 'react-dom', '@types/react']) dependencies[n] = lock['node_modules/' + n].version;
  const packages: Record<string, unknown> = { '': { name: 'app', dependencies } };
  for (const n of names) {
    const { dev: _dev, ...entry } = lock['node_modules/' + n];
    packages['node_modules/' + n] = entry;
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }));
}

const APP_TSX = `
import { connect, isChannelName, type Envelope, type PublishAck } from '@realtime-gateway/client';
import {
  RealtimeProvider, useChannels, useSSE, useWebSocket, useRenderProgressStream, useCouncilScoreStream, useStream,
  useLiveMetrics, useAbTestResults, useCampaignMetricsStream, useRealtimeAlerts, usePublish,
} from '@realtime-gateway/client/react';
import { RenderProgress, AbTestResults } from '@realtime-gateway/client/components';

interface Tick { n: number }

export function Ticks() {
  const { events, status, subscriptions, stale } = useChannels<Tick>('system', { history: true });
  const last: Envelope<Tick> | undefined = events.at(-1);
  const n: number | undefined = last?.data.n;
  const { progress, stage, fps, eta, status: jobStatus, error } = useRenderProgressStream('42');
  const council = useCouncilScoreStream('https://cdn.example/ad.mp4', 'Stop scrolling', ['hook']);
  const id: string | undefined = council.evaluationId;
  const sse = useSSE<Tick>('/api/stream/render-progress/42');
  const ws = useWebSocket<Tick>('ws://localhost:9080/ws', { channels: ['system'] });
  const folded = useStream<number, Tick>('system', (v, e) => v + e.data.n, 0);
  const live = useLiveMetrics('7', 'campaign');
  const ab = useAbTestResults('t1');
  const campaign = useCampaignMetricsStream('7');
  const { alerts, dismiss } = useRealtimeAlerts('ann');
  const publish = usePublish();
  const send = (): Promise<PublishAck> => publish('system', 'hello', { n: 1 }, { idempotencyKey: 'k1' });
  return <p onClick={() => { void send(); dismiss('x'); }}>
    {status} {n} {progress} {stage} {fps} {eta} {jobStatus} {error} {id} {sse.data?.n} {ws.status} {folded.value}
    {live.figures.clicks} {ab.winner} {campaign.metrics.ctr?.value} {alerts.length} {String(stale)}
    {subscriptions.system?.state} <RenderProgress jobId="42" /> <AbTestResults testId="t1" options={{ transport: 'websocket' }} />
  </p>;
}

export async function send(): Promise<PublishAck> {
  const client = connect({ transport: 'websocket', shareAcrossTabs: false });
  if (!isChannelName('system')) throw new Error('bad');
  return client.publish('system', 'hello', { msg: 'hi' });
}

export const app = <RealtimeProvider options={{ url: 'http://localhost:9080', getToken: () => null }}><Ticks /></RealtimeProvider>;
`;

describe('the npm package', () => {
  it('packs only what a user needs, with both module kinds and their types', () => {
    const out = run('npm', ['pack', '--json', '--pack-destination', work], root);
    const [info] = JSON.parse(out.slice(out.indexOf('[')));
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    assert.ok(files.includes('dist/esm/index.js') && files.includes('dist/cjs/index.js'), 'both builds');
    assert.ok(files.includes('dist/esm/react/index.d.ts') && files.includes('dist/cjs/react/index.d.ts'), 'types for both');
    assert.ok(files.includes('README.md'), 'the README');
    for (const f of files) {
      assert.match(f, /^(dist\/(esm|cjs)\/|README\.md$|package\.json$)/, `no sources, tests or e2e in the tarball: ${f}`);
    }
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.sideEffects, false);
    assert.match(manifest.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/);

    const app = join(work, 'app');
    mkdirSync(app);
    lockedApp(app);
    run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, info.filename)], app);

    // ESM and CommonJS, each entry point.
    writeFileSync(join(app, 'esm.mjs'), `
      import { connect, isChannelName, WebSocketClient } from '@realtime-gateway/client';
      import { useChannels, useRenderProgressStream } from '@realtime-gateway/client/react';
      import { RenderProgress } from '@realtime-gateway/client/components';
      console.log(JSON.stringify([typeof connect, isChannelName('job:1'), typeof WebSocketClient, typeof useChannels,
        typeof useRenderProgressStream, typeof RenderProgress]));`);
    writeFileSync(join(app, 'cjs.cjs'), `
      const { connect, isChannelName, WebSocketClient } = require('@realtime-gateway/client');
      const { useChannels, useRenderProgressStream } = require('@realtime-gateway/client/react');
      const { RenderProgress } = require('@realtime-gateway/client/components');
      console.log(JSON.stringify([typeof connect, isChannelName('job:1'), typeof WebSocketClient, typeof useChannels,
        typeof useRenderProgressStream, typeof RenderProgress]));`);
    const expected = ['function', true, 'function', 'function', 'function', 'function'];
    assert.deepEqual(JSON.parse(run(process.execPath, ['esm.mjs'], app)), expected);
    assert.deepEqual(JSON.parse(run(process.execPath, ['cjs.cjs'], app)), expected);

    // TypeScript: as a bundler resolves (the `import` condition) and as Node's CommonJS does (`require`).
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src', 'app.tsx'), APP_TSX);
    const base = { strict: true, jsx: 'react-jsx', noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM'], types: [] };
    writeFileSync(join(app, 'tsconfig.bundler.json'), JSON.stringify({
      compilerOptions: { ...base, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler' }, include: ['src'] }));
    writeFileSync(join(app, 'tsconfig.cjs.json'), JSON.stringify({
      compilerOptions: { ...base, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext' }, include: ['src'] }));
    const tsc = requireHere.resolve('typescript/bin/tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], app);
    run(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], app);

    // A bundler takes it too.
    const esbuild = requireHere('esbuild');
    const result = esbuild.buildSync({ entryPoints: [join(app, 'src', 'app.tsx')], bundle: true, write: false, format: 'esm',
      jsx: 'automatic', absWorkingDir: app, logLevel: 'silent' });
    assert.equal(result.errors.length, 0);
  });
});
