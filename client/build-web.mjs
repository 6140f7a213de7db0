// Bundles the dashboard and the end-to-end test page. The library itself is built by build-lib.mjs
// into dist/ (ES modules, CommonJS and .d.ts); these bundles inline it with React.
//
// The dashboard's files are written into src/main/webapp and committed: `mvn liberty:run` runs only
// the compiler and the WAR plugin (not the exec plugin), and must serve a working dashboard on a
// fresh machine without Node. Every Maven build (generate-resources) writes them again from the
// sources; esbuild's output is deterministic, so they change only when the sources do: commit them
// with the sources.
//
// Names carry a hash of their content (assets/dashboard-<hash>.js), so the gateway can let browsers
// keep them for a year (web/StaticAssetsFilter) and a new build is fetched at once: index.html, which
// names them, is revalidated on every load. Older hashed files are removed.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const out = process.env.DASHBOARD_OUT ?? '../src/main/webapp';
const common = { bundle: true, format: 'esm', target: 'es2020', jsx: 'automatic', logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' }, minify: true, sourcemap: false, legalComments: 'eof' };

const js = await build({ ...common, write: false, banner: { js: '// Generated from client/dashboard by client/build-web.mjs (npm run build): do not edit.' },
  entryPoints: ['dashboard/main.tsx'], outfile: 'dashboard.js' });
const css = await build({ ...common, write: false, entryPoints: ['dashboard/dashboard.css'], outfile: 'dashboard.css' });

const hashed = (name, contents) => {
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 12);
  const [base, ext] = name.split('.');
  return { file: `${base}-${hash}.${ext}`, contents };
};
const files = [hashed('dashboard.js', js.outputFiles[0].contents), hashed('dashboard.css', css.outputFiles[0].contents)];

mkdirSync(`${out}/assets`, { recursive: true });
for (const f of readdirSync(`${out}/assets`)) {
  if (/^dashboard(-[0-9a-f]+)?\.(js|css)$/.test(f) && !files.some((x) => x.file === f)) rmSync(`${out}/assets/${f}`);
}
for (const f of files) writeFileSync(`${out}/assets/${f.file}`, f.contents);
const html = readFileSync('dashboard/index.html', 'utf8')
  .replace('{{dashboard.js}}', files[0].file).replace('{{dashboard.css}}', files[1].file);
writeFileSync(`${out}/index.html`, html);

await build({ ...common, entryPoints: ['e2e/harness.tsx'], outfile: 'build/e2e/harness.js' });
