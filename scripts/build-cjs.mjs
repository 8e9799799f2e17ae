// Builds the CommonJS copy of the library (dist-cjs/) from tsc's ES modules (dist/), so
// `require('lloyd')` gives the same API as `import 'lloyd'`. Each module is converted on its own,
// not bundled: dist-cjs/ mirrors dist/ file for file, so paths relative to a module
// (build/native three folders up, the bundled data, ./fit-worker.js beside fit-async.js) hold in
// both. dist-cjs/package.json marks its .js files CommonJS, and each .d.ts is copied beside its
// module, so TypeScript reads the CommonJS entry's types as CommonJS. `import.meta.url` becomes
// the module's file URL; dynamic `import()` stays (CommonJS may import ES modules, the optional
// plotting peers among them). The CLI (dist/cli) stays ES-module only: it runs, nobody requires it.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esm = join(root, 'dist');
const cjs = join(root, 'dist-cjs');
const MODULE_URL = '__lloydModuleUrl';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

rmSync(cjs, { recursive: true, force: true });
let modules = 0;
for (const file of filesUnder(esm)) {
  if (file.startsWith(`cli/`) || !/\.(js|d\.ts)$/.test(file)) continue;
  const target = join(cjs, file);
  mkdirSync(dirname(target), { recursive: true });
  if (file.endsWith('.d.ts')) {
    copyFileSync(join(esm, file), target);
    continue;
  }
  const source = readFileSync(join(esm, file), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '');
  const usesModuleUrl = source.includes('import.meta.url');
  const { code } = await transform(source, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: usesModuleUrl ? { 'import.meta.url': MODULE_URL } : {},
    banner: usesModuleUrl
      ? `const ${MODULE_URL} = require('node:url').pathToFileURL(__filename).href;`
      : '',
  });
  if (code.includes('import.meta')) throw new Error(`build-cjs: ${file} still reads import.meta`);
  writeFileSync(target, code);
  modules++;
}
writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
console.log(`dist-cjs: ${modules} CommonJS modules`);
