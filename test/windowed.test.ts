import { describe, expect, it } from 'vitest';
import { wasmBackend } from '../src/advanced.js';
import { KMeans, type Matrix, makeBlobs, wasmSimdSupported } from '../src/index.js';
import type { KernelBackend } from '../src/kernels/types.js';
import { bindRowSource } from '../src/kernels/wasm/backend.js';
import type { MetricName } from '../src/kmeans/metric-strategies.js';
import { matrixRows } from '../src/row-source.js';

/** The WebAssembly backend reading X through windows of `windowRows` rows. */
function windowed(windowRows: number): KernelBackend {
  return {
    name: `wasm, windows of ${windowRows} rows`,
    bind: (X, options) => wasmBackend.bind(X, { ...options, windowRows }),
  };
}

function blobs(rows: number, cols: number, dtype: 'float32' | 'float64', seed: number): Matrix {
  const { X } = makeBlobs({
    nSamples: rows,
    nFeatures: cols,
    centers: 7,
    randomState: seed,
    dtype,
  });
  return X;
}

describe.runIf(wasmSimdSupported())('X read through windows', () => {
  // Rows not a multiple of the window, windows smaller than a sum block (one block each) and
  // larger (several), both dtypes, every metric, 1 and 2 threads, weights, and restarts of
  // random init that empty clusters (relocated from the farthest rows, found across windows).
  // (Threads run only past 2^18 values: the two-thread cases take 45,000 rows.)
  const cases: [MetricName, 'float32' | 'float64', number, number, number][] = [
    ['euclidean', 'float32', 300, 1, 9_731],
    ['euclidean', 'float64', 2000, 2, 45_013],
    ['euclidean', 'float32', 7000, 2, 45_013],
    ['cosine', 'float64', 700, 1, 9_731],
    ['manhattan', 'float32', 1500, 1, 9_731],
  ];
  it.each(cases)(
    '%s, %s, windows of %i rows, %i thread(s), %i rows: the same fit as X held whole, bit for bit',
    (metric, dtype, windowRows, threads, rows) => {
      const X = blobs(rows, 6, dtype, 11);
      const sampleWeight = Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 7) / 4);
      const options = { nClusters: 12, metric, dtype, threads, randomState: 5 } as const;
      for (const init of ['k-means++', 'random'] as const) {
        const whole = new KMeans({ ...options, init, nInit: 2 }).fit(X, { sampleWeight });
        const read = new KMeans({ ...options, init, nInit: 2, backend: windowed(windowRows) });
        read.fit(X, { sampleWeight });
        expect(Array.from(read.labels)).toEqual(Array.from(whole.labels));
        expect(read.centroids).toEqual(whole.centroids);
        expect(read.inertia).toBe(whole.inertia);
        expect(read.nIter).toBe(whole.nIter);
        expect(read.transform(X)).toEqual(whole.transform(X));
        expect(read.score(X)).toBe(whole.score(X));
      }
    },
  );

  it.each([
    ['float32', 1],
    ['float64', 2],
  ] as const)(
    'every pass of the kernels, %s, %i thread(s): the same bits as X held whole',
    (dtype, threads) => {
      const X = blobs(45_013, 6, dtype, 4);
      const n = X.rows;
      const k = 9;
      const centers = Float64Array.from({ length: k * X.cols }, (_, v) => X.data[v * 37]);
      const weights = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
      const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % k);
      const results = [1_000, undefined].map((windowRows) => {
        const kernels =
          windowRows === undefined
            ? wasmBackend.bind(X, { threads })
            : bindRowSource(matrixRows(X), dtype, { threads, windowRows });
        try {
          const assigned = new Int32Array(n);
          const distances = new Float64Array(n);
          kernels.assign('sqeuclidean', centers, k, assigned, distances);
          const toAssigned = new Float64Array(n);
          kernels.distancesToAssigned('manhattan', centers, labels, toAssigned);
          const pairwise = new Float64Array(n * k);
          kernels.pairwise('sqeuclidean', centers, k, pairwise);
          const fast = new Float64Array(n * k);
          kernels.pairwiseFast?.(centers, k, fast);
          const sums = new Float64Array(k * X.cols);
          const clusterWeights = new Float64Array(k);
          kernels.sumByCluster(weights, labels, k, sums, clusterWeights);
          const fused = new Float64Array(k * X.cols);
          const fusedWeights = new Float64Array(k);
          const fusedLabels = new Int32Array(n);
          kernels.assignAndSum?.(centers, k, weights, fusedLabels, null, fused, fusedWeights);
          const inertia = kernels.assignedDistanceSum?.('sqeuclidean', centers, labels, weights);
          return {
            assigned,
            distances,
            toAssigned,
            pairwise,
            fast,
            sums,
            clusterWeights,
            fused,
            fusedWeights,
            fusedLabels,
            inertia,
          };
        } finally {
          kernels.release();
        }
      });
      expect(results[0]).toEqual(results[1]);
    },
  );

  it('a value that is not finite is named by its row in the whole matrix', () => {
    const X = blobs(5_000, 4, 'float64', 3);
    X.data[4_321 * 4 + 2] = Number.NaN;
    const source = matrixRows(X, 'big.npy');
    const kernels = bindRowSource(source, 'float64', { windowRows: 1_024, threads: 1 });
    try {
      const labels = new Int32Array(X.rows);
      expect(() =>
        kernels.assign('sqeuclidean', new Float64Array(8), 2, labels, new Float64Array(X.rows)),
      ).toThrow(/big\.npy.*row 4321, column 2 is NaN/s);
    } finally {
      kernels.release();
    }
  });
});

