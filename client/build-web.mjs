// Bundles the dashboard and the end-to-end test page. The library itself is built by tsc into dist/
// (ES modules and .d.ts); these bundles inline it with React.
//
// The dashboard's bundle is written into src/main/webapp and committed: `mvn liberty:run` runs only
// the compiler and the WAR plugin (not the exec plugin), and must serve a working dashboard on a
// fresh machine without Node. Every Maven build (generate-resources) writes it again from the
// sources; esbuild's output is deterministic, so it changes only when they do: commit it with them.
import { build } from 'esbuild';

const out = process.env.DASHBOARD_OUT ?? '../src/main/webapp';
const common = { bundle: true, format: 'esm', target: 'es2020', jsx: 'automatic', logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' }, minify: true, sourcemap: false, legalComments: 'eof' };
await build({ ...common, banner: { js: '// Generated from client/dashboard by client/build-web.mjs (npm run build): do not edit.' },
  entryPoints: ['dashboard/main.tsx'], outfile: `${out}/assets/dashboard.js` });
await build({ ...common, entryPoints: ['e2e/harness.tsx'], outfile: 'build/e2e/harness.js' });
