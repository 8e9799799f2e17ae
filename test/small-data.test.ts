import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KMeans, makeBlobs } from '../src/index.js';
import { referenceBackend } from '../src/kernels/reference/index.js';
import { resolveBackend } from '../src/kernels/select.js';
import {
  SMALL_DATA_MAX_VALUES,
  SMALL_DATA_MAX_VALUES_WIDE,
  smallDataBackend,
  smallEnough,
} from '../src/kernels/small-data.js';
import { wasmSimdSupported } from '../src/kernels/wasm/backend.js';
import { expectSame } from './helpers/same-fit.js';
import { randomMatrix } from './helpers/seeded.js';

describe('the small-data kernels', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`assign and sum as the reference kernels do, bit for bit (${dtype})`, () => {
      fc.assert(
        fc.property(
          // Past 256 rows the sums run in several blocks.
          fc.integer({ min: 1, max: 700 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 12 }),
          fc.boolean(),
          fc.boolean(),
          fc.nat(),
          (rows, cols, k, grid, weighted, seed) => {
            const X = randomMatrix(rows, cols, grid, seed, dtype);
            const centres = randomMatrix(k, cols, grid, seed + 7, 'float64').data as Float64Array;
            const weights = Float64Array.from({ length: rows }, (_, i) =>
              weighted ? 0.5 + (i % 4) * 0.75 : 1,
            );
            const small = smallDataBackend.bind(X);
            const reference = referenceBackend.bind(X);
            const expectedLabels = new Int32Array(rows);
            const expectedDistances = new Float64Array(rows);
            reference.assign('sqeuclidean', centres, k, expectedLabels, expectedDistances);
            const labels = new Int32Array(rows);
            const distances = new Float64Array(rows);
            small.assign('sqeuclidean', centres, k, labels, distances);
            expect(labels).toEqual(expectedLabels);
            expect(distances).toEqual(expectedDistances);

            const expectedSums = new Float64Array(k * cols);
            const expectedWeights = new Float64Array(k);
            reference.sumByCluster(weights, expectedLabels, k, expectedSums, expectedWeights);
            const sums = new Float64Array(k * cols).fill(Number.NaN);
            const clusterWeights = new Float64Array(k).fill(Number.NaN);
            labels.fill(-1);
            distances.fill(-1);
            small.assignAndSum?.(centres, k, weights, labels, distances, sums, clusterWeights);
            expect(labels).toEqual(expectedLabels);
            expect(distances).toEqual(expectedDistances);
            expect(sums).toEqual(expectedSums);
            expect(clusterWeights).toEqual(expectedWeights);
            // Without distances, the same labels and sums.
            small.assignAndSum?.(centres, k, weights, labels, null, sums, clusterWeights);
            expect(labels).toEqual(expectedLabels);
            expect(sums).toEqual(expectedSums);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('give whole fits equal to the reference backend and to WebAssembly, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        (rows, cols, k, grid, weighted, seed) => {
          fc.pre(rows >= k);
          const X = randomMatrix(rows, cols, grid, seed, 'float64');
          const sampleWeight = weighted
            ? Array.from({ length: rows }, (_, i) => 0.5 + (i % 4))
            : undefined;
          const options = { nClusters: k, randomState: seed % 2 ** 32, nInit: 2 } as const;
          const reference = new KMeans({ ...options, backend: 'reference' }).fit(X, {
            sampleWeight,
          });
          const auto = new KMeans(options).fit(X, { sampleWeight });
          expectSame(auto, reference, `${rows}x${cols} k=${k}`);
          expect(Array.from(auto.predict(X))).toEqual(Array.from(reference.predict(X)));
          if (wasmSimdSupported()) {
            const wasm = new KMeans({ ...options, backend: 'wasm' }).fit(X, { sampleWeight });
            expectSame(auto, wasm, `${rows}x${cols} k=${k}, wasm`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("'auto' by size", () => {
  it('binds small matrices to the small-data kernels and larger ones to the backend it names', () => {
    expect(smallEnough(SMALL_DATA_MAX_VALUES / 2, 2)).toBe(true);
    expect(smallEnough(SMALL_DATA_MAX_VALUES / 2 + 1, 2)).toBe(false);
    expect(smallEnough(SMALL_DATA_MAX_VALUES_WIDE / 8, 8)).toBe(true);
    expect(smallEnough(SMALL_DATA_MAX_VALUES_WIDE / 8 + 1, 8)).toBe(false);
    const auto = resolveBackend('auto');
    const small = auto.bind(randomMatrix(SMALL_DATA_MAX_VALUES / 2, 2, false, 1, 'float64'));
    expect(small.startBounded).toBeUndefined();
    expect(small.assignAndSum).toBeDefined();
    small.release();
    expect(auto.allocate?.(SMALL_DATA_MAX_VALUES / 2, 2, 'float64')).toBeUndefined();
    if (!wasmSimdSupported()) return;
    expect(['native', 'wasm']).toContain(auto.name);
    const large = auto.bind(randomMatrix(SMALL_DATA_MAX_VALUES / 2 + 1, 2, false, 1, 'float64'));
    expect(large.startBounded).toBeDefined();
    large.release();
  });

  it('fits either side of the size with the same result as the backend it names', () => {
    if (!wasmSimdSupported()) return;
    const named = resolveBackend('auto').name as 'native' | 'wasm';
    for (const rows of [SMALL_DATA_MAX_VALUES / 2, SMALL_DATA_MAX_VALUES / 2 + 1]) {
      const { X } = makeBlobs({ nSamples: rows, centers: 9, randomState: 3 });
      const options = { nClusters: 9, randomState: 5, algorithm: 'auto' } as const;
      const auto = new KMeans(options).fit(X);
      const direct = new KMeans({ ...options, backend: named }).fit(X);
      expectSame(auto, direct, `${rows} rows`);
    }
  });

  it('refits from explicit centres without drawing a seed, with the same result each time', () => {
    const { X } = makeBlobs({ nSamples: 300, centers: 3, randomState: 1 });
    const init = [
      [0, 0],
      [1, 1],
      [2, 2],
    ];
    const first = new KMeans({ nClusters: 3, init, nInit: 1 }).fit(X);
    const again = new KMeans({ nClusters: 3, init: first.centroids, nInit: 1 }).fit(X);
    expect(again.nIter).toBe(1);
    expect(again.centroids).toEqual(first.centroids);
    expect(Array.from(again.labels)).toEqual(Array.from(first.labels));
  });
});