describe.runIf(wasmSimdSupported())('resources', () => {
  it('threads are capped at 4 x the cores: a request for 1000 runs, with the same result', async () => {
    const { availableCores } = await import('../src/parallel/pool.js');
    const X = blobs(40_000, 8, 'float32', 1);
    const kernels = wasmBackend.bind(X, { threads: 1000 }) as unknown as {
      runtime: { threads: number };
      release(): void;
    };
    try {
      expect(kernels.runtime.threads).toBe(4 * availableCores());
    } finally {
      kernels.release();
    }
    const options = { nClusters: 5, randomState: 3, dtype: 'float32' } as const;
    const many = new KMeans({ ...options, threads: 1000 }).fit(X);
    const two = new KMeans({ ...options, threads: 2 }).fit(X);
    expect(Array.from(many.labels)).toEqual(Array.from(two.labels));
    expect(many.inertia).toBe(two.inertia);
  });
});

describe.runIf(wasmSimdSupported())('a pool worker that dies', () => {
  it('mid-pass is an error within seconds, not a hang; the pool is marked failed', async () => {
    const { Worker } = await import('node:worker_threads');
    const { WorkerPool } = await import('../src/parallel/pool.js');
    const { sharedModule } = await import('../src/kernels/wasm/runtime.js');
    const { writeFrame } = await import('../src/kernels/wasm/frame.js');
    // A stand-in worker: it reports in, joins the first run it sees open, then exits without
    // finishing it (as a worker thread that crashes mid-pass does).
    const source = `
      const { workerData } = require('node:worker_threads');
      const control = new Int32Array(workerData.control);
      Atomics.add(control, 13, 1);
      Atomics.notify(control, 13);
      for (;;) {
        const join = Atomics.load(control, 14);
        if ((join & (1 << 30)) === 0 && Atomics.compareExchange(control, 14, join, join + 1) === join) break;
      }
      process.exit(3);
    `;
    // A stall limit of 2 s instead of the default 30, so the test is short.
    const pool = new WorkerPool(
      sharedModule(),
      2,
      (init) => {
        const worker = new Worker(source, { eval: true, workerData: init });
        worker.unref();
        return worker;
      },
      undefined,
      2000,
    );
    try {
      await pool.startAsync();
      const rows = 2_000_000;
      const d = 4;
      const x = 65536;
      const out = x + rows * d * 4;
      pool.memory.grow(Math.ceil((out + rows * 8) / 65536));
      writeFrame(pool.memory.buffer, 'rowSqNormsF32', { x, d, out });
      const started = performance.now();
      expect(() => pool.run('rowSqNormsF32', rows, 64)).toThrow(/a worker thread stopped/);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(pool.state).toBe('failed');
    } finally {
      await pool.close();
    }
  });
});
