// Builds the library twice from one source: ES modules (dist/esm, for `import` and bundlers) and
// CommonJS (dist/cjs, for `require`), each with its own .d.ts, so TypeScript reads the right kind of
// module under either condition of package.json's `exports`. dist/cjs carries a package.json of its
// own saying so, since the package as a whole is `"type": "module"`.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
