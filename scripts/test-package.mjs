// Tries the package as its users get it: packs the tarball (npm pack, from the build in dist/),
// installs it into a fresh consumer folder, and fits in one project of each kind a user has:
// ES modules, CommonJS, strict TypeScript (exactOptionalPropertyTypes, no skipLibCheck, both
// module systems and a bundler's browser types), a Node bundle that runs without node_modules,
// and an esbuild browser bundle run in Chromium with and without cross-origin isolation and under
// a strict Content-Security-Policy. It also checks the types with @arethetypeswrong/cli and
// reports the core install's size and the browser bundle's, failing past the limits below.
// TypeScript, esbuild and Chromium come from this repository (no install per project): the only
// download is the package's own dependencies, from the npm registry.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * The core install (lloyd and what npm brings with it), in bytes: no plotting stack. A guard
 * against growth, not the 5 MB target: 5.34 MB from a fresh clone now (csv-parse 1.5 MB, the
 * MNIST sample 1.6 MB, the CommonJS mirror, the x64 and arm64 kernels).
 */
const MAX_INSTALL_BYTES = 5_800_000;
const MAX_INSTALL_PACKAGES = 5;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const attw = join(
  dirname(require.resolve('@arethetypeswrong/cli/package.json')),
  'dist',
  'index.js',
);
const CHROMIUM = process.env.LLOYD_CHROMIUM ?? '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'lloyd-package-'));
const failures = [];

/** Runs a step, recording a failure (with its output) instead of stopping at the first. */
async function step(name, body) {
  try {
    const note = await body();
    console.log(`ok   ${name}${note ? `: ${note}` : ''}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name}\n${error.stdout ?? ''}${error.stderr ?? ''}${error.stack ?? error}`);
  }
}

const run = (command, args, cwd, env = {}) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Writes files under `dir` from a map of relative paths to contents. */
function writeTree(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof text === 'string' ? text : JSON.stringify(text, null, 2));
  }
}

/** Bytes of every file under `dir`. */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

// The fit every project makes, and the answer it must print (labels, then inertia).
const DATA = '[[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]]';
const EXPECTED = '1,1,1,0,0,0 2.6666666666666665';
const fitScript = (load) => `${load}
const X = ${DATA};
const sync = new KMeans({ nClusters: 2, randomState: 0, nInit: 1 }).fit(X);
KMEANS_ASYNC.then((km) => {
  if (km.inertia !== sync.inertia) throw new Error('fitAsync and fit differ');
  console.log(Array.from(sync.labels).join(','), sync.inertia);
});`;

const tarball = join(
  work,
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], root)
    .trim()
    .split('\n')
    .pop(),
);
const app = join(work, 'app');
writeTree(app, { 'package.json': { name: 'consumer', private: true } });
run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
const lloyd = join(app, 'node_modules', 'lloyd');

await step('core install size', () => {
  const bytes = bytesUnder(join(app, 'node_modules'));
  const packages = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'));
  const plotting = packages.filter((n) => /^(vega|@resvg)/.test(n));
  if (plotting.length) throw new Error(`the core install brings ${plotting.join(', ')}`);
  if (bytes > MAX_INSTALL_BYTES || packages.length > MAX_INSTALL_PACKAGES)
    throw new Error(`${bytes} bytes in ${packages.length} packages (${packages.join(', ')})`);
  return `${(bytes / 1e6).toFixed(2)} MB in ${packages.length} packages (${packages.join(', ')}); tarball ${(statSync(tarball).size / 1e6).toFixed(2)} MB`;
});

await step('types for every resolution (@arethetypeswrong/cli)', () => {
  run(process.execPath, [attw, tarball, '--profile', 'node16', '--format', 'ascii'], app);
});

/** A project of one module type that fits with fit and fitAsync and must print EXPECTED. */
function fitInProject(folder, type, load) {
  writeTree(app, {
    [`${folder}/package.json`]: { type },
    [`${folder}/fit.js`]: fitScript(load).replace(
      'KMEANS_ASYNC',
      'new KMeans({ nClusters: 2, randomState: 0, nInit: 1 }).fitAsync(X)',
    ),
  });
  const out = run(process.execPath, [`${folder}/fit.js`], app).trim();
  if (out !== EXPECTED) throw new Error(`printed ${out}`);
}

await step('ES modules: import', () =>
  fitInProject('esm', 'module', "import { KMeans } from 'lloyd';"),
);
await step('CommonJS: require', () =>
  fitInProject('cjs', 'commonjs', "const { KMeans } = require('lloyd');"),
);

