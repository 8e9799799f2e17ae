import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KernelBackend, referenceBackend, wasmBackend } from '../src/advanced.js';
import {
  KMeans,
  type Matrix,
  makeBlobs,
  wasmKernelVariant,
  wasmSimdSupported,
} from '../src/index.js';
import { loadNativeKernels } from '../src/kernels/native/loader.js';
import { compensatedWeightedSum } from '../src/kernels/summation.js';
import type { WasmKernels } from '../src/kernels/wasm/wasm-kernels.js';
import { kmeansGolden } from './helpers/fixtures.js';
import { seededUniform } from './helpers/seeded.js';

/**
 * Seeded centres, and rows at the midpoints of centre pairs (row i: centres i mod k and
 * partner(i) mod k), each moved towards the second by nudge(i) of the gap: ties a scan must settle.
 */
function nearTies(shape: {
  d: number;
  k: number;
  rows: number;
  seed: number;
  spread: number;
  partner: (i: number) => number;
}): { centres: number[][]; values: (nudge: (i: number) => number) => number[] } {
  const { d, k, rows, partner } = shape;
  const next = seededUniform(shape.seed);
  const centres = Array.from({ length: k }, () =>
    Array.from({ length: d }, () => next() * shape.spread),
  );
  const values = (nudge: (i: number) => number): number[] => {
    const out = new Array<number>(rows * d);
    for (let i = 0; i < rows; i++) {
      const a = centres[i % k];
      const b = centres[partner(i) % k];
      for (let t = 0; t < d; t++) out[i * d + t] = (a[t] + b[t]) / 2 + nudge(i) * (b[t] - a[t]);
    }
    return out;
  };
  return { centres, values };
}

/** A random matrix of the given shape and dtype, with values on a grid or continuous. */
const matrixArb = (dtype: 'float64' | 'float32') =>
  fc
    .record({
      rows: fc.integer({ min: 1, max: 70 }),
      cols: fc.integer({ min: 1, max: 19 }),
      grid: fc.boolean(),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    })
    .map(({ rows, cols, grid, seed }) => {
      const next = seededUniform(seed);
      const data =
        dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
      for (let i = 0; i < data.length; i++)
        data[i] = grid ? Math.floor(next() * 7) - 3 : (next() - 0.5) * 200;
      return { data, rows, cols } as Matrix;
    });

/** Whether every row has a non-zero value (cosine needs it). */
function noZeroRow(X: Matrix): boolean {
  for (let i = 0; i < X.rows; i++) {
    if (!X.data.subarray(i * X.cols, (i + 1) * X.cols).some((v) => v !== 0)) return false;
  }
  return true;
}

/** Every backend computes with the same arithmetic in the same order, so results agree bit for bit. */
function compareKernels(
  a: KernelBackend,
  b: KernelBackend,
  X: Matrix,
  k: number,
  centerSeed: number,
): void {
  const d = X.cols;
  const centers = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const row = (j * 7919 + centerSeed) % X.rows;
    for (let t = 0; t < d; t++) centers[j * d + t] = X.data[row * d + t] + ((j + t) % 3) * 0.25;
  }
  const ka = a.bind(X);
  const kb = b.bind(X);
  const n = X.rows;
  for (const kind of ['sqeuclidean', 'manhattan'] as const) {
    const la = new Int32Array(n);
    const lb = new Int32Array(n);
    const da = new Float64Array(n);
    const db = new Float64Array(n);
    ka.assign(kind, centers, k, la, da);
    kb.assign(kind, centers, k, lb, db);
    expect(Array.from(lb)).toEqual(Array.from(la));
    expect(Array.from(db)).toEqual(Array.from(da));
    ka.distancesToAssigned(kind, centers, la, da);
    kb.distancesToAssigned(kind, centers, la, db);
    expect(Array.from(db)).toEqual(Array.from(da));
    // A backend that sums a run's final inertia itself gives compensatedWeightedSum's bits.
    const rowWeights = Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 5));
    for (const kernels of [ka, kb])
      if (kernels.assignedDistanceSum)
        expect(kernels.assignedDistanceSum(kind, centers, la, rowWeights)).toBe(
          compensatedWeightedSum(da, rowWeights),
        );
    const pa = new Float64Array(n * k);
    const pb = new Float64Array(n * k);
    ka.pairwise(kind, centers, k, pa);
    kb.pairwise(kind, centers, k, pb);
    expect(Array.from(pb)).toEqual(Array.from(pa));
  }
  const fa = new Float64Array(n * k);
  const fb = new Float64Array(n * k);
  ka.pairwiseFast?.(centers, k, fa);
  kb.pairwiseFast?.(centers, k, fb);
  expect(Array.from(fb)).toEqual(Array.from(fa));
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 31 + centerSeed) % k);
  const weights = Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 5));
  const sa = new Float64Array(k * d);
  const sb = new Float64Array(k * d);
  const wa = new Float64Array(k);
  const wb = new Float64Array(k);
  ka.sumByCluster(weights, labels, k, sa, wa);
  kb.sumByCluster(weights, labels, k, sb, wb);
  expect(Array.from(sb)).toEqual(Array.from(sa));
  expect(Array.from(wb)).toEqual(Array.from(wa));
  ka.release();
  kb.release();
}

