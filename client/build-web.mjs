// Bundles the dashboard (served by the gateway from the WAR) and the end-to-end test page. The library
// itself is built by tsc into dist/ (ES modules and .d.ts); these bundles inline it with React.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const out = process.env.DASHBOARD_OUT ?? '../target/dashboard';
rmSync(out, { recursive: true, force: true });
const common = { bundle: true, format: 'esm', target: 'es2020', jsx: 'automatic', logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' }, minify: true, sourcemap: false };
await build({ ...common, entryPoints: ['dashboard/main.tsx'], outfile: `${out}/assets/dashboard.js` });
await build({ ...common, entryPoints: ['e2e/harness.tsx'], outfile: 'build/e2e/harness.js' });