await step('plotting without its optional peers: an error naming the install command', async () => {
  writeTree(app, {
    'esm/plot.js': `import { elbowSpec, renderSvg } from 'lloyd/plot';
try { await renderSvg(elbowSpec({ ks: [1, 2], inertias: [2, 1] })); console.log('rendered'); }
catch (error) { console.log(error.message); }`,
  });
  const out = run(process.execPath, ['esm/plot.js'], app).trim();
  if (!out.endsWith('npm install vega vega-lite vega-interpreter @resvg/resvg-js'))
    throw new Error(`printed ${out}`);
});

await step('strict TypeScript (NodeNext ESM and CommonJS, bundler with browser types)', () => {
  const strict = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    types: [],
  };
  const use = `import { KMeans, type KMeansOptions, makeBlobs } from 'lloyd';
import { clustersKmeans } from 'lloyd/geo';
import { elbowSpec, type VegaLiteSpec } from 'lloyd/plot';
import { wasmBackend } from 'lloyd/advanced';
const options: KMeansOptions = { nClusters: 3, randomState: 0 };
const { X } = makeBlobs({ nSamples: 30, centers: 3, randomState: 1 });
const km = new KMeans({ ...options, backend: wasmBackend }).fit(X);
const labels: Int32Array = km.labels;
const spec: VegaLiteSpec = elbowSpec({ ks: [1, 2], inertias: [2, 1] });
export const used = [labels, spec, clustersKmeans];
`;
  writeTree(app, {
    'ts/esm/package.json': { type: 'module' },
    'ts/esm/use.ts': use,
    'ts/esm/tsconfig.json': {
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext' },
    },
    'ts/cjs/package.json': { type: 'commonjs' },
    'ts/cjs/use.ts': use.replace(
      "import { KMeans, type KMeansOptions, makeBlobs } from 'lloyd';",
      "import { KMeans, type KMeansOptions, makeBlobs, loadFile } from 'lloyd';\nexport const nodeOnly = loadFile;",
    ),
    'ts/cjs/tsconfig.json': {
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext' },
    },
    'ts/browser/use.ts': `${use}// @ts-expect-error: the browser build has no file readers
import { loadFile } from 'lloyd';
export const browserOnly = loadFile;
`,
    'ts/browser/tsconfig.json': {
      compilerOptions: {
        ...strict,
        module: 'ESNext',
        moduleResolution: 'Bundler',
        customConditions: ['browser'],
      },
    },
  });
  for (const project of ['esm', 'cjs', 'browser'])
    run(process.execPath, [tsc, '-p', join('ts', project)], app);
});

await step('a Node bundle (esbuild), run where no node_modules is', async () => {
  const out = join(work, 'node-bundle');
  writeTree(app, {
    'bundle/main.js': fitScript("import { KMeans } from 'lloyd';").replace(
      'KMEANS_ASYNC',
      "new KMeans({ nClusters: 2, randomState: 0, nInit: 1 }).fitAsync(X, { workerUrl: new URL('./fit-worker.mjs', import.meta.url) })",
    ),
  });
  await build({
    entryPoints: { main: join(app, 'bundle/main.js'), 'fit-worker': 'lloyd/fit-worker' },
    absWorkingDir: app,
    bundle: true,
    platform: 'node',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    outdir: out,
    logLevel: 'error',
  });
  const native = `lloyd-${process.platform}-${process.arch}.node`;
  cpSync(join(lloyd, 'build', 'native', native), join(out, native));
  const output = run(process.execPath, ['main.mjs'], out, {
    LLOYD_NATIVE_PATH: join(out, native),
  }).trim();
  if (output !== EXPECTED) throw new Error(`printed ${output}`);
  return readdirSync(out).join(', ');
});

/** The page's script: fit and fitAsync (with `workerOption`), and a worker URL that is not there. */
const pageScript = (workerOption) => `import { KMeans } from 'lloyd';
const X = ${DATA};
const report = (result) => { document.title = 'done'; document.body.dataset.result = JSON.stringify(result); };
try {
  const sync = new KMeans({ nClusters: 2, randomState: 0, nInit: 1 }).fit(X);
  const fitStarted = performance.now();
  const km = await new KMeans({ nClusters: 2, randomState: 0, nInit: 1 }).fitAsync(X, ${workerOption});
  const fitMs = performance.now() - fitStarted;
  let missing = '';
  const started = performance.now();
  await new KMeans({ nClusters: 2 }).fitAsync(X, { workerUrl: new URL('./no-such-worker.js', import.meta.url) })
    .catch((error) => { missing = error.message; });
  report({ labels: Array.from(sync.labels).join(','), inertia: sync.inertia, same: km.inertia === sync.inertia,
    warnings: km.warnings, fitMs, missing, missingMs: performance.now() - started, isolated: crossOriginIsolated });
} catch (error) { report({ error: String(error) }); }
`;

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
/** The three ways a page is served. */
const SERVED = {
  isolated: ISOLATION,
  plain: {},
  // Isolated, so the pool would start, but its blob: workers are refused: fits run on fewer
  // threads at once (no start-up timeout), and the model's warnings say so.
  'strict CSP': {
    ...ISOLATION,
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'",
  },
};