describe.runIf(wasmSimdSupported())('the WebAssembly backend agrees with the reference', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`kernel by kernel, on random shapes (${dtype})`, () => {
      fc.assert(
        fc.property(matrixArb(dtype), fc.integer({ min: 1, max: 13 }), fc.nat(), (X, k, seed) => {
          compareKernels(referenceBackend, wasmBackend, X, k, seed);
        }),
        { numRuns: 150 },
      );
    });

    it(`whole fits: identical labels, centroids, inertia and nIter (${dtype}, every metric)`, () => {
      fc.assert(
        fc.property(
          matrixArb(dtype),
          fc.integer({ min: 1, max: 9 }),
          fc.constantFrom('euclidean', 'manhattan', 'cosine' as const),
          fc.nat(),
          (X, k, metric, seed) => {
            const nonZero = metric !== 'cosine' || noZeroRow(X);
            fc.pre(X.rows >= k && nonZero);
            const options = { nClusters: k, metric, randomState: seed, dtype } as const;
            const a = new KMeans({ ...options, backend: 'reference' }).fit(X);
            const b = new KMeans({ ...options, backend: 'wasm' }).fit(X);
            expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
            expect(b.nIter).toBe(a.nIter);
            expect(b.centroids).toEqual(a.centroids);
            expect(b.inertia).toBe(a.inertia);
          },
        ),
        { numRuns: 100 },
      );
    });
  }

  it(`Hamerly's and Elkan's bounds give exactly Lloyd's labels, centroids, inertias and nIter (${'every dtype'})`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('float64', 'float32' as const),
        matrixArb('float64'),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('euclidean', 'cosine' as const),
        fc.nat(),
        (dtype, X, k, metric, seed) => {
          const nonZero = metric !== 'cosine' || noZeroRow(X);
          fc.pre(X.rows >= k && nonZero);
          const options = {
            nClusters: k,
            metric,
            randomState: seed,
            dtype,
            tol: 0,
            backend: 'wasm',
          } as const;
          // Each iteration's inertia too: Lloyd's passes hand their distances over, the bounded
          // ones have the kernels sum them (assignedDistanceSum), and both give the same bits.
          const inertias = (algorithm: 'lloyd' | 'hamerly' | 'elkan') => {
            const seen: number[] = [];
            const model = new KMeans({
              ...options,
              algorithm,
              onIteration: ({ inertia }) => {
                seen.push(inertia);
              },
            }).fit(X);
            return { model, seen };
          };
          const { model: a, seen } = inertias('lloyd');
          for (const algorithm of ['hamerly', 'elkan'] as const) {
            const { model: b, seen: bSeen } = inertias(algorithm);
            expect(Array.from(b.labels), algorithm).toEqual(Array.from(a.labels));
            expect(b.centroids).toEqual(a.centroids);
            expect(b.inertia).toBe(a.inertia);
            expect(b.nIter).toBe(a.nIter);
            expect(bSeen).toEqual(seen);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  // d = 37, k = 6 runs the pair scan; d = 7, k = 9 the panel scan (four centres to a vector,
  // twelve with padding: a panel pair and a lone panel), over 9000 rows: both remainders.
  it.each(
    [
      [37, 6],
      [7, 9],
    ].flatMap(([d, k]) => (['lloyd', 'hamerly', 'elkan'] as const).map((a) => [d, k, a] as const)),
  )(
    'float64 rows scanned in float32 still settle near ties, tiny and huge values exactly (d = %i, k = %i, %s)',
    (d, k, algorithm) => {
      // Centres in pairs; rows at their midpoints moved by far less than float32 can resolve, so
      // only the exact float64 settle can tell which centre is nearer.
      const rows = 9000;
      const { centres, values } = nearTies({
        d,
        k,
        rows,
        seed: 7,
        spread: 10,
        partner: (i) => i + 1,
      });
      const base = Float64Array.from(values((i) => ((i % 5) - 2) * 1e-12));
      for (const scale of [1, 1e-36, 1e30]) {
        const data = base.map((v) => v * scale);
        // Some rows out of float32's safe range beside in-range ones.
        if (scale === 1) for (let i = 0; i < rows; i += 97) data[i * d] = 3e12;
        const X: Matrix = { data, rows, cols: d };
        const init = centres.map((c) => c.map((v) => v * scale));
        const options = { nClusters: k, init, maxIter: 3, tol: 0, algorithm } as const;
        const a = new KMeans({ ...options, backend: 'reference' }).fit(X);
        const b = new KMeans({ ...options, backend: 'wasm', threads: 2 }).fit(X);
        const label = `scale ${scale}`;
        expect(Array.from(b.labels), label).toEqual(Array.from(a.labels));
        expect(b.centroids, label).toEqual(a.centroids);
        expect(b.inertia, label).toBe(a.inertia);
      }
    },
  );

  // d = 40, k = 8: rows are rescanned by pairs; d = 7, k = 9: by panels.
  it.each(
    [
      [40, 8],
      [7, 9],
    ].flatMap(([d, k]) =>
      (['hamerly', 'elkan'] as const).flatMap((a) => [1, 2].map((t) => [d, k, a, t] as const)),
    ),
  )(
    "float32 rows near ties: Hamerly's and Elkan's bounds (set and tightened by the fast form) keep Lloyd's labels (d = %i, k = %i, %s, %i thread(s))",
    (d, k, algorithm, threads) => {
      // Rows at midpoints of centre pairs, nudged by a few float32 ulps, for many iterations: the
      // bounds must never skip a row whose nearest centre changed.
      const rows = 12001;
      const { centres, values } = nearTies({
        d,
        k,
        rows,
        seed: 11,
        spread: 4,
        partner: (i) => 3 * i + 1,
      });
      const X: Matrix = {
        data: Float32Array.from(values((i) => ((i % 7) - 3) * 3e-7)),
        rows,
        cols: d,
      };
      const options = {
        nClusters: k,
        init: centres,
        maxIter: 25,
        tol: 0,
        dtype: 'float32',
      } as const;
      const lloyd = new KMeans({ ...options, backend: 'reference', algorithm: 'lloyd' }).fit(X);
      const bounded = new KMeans({ ...options, backend: 'wasm', algorithm, threads }).fit(X);
      expect(Array.from(bounded.labels)).toEqual(Array.from(lloyd.labels));
      expect(bounded.centroids).toEqual(lloyd.centroids);
      expect(bounded.inertia).toBe(lloyd.inertia);
      expect(bounded.nIter).toBe(lloyd.nIter);
    },
  );

  it.each([
    [40, 8],
    [7, 9],
  ])('float32 rows near ties: every scan settles them exactly (d = %i, k = %i)', (d, k) => {
    // Rows at midpoints of centre pairs nudged by a few float32 ulps: Lloyd's pair (d = 40) or
    // panel (d = 7) scan must leave each near choice to the exact distance.
    const rows = 9001;
    const { centres, values } = nearTies({
      d,
      k,
      rows,
      seed: 5,
      spread: 4,
      partner: (i) => 2 * i + 1,
    });
    const X: Matrix = {
      data: Float32Array.from(values((i) => ((i % 7) - 3) * 3e-7)),
      rows,
      cols: d,
    };
    const options = { nClusters: k, init: centres, maxIter: 5, tol: 0, dtype: 'float32' } as const;
    const reference = new KMeans({ ...options, backend: 'reference' }).fit(X);
    for (const threads of [1, 2]) {
      const wasm = new KMeans({ ...options, backend: 'wasm', threads }).fit(X);
      const label = `${threads} thread(s)`;
      expect(Array.from(wasm.labels), label).toEqual(Array.from(reference.labels));
      expect(wasm.centroids, label).toEqual(reference.centroids);
      expect(wasm.inertia, label).toBe(reference.inertia);
      expect(wasm.predict(X), label).toEqual(reference.labels);
    }
  });

  // Several starting centres to a blob, blobs far apart: a row the bounds cannot settle has a
  // few centres within reach of its own (scanned alone) or too many (the full scan). k = 600
  // keeps the nearest 150 of 599 (k/4); panels (d = 6) and row pairs (d = 120) both.
  it.each(
    (
      [
        [6, 40, 8],
        [6, 600, 60],
        [120, 300, 30],
      ] as const
    ).flatMap(([d, k, blobs]) =>
      (['float32', 'float64'] as const).map((dtype) => [d, k, blobs, dtype] as const),
    ),
  )(
    "Hamerly's scans of near centres only give Lloyd's result where each row has few centres near its own (d = %i, k = %i, %i blobs, %s)",
    (d, k, blobs, dtype) => {
      const next = seededUniform(41 + k);
      const rows = 4000;
      const centres = Array.from({ length: blobs * d }, () => next() * 40);
      const values = Array.from(
        { length: rows * d },
        (_, v) => centres[(Math.floor(v / d) % blobs) * d + (v % d)] + next() * 2,
      );
      const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
      const X: Matrix = { data, rows, cols: d };
      const fitWith = (algorithm: 'lloyd' | 'hamerly') =>
        new KMeans({
          nClusters: k,
          init: 'random',
          nInit: 1,
          randomState: 7,
          dtype,
          tol: 0,
          maxIter: 12,
          threads: 2,
          algorithm,
        }).fit(X);
      const lloyd = fitWith('lloyd');
      const hamerly = fitWith('hamerly');
      expect(Array.from(hamerly.labels)).toEqual(Array.from(lloyd.labels));
      expect(hamerly.centroids).toEqual(lloyd.centroids);
      expect(hamerly.inertia).toBe(lloyd.inertia);
      expect(hamerly.nIter).toBe(lloyd.nIter);
    },
  );

  // d = 37, k = 6: the first pass scores by row pairs; d = 7, k = 9: by panels (k padded to 12).
  it.each([
    [37, 6],
    [7, 9],
  ])(
    "Hamerly's and Elkan's bounds hold after every pass: lower at most, upper at least the exact distances (d = %i, k = %i)",
    (d, k) => {
      const next = seededUniform(17);
      const rows = 3001;
      const kq = Math.ceil(k / 4) * 4;
      // Rows on a line as well: centres moving along it come straight at half the rows, so a
      // bound lowered by a centre's move is as tight as it can be.
      for (const method of ['hamerly', 'elkan'] as const)
        for (const [dtype, line] of [
          ['float32', false],
          ['float64', false],
          ['float32', true],
          ['float64', true],
        ] as const) {
          const values = Array.from({ length: rows * d }, (_, v) =>
            !line ? next() * 10 : v % d === 0 ? next() * 100 : 0,
          );
          const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
          const X: Matrix = { data, rows, cols: d };
          const kernels = wasmBackend.bind(X, { threads: 2 }) as WasmKernels;
          const run = kernels.startBounded(method);
          const centers = Float64Array.from(
            { length: k * d },
            (_, v) => data[(v % d) + 97 * d * Math.floor(v / d)],
          );
          const labels = new Int32Array(rows);
          const weights = new Float64Array(rows).fill(1);
          const sums = new Float64Array(k * d);
          const clusterWeights = new Float64Array(k);
          const distance = new Float64Array(k);
          for (let pass = 0; pass < 5; pass++) {
            const before = labels.slice();
            const changes = run.pass(centers, k, weights, labels, sums, clusterWeights);
            // It counts the labels it changed (strict convergence is a pass that changed none).
            expect(changes).toBe(labels.filter((label, i) => label !== before[i]).length);
            // Elkan's: a float32 bound a row and centre (k padded to four); Hamerly's: one float64
            // bound a row, on every centre but the row's own.
            const { buffers } = kernels.matrix;
            const elkan = kernels.view(Float32Array, kernels.room().elkan?.lower ?? 0, rows * kq);
            const hamerly = kernels.view(Float64Array, buffers.lower, rows);
            const upper = kernels.view(Float64Array, buffers.upper, rows);
            let loose = 0;
            for (let i = 0; i < rows; i++) {
              let nearest = 0;
              for (let j = 0; j < k; j++) {
                let sq = 0;
                for (let t = 0; t < d; t++) sq += (data[i * d + t] - centers[j * d + t]) ** 2;
                distance[j] = Math.sqrt(sq);
                if (distance[j] < distance[nearest]) nearest = j;
              }
              expect(labels[i]).toBe(nearest);
              if (!(upper[i] >= distance[nearest] * (1 - 1e-12))) loose++;
              if (method === 'elkan') {
                for (let j = 0; j < k; j++)
                  if (!(elkan[i * kq + j] <= distance[j] * (1 + 1e-12))) loose++;
                for (let j = k; j < kq; j++)
                  expect(elkan[i * kq + j]).toBe(Number.POSITIVE_INFINITY);
              } else {
                for (let j = 0; j < k; j++)
                  if (j !== nearest && !(hamerly[i] <= distance[j] * (1 + 1e-12))) loose++;
              }
            }
            expect(loose, `${method} ${dtype}${line ? ' line' : ''} pass ${pass}`).toBe(0);
            // The centres move to their clusters' means, and a little past, so the bounds decay.
            for (let j = 0; j < k; j++)
              for (let t = 0; t < d; t++)
                if (clusterWeights[j] > 0)
                  centers[j * d + t] = (sums[j * d + t] / clusterWeights[j]) * 1.01;
          }
          kernels.release();
        }
    },
  );

  it('float64 rows past the float32 scan range among others: panels keep row order and every label', () => {
    // Every 97th row is past 2^40 and is scanned in float64 between rows waiting for a panel
    // scan (d = 7, k = 9 scans by panels); the sums are added in row order either way.
    const next = seededUniform(3);
    const rows = 5000;
    const d = 7;
    const data = Float64Array.from({ length: rows * d }, () => next() * 10);
    for (let i = 0; i < rows; i += 97) data[i * d] = 3e12;
    const X: Matrix = { data, rows, cols: d };
    const init = Array.from({ length: 9 }, (_, j) =>
      Array.from(data.subarray((j + 1) * d, (j + 2) * d)),
    );
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      const options = { nClusters: 9, init, maxIter: 3, tol: 0, algorithm } as const;
      const reference = new KMeans({ ...options, backend: 'reference' }).fit(X);
      for (const threads of [1, 2]) {
        const wasm = new KMeans({ ...options, backend: 'wasm', threads }).fit(X);
        expect(Array.from(wasm.labels), `${algorithm} ${threads}`).toEqual(
          Array.from(reference.labels),
        );
        expect(wasm.centroids).toEqual(reference.centroids);
        expect(wasm.inertia).toBe(reference.inertia);
      }
    }
  });

  it('float32 rows whose products underflow float32 are assigned exactly', () => {
    // Values near 1e-22 have squares below float32's normal range: the fast scores lose their
    // low bits, so every near choice must be settled by exact distance. Grid values make ties.
    const next = seededUniform(7);
    const rows = 3000;
    const d = 8;
    const grid = Array.from({ length: rows * d }, () => Math.round(next() * 8));
    for (const scale of [1e-22, 1e-25]) {
      const X: Matrix = { data: Float32Array.from(grid, (v) => v * scale), rows, cols: d };
      const init = Array.from({ length: 12 }, (_, j) =>
        Array.from(X.data.subarray(j * d, (j + 1) * d)),
      );
      for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
        const options = {
          nClusters: 12,
          init,
          maxIter: 4,
          tol: 0,
          dtype: 'float32',
          algorithm,
        } as const;
        const a = new KMeans({ ...options, backend: 'reference' }).fit(X);
        const b = new KMeans({ ...options, backend: 'wasm', threads: 2 }).fit(X);
        expect(Array.from(b.labels), `${scale} ${algorithm}`).toEqual(Array.from(a.labels));
        expect(b.inertia).toBe(a.inertia);
      }
    }
  });

  it("bounded passes' sums, redone only where labels changed, match the reference: weights, restarts, relocated empty clusters", () => {
    // 6000 rows make 16 sum blocks; random init with many clusters empties some, whose
    // relocation changes labels between passes; weights and restarts reuse one binding.
    const { X } = makeBlobs({
      nSamples: 6000,
      nFeatures: 5,
      centers: 7,
      clusterStd: 2,
      randomState: 9,
    });
    const sampleWeight = Array.from({ length: 6000 }, (_, i) => 0.5 + ((i * 37) % 11) / 4);
    for (const dtype of ['float64', 'float32'] as const) {
      const options = {
        nClusters: 40,
        init: 'random',
        nInit: 3,
        randomState: 5,
        tol: 0,
        maxIter: 300,
        dtype,
      } as const;
      const reference = new KMeans({ ...options, backend: 'reference', algorithm: 'lloyd' }).fit(
        X,
        {
          sampleWeight,
        },
      );
      for (const [algorithm, threads] of [
        ['hamerly', 1],
        ['hamerly', 2],
        ['elkan', 2],
      ] as const) {
        const km = new KMeans({ ...options, backend: 'wasm', algorithm, threads }).fit(X, {
          sampleWeight,
        });
        const what = `${dtype} ${algorithm} ${threads}`;
        expect(Array.from(km.labels), what).toEqual(Array.from(reference.labels));
        expect(km.centroids).toEqual(reference.centroids);
        expect(km.inertia).toBe(reference.inertia);
        expect(km.nIter).toBe(reference.nIter);
      }
    }
  });

  it('float64 values whose squares overflow are finite: they fit, as in the reference', () => {
    // The fast finite check reads row norms; 1e200 squared is infinite, so it must defer to the
    // exact check rather than reject X.
    const rows = [
      [1e200, 0],
      [1e200, 1],
      [0, 0],
      [1, 1],
      [-1e200, 5],
      [2, 2],
    ];
    const options = {
      nClusters: 3,
      init: [
        [1e200, 0],
        [0, 0],
        [-1e200, 5],
      ],
      maxIter: 5,
    };
    const a = new KMeans({ ...options, backend: 'reference' }).fit(rows);
    const b = new KMeans({ ...options, backend: 'wasm' }).fit(rows);
    expect(Array.from(b.labels)).toEqual([0, 0, 1, 1, 2, 1]);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    expect(b.inertia).toBe(4.5);
  });

  it('float32 values too large for float32 products take the exact path, with the same results', () => {
    const rows = 3000;
    const d = 9;
    const data = new Float32Array(rows * d);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 101) - 50;
    // Rows past 2^40 in value: their squared norms pass 2^80, and x·c would overflow float32.
    for (let i = 0; i < rows; i += 50) data[i * d + (i % d)] = 3e25;
    const X: Matrix = { data, rows, cols: d };
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      const options = { nClusters: 8, randomState: 3, dtype: 'float32', algorithm } as const;
      const a = new KMeans({ ...options, backend: 'reference' }).fit(X);
      const b = new KMeans({ ...options, backend: 'wasm', threads: 2 }).fit(X);
      expect(Array.from(b.labels), algorithm).toEqual(Array.from(a.labels));
      expect(b.centroids).toEqual(a.centroids);
      expect(b.inertia).toBe(a.inertia);
      expect(Number.isFinite(b.inertia)).toBe(true);
    }
    compareKernels(referenceBackend, wasmBackend, X, 5, 1);
    // x·c overflows float32 for the far centre, whose fast score would then be -Infinity: the
    // row (1e20, 0, ...) is nearest the origin, not the centre (1e19, 1e30, ...).
    const far = new Float32Array(rows * d);
    far.set(data);
    far.fill(0, 0, d);
    far[0] = 1e20;
    const init = [Array.from({ length: d }, (_, t) => (t === 0 ? 1e19 : t === 1 ? 1e30 : 0))];
    init.push(new Array(d).fill(0), new Array(d).fill(-1e6));
    const options = { nClusters: 3, init, maxIter: 1, dtype: 'float32' } as const;
    const exact = new KMeans({ ...options, backend: 'reference' }).fit({ ...X, data: far });
    const fast = new KMeans({ ...options, backend: 'wasm' }).fit({ ...X, data: far });
    expect(exact.labels[0]).toBe(1);
    expect(Array.from(fast.labels)).toEqual(Array.from(exact.labels));
  });

  it("Hamerly's and Elkan's bounds match the golden fixtures, with threads", () => {
    const golden = kmeansGolden();
    for (const algorithm of ['hamerly', 'elkan'] as const) {
      for (const c of golden.cases) {
        const km = new KMeans({
          nClusters: c.k,
          init: c.init,
          maxIter: c.maxIter,
          tol: c.tol,
          algorithm,
          threads: 2,
        });
        km.fit(golden.datasets[c.data], { sampleWeight: c.sampleWeight ?? undefined });
        expect(Array.from(km.labels), `${algorithm} ${c.name}`).toEqual(c.labels);
        expect(km.nIter, c.name).toBe(c.nIter);
        expect(Math.abs(km.inertia - c.inertia) / c.inertia, c.name).toBeLessThan(1e-9);
      }
    }
  });

  it('matches the golden fixtures in float32 closely (labels equal on iris)', () => {
    const golden = kmeansGolden();
    const c = golden.cases[0];
    const km = new KMeans({ nClusters: c.k, init: c.init, dtype: 'float32' }).fit(
      golden.datasets[c.data],
    );
    expect(Array.from(km.labels)).toEqual(c.labels);
    expect(Math.abs(km.inertia - c.inertia) / c.inertia).toBeLessThan(1e-5);
  });

  it('runs the kernels build this test project asks for (vitest.config.ts runs both)', () => {
    // Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd; Node >= 22 always.
    const major = Number(process.versions.node.split('.')[0]);
    const expected = process.env.LLOYD_EXPECT_KERNELS ?? (major >= 22 ? 'relaxed-simd' : 'simd128');
    expect(wasmKernelVariant()).toBe(expected);
  });

  it("'auto' picks the native backend where it loads, else WebAssembly", () => {
    expect(new KMeans({ nClusters: 2 }).options.backend.name).toBe(
      loadNativeKernels() ? 'native' : 'wasm',
    );
    expect(() => new KMeans({ backend: 'gpu' as 'wasm' })).toThrow(
      /^backend: must be 'auto', 'native', 'wasm', 'reference'/,
    );
  });
});