/** Chromium through playwright-core, or undefined (a skip) where CI does not require it. */
async function launchChromium() {
  try {
    statSync(CHROMIUM);
  } catch {
    if (process.env.LLOYD_REQUIRE_BROWSER === '1') throw new Error(`no Chromium at ${CHROMIUM}`);
    return undefined;
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** Serves the built page in `dir` each way in SERVED and checks what it fitted; returns notes. */
async function checkPage(browser, dir) {
  let mode = 'plain';
  const server = createServer((request, response) => {
    const file = join(dir, new URL(request.url, 'http://x').pathname);
    try {
      const body = readFileSync(file);
      const type = { '.html': 'text/html', '.wasm': 'application/wasm' }[extname(file)];
      response.writeHead(200, { 'Content-Type': type ?? 'text/javascript', ...SERVED[mode] });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const notes = [];
  try {
    for (mode of Object.keys(SERVED)) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
      await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 30_000 });
      const got = JSON.parse(await page.evaluate(() => document.body.dataset.result));
      await page.close();
      const [labels, inertia] = EXPECTED.split(' ');
      if (got.error || got.labels !== labels || String(got.inertia) !== inertia || !got.same)
        throw new Error(`${mode}: ${JSON.stringify(got)}`);
      if (!got.missing.includes('no-such-worker.js') || got.missingMs > 1000)
        throw new Error(
          `${mode}: a missing worker gave ${JSON.stringify(got.missing)} after ${got.missingMs} ms`,
        );
      if (got.isolated !== (mode !== 'plain'))
        throw new Error(`${mode}: crossOriginIsolated is ${got.isolated}`);
      if (got.fitMs > 5000) throw new Error(`${mode}: fitAsync took ${got.fitMs} ms`);
      if (got.warnings.length > 0 !== (mode !== 'isolated'))
        throw new Error(`${mode}: warnings ${JSON.stringify(got.warnings)}`);
      notes.push(
        `${mode}: ${got.warnings.length ? 'fewer threads, said in warnings' : 'all threads'}, fitAsync ${got.fitMs.toFixed(0)} ms`,
      );
    }
  } finally {
    server.close();
  }
  return notes.join('; ');
}

/** Size of a built file, minified and gzipped. */
function sizeOf(file) {
  const bytes = readFileSync(file);
  return `${(bytes.length / 1e3).toFixed(0)} KB minified, ${(gzipSync(bytes).length / 1e3).toFixed(0)} KB gzipped`;
}

const browser = await launchChromium();
const INDEX_HTML = '<!doctype html><script type="module" src="./main.js"></script>';

await step('an esbuild page in Chromium: isolated, plain, and under a strict CSP', async () => {
  if (!browser) return 'skipped: no Chromium';
  const out = join(work, 'esbuild-page');
  writeTree(app, {
    'esbuild-page/main.js': pageScript(
      "{ workerUrl: new URL('./fit-worker.js', import.meta.url) }",
    ),
  });
  await build({
    entryPoints: { main: join(app, 'esbuild-page/main.js'), 'fit-worker': 'lloyd/fit-worker' },
    absWorkingDir: app,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    outdir: out,
    logLevel: 'error',
  });
  writeFileSync(join(out, 'index.html'), INDEX_HTML);
  return `main.js ${sizeOf(join(out, 'main.js'))}; ${await checkPage(browser, out)}`;
});

await step(
  'a Vite page in Chromium (its own worker bundling): isolated, plain, strict CSP',
  async () => {
    if (!browser) return 'skipped: no Chromium';
    const { build: viteBuild } = await import('vite');
    const source = join(app, 'vite-page');
    const out = join(work, 'vite-page');
    writeTree(source, { 'main.js': pageScript('{}'), 'index.html': INDEX_HTML });
    await viteBuild({
      root: source,
      base: './',
      logLevel: 'error',
      configFile: false,
      worker: { format: 'es' },
      build: { outDir: out, target: 'es2022', assetsInlineLimit: 0 },
    });
    const assets = readdirSync(join(out, 'assets'));
    // How many of the built files carry the kernels (their base64 starts with wasm's magic number).
    const withKernels = assets.filter((f) =>
      readFileSync(join(out, 'assets', f), 'utf8').includes('AGFzbQ'),
    );
    return `${assets.length} assets, kernels in ${withKernels.length} (${withKernels.join(', ')}); ${await checkPage(browser, out)}`;
  },
);

await browser?.close();
rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.log(`\n${failures.length} consumer check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