describe.runIf(wasmSimdSupported())('threads', () => {
  it('give identical results for 1, 2 and 3 threads and the reference backend', () => {
    const { datasets } = kmeansGolden();
    // More rows than one sum block, so blocks are split across threads.
    const X = [...datasets.digits, ...datasets.digits, ...datasets.digits].map((row, i) =>
      row.map((v) => v + (i % 7) * 0.01),
    );
    for (const dtype of ['float64', 'float32'] as const) {
      const fits = (['reference', 1, 2, 3] as const).map((threads) =>
        new KMeans({
          nClusters: 12,
          randomState: 5,
          dtype,
          backend: threads === 'reference' ? 'reference' : 'wasm',
          threads: threads === 'reference' ? 1 : threads,
        }).fit(X),
      );
      for (const km of fits.slice(1)) {
        expect(Array.from(km.labels)).toEqual(Array.from(fits[0].labels));
        expect(km.centroids).toEqual(fits[0].centroids);
        expect(km.inertia).toBe(fits[0].inertia);
        expect(km.nIter).toBe(fits[0].nIter);
      }
    }
  });

  it("a new pool's runs go ahead while its workers start, and workers join later runs: same results", async () => {
    const { closePools } = await import('../src/advanced.js');
    const { acquireRuntime } = await import('../src/kernels/wasm/runtime.js');
    const { datasets } = kmeansGolden();
    const X = [...datasets.digits, ...datasets.digits].map((row, i) =>
      row.map((v) => v + i * 1e-3),
    );
    const estimator = (threads: number, backend: 'wasm' | 'reference' = 'wasm') =>
      new KMeans({ nClusters: 9, randomState: 2, threads, backend });
    const expected = estimator(1, 'reference').fit(X);
    for (let round = 0; round < 4; round++) {
      await closePools(); // a fresh pool each round: its workers join at whatever run they reach
      const km = estimator(3).fit(X);
      expect(Array.from(km.labels)).toEqual(Array.from(expected.labels));
      expect(km.centroids).toEqual(expected.centroids);
      expect(km.nIter).toBe(expected.nIter);
    }
    // Many tiny runs straight after the pool starts, each with its own input and output: a worker
    // that wakes late must never run a chunk of the wrong run, nor one after its run ended.
    await closePools();
    const runtime = acquireRuntime(3);
    try {
      const rows = 8000;
      const d = 8;
      const runs = 50;
      const inputAt = (r: number) => 65536 + r * rows * d * 4;
      const outputAt = (r: number) => inputAt(runs) + r * rows * 8;
      runtime.reserve(outputAt(runs));
      const normsOf = (r: number) => new Float64Array(runtime.memory.buffer, outputAt(r), rows);
      for (let r = 0; r < runs; r++) {
        new Float32Array(runtime.memory.buffer, inputAt(r), rows * d).fill(r + 1);
        runtime.run('rowSqNormsF32', rows, 64, { x: inputAt(r), d, out: outputAt(r) });
        expect(normsOf(r).every((v) => v === d * (r + 1) ** 2)).toBe(true);
      }
      for (let r = 0; r < runs; r++)
        expect(normsOf(r).every((v) => v === d * (r + 1) ** 2)).toBe(true);
    } finally {
      runtime.release();
    }
  });

  it('a bounded pass counts the labels it changed on every thread: the counts of all chunks are added', async () => {
    const next = seededUniform(29);
    // Many sum blocks, each long enough that a worker woken for the run takes some.
    const rows = 60_000;
    const d = 24;
    const k = 40;
    const data = Float32Array.from({ length: rows * d }, () => next() * 10);
    const X: Matrix = { data, rows, cols: d };
    const weights = new Float64Array(rows).fill(1);
    for (const threads of [2, 3])
      for (const method of ['hamerly', 'elkan'] as const) {
        const kernels = wasmBackend.bind(X, { threads });
        // Workers start in tens of milliseconds; until then the caller's thread takes every chunk.
        await new Promise((resolve) => setTimeout(resolve, 150));
        try {
          for (let round = 0; round < 3; round++) {
            const centers = Float64Array.from({ length: k * d }, () => next() * 10);
            const labels = new Int32Array(rows).fill(-1);
            const sums = new Float64Array(k * d);
            const clusterWeights = new Float64Array(k);
            // A new run each round: its first pass scans every row (and changes every -1 label).
            const run = kernels.startBounded?.(method);
            const pass = () => run?.pass(centers, k, weights, labels, sums, clusterWeights);
            expect(pass(), `${method}, ${threads} threads, round ${round}`).toBe(rows);
            const before = labels.slice();
            for (let v = 0; v < k * d; v++) centers[v] += (next() - 0.5) * 2;
            expect(pass()).toBe(labels.filter((label, i) => label !== before[i]).length);
          }
        } finally {
          kernels.release();
        }
      }
  });

  it("the caller's-thread weighted sum carries its state across pieces: the same bits as one sum", async () => {
    const { acquireRuntime } = await import('../src/kernels/wasm/runtime.js');
    const next = seededUniform(17);
    const n = 1003; // not a multiple of the SIMD width, and split into uneven pieces below
    const values = Float64Array.from({ length: n }, () => (next() - 0.3) * 10 ** (next() * 12));
    const weights = Float64Array.from({ length: n }, () => next() * 3);
    for (const threads of [1, 2]) {
      const runtime = acquireRuntime(threads);
      try {
        const at = { values: 65536, weights: 65536 + n * 8, state: 65536 + 2 * n * 8 };
        runtime.reserve(at.state + 16);
        const { buffer } = runtime.memory;
        new Float64Array(buffer, at.values, n).set(values);
        new Float64Array(buffer, at.weights, n).set(weights);
        new Float64Array(buffer, at.state, 2).fill(0);
        for (const [start, end] of [
          [0, 1],
          [1, 514],
          [514, 515],
          [515, n],
        ]) {
          runtime.call(
            'weightedSumF64',
            { values: at.values, weights: at.weights, state: at.state },
            start,
            end,
          );
        }
        const [sum, compensation] = new Float64Array(runtime.memory.buffer, at.state, 2);
        expect(sum + compensation).toBe(compensatedWeightedSum(values, weights));
      } finally {
        runtime.release();
      }
    }
  });

  it('a kernel that fails on a thread is an error, not a hang; the pool still works after', async () => {
    const { acquireRuntime } = await import('../src/kernels/wasm/runtime.js');
    const runtime = acquireRuntime(2);
    try {
      expect(runtime.threads).toBe(2);
      runtime.reserve(1 << 20);
      // Rows far past the end of memory: every chunk traps, on every thread.
      expect(() =>
        runtime.run('rowSqNormsF32', 4000, 10, { x: 2 ** 31, d: 4, out: 65536 }),
      ).toThrow();
      new Float32Array(runtime.memory.buffer, 65536, 16000).fill(1);
      runtime.run('rowSqNormsF32', 4000, 10, { x: 65536, d: 4, out: 65536 + 64000 });
      const norms = new Float64Array(runtime.memory.buffer, 65536 + 64000, 4000);
      expect(norms.every((v) => v === 4)).toBe(true);
    } finally {
      runtime.release();
    }
  });

  it('never keep a Node process alive', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import { KMeans, makeBlobs } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const { X } = makeBlobs({ nSamples: 20000, nFeatures: 8, centers: 4 });
      const km = new KMeans({ nClusters: 4, threads: 2, randomState: 0 }).fit(X);
      console.log(km.nIter > 0 ? 'fitted' : 'no');
    `;
    const started = Date.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.trim()).toBe('fitted');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
