import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KernelBackend, referenceBackend, wasmBackend } from '../src/advanced.js';
import {
  KMeans,
  type Matrix,
  makeBlobs,
  ValidationError,
  wasmSimdSupported,
} from '../src/index.js';
import { initStrategy } from '../src/kmeans/init.js';
import { type MetricName, metricStrategy } from '../src/kmeans/metric-strategies.js';
import { Random } from '../src/random.js';
import { matrixRows } from '../src/row-source.js';

/** k-means|| centres for X (already prepared for the metric), k x cols, as a fit would get them. */
function kMeansParallelCenters(
  X: Matrix,
  k: number,
  options: {
    seed: number;
    backend?: KernelBackend;
    threads?: number;
    weights?: Float64Array;
    metric?: MetricName;
  },
): Float64Array {
  const backend = options.backend ?? referenceBackend;
  const kernels = backend.bind(X, { threads: options.threads ?? 1 });
  try {
    return initStrategy('k-means||').choose({
      X,
      readRows: (indices) => {
        const out = new Float64Array(indices.length * X.cols);
        indices.forEach((row, j) => {
          out.set(X.data.subarray(row * X.cols, (row + 1) * X.cols), j * X.cols);
        });
        return out;
      },
      kernels,
      k,
      weights: options.weights ?? new Float64Array(X.rows).fill(1),
      rng: new Random(options.seed),
      metric: metricStrategy(options.metric ?? 'euclidean'),
      bind: (matrix) => backend.bind(matrix, { threads: options.threads ?? 1 }),
    });
  } finally {
    kernels.release();
  }
}

/** The rows of a k x cols array, as arrays. */
function rowsOf(centers: Float64Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let j = 0; j < centers.length / cols; j++)
    out.push(Array.from(centers.subarray(j * cols, (j + 1) * cols)));
  return out;
}

/** Index of the row of `points` nearest to `x`. */
function nearest(points: Matrix, x: ArrayLike<number>): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let j = 0; j < points.rows; j++) {
    let d = 0;
    for (let t = 0; t < points.cols; t++) d += (points.data[j * points.cols + t] - x[t]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = j;
    }
  }
  return best;
}

describe("init: 'k-means||'", () => {
  it('finds every blob of well-separated blobs, with k distinct centres', () => {
    const { X, centers } = makeBlobs({
      nSamples: 3000,
      nFeatures: 4,
      centers: 12,
      clusterStd: 0.5,
      centerBox: 100,
      randomState: 5,
    });
    for (const seed of [0, 1, 2]) {
      const chosen = rowsOf(kMeansParallelCenters(X, 12, { seed }), 4);
      expect(new Set(chosen.map((c) => c.join())).size).toBe(12);
      expect(new Set(chosen.map((c) => nearest(centers, c))).size).toBe(12);
    }
    const km = new KMeans({ nClusters: 12, init: 'k-means||', randomState: 4 }).fit(X);
    const blobOf = rowsOf(Float64Array.from(km.centroids.flat()), 4).map((c) =>
      nearest(centers, c),
    );
    expect(new Set(blobOf).size).toBe(12);
    expect(km.nIter).toBeLessThanOrEqual(3);
  });

  it('gives the same centres on every run', () => {
    const { X } = makeBlobs({ nSamples: 2000, nFeatures: 3, centers: 5, randomState: 1 });
    const a = kMeansParallelCenters(X, 9, { seed: 11 });
    expect(kMeansParallelCenters(X, 9, { seed: 11 })).toEqual(a);
    expect(kMeansParallelCenters(X, 9, { seed: 12 })).not.toEqual(a);
  });

  it.runIf(wasmSimdSupported()).each(['float64', 'float32'] as const)(
    'gives the same bits on both backends and any thread count (%s)',
    (dtype) => {
      // 300,000 values: enough for the WebAssembly backend to use its threads.
      const { X } = makeBlobs({
        nSamples: 30_000,
        nFeatures: 10,
        centers: 8,
        clusterStd: 2,
        randomState: 3,
        dtype,
      });
      const expected = kMeansParallelCenters(X, 40, { seed: 5, backend: referenceBackend });
      for (const threads of [1, 2])
        expect(kMeansParallelCenters(X, 40, { seed: 5, backend: wasmBackend, threads })).toEqual(
          expected,
        );
      const fits = (['reference', 'wasm'] as const).flatMap((backend) =>
        [1, 2].map((threads) =>
          new KMeans({
            nClusters: 40,
            init: 'k-means||',
            randomState: 9,
            // A few iterations: the backends' Lloyd runs agree anyway; the init is checked here.
            maxIter: 3,
            dtype,
            backend,
            threads,
          }).fit(X),
        ),
      );
      for (const fit of fits.slice(1)) {
        expect(fit.centroids).toEqual(fits[0].centroids);
        expect(Array.from(fit.labels)).toEqual(Array.from(fits[0].labels));
        expect(fit.inertia).toBe(fits[0].inertia);
      }
    },
  );

  it('draws no centre from rows of weight 0, and weighs the rest', () => {
    const { X, y, centers } = makeBlobs({
      nSamples: 2000,
      nFeatures: 2,
      centers: 4,
      clusterStd: 0.3,
      centerBox: 50,
      randomState: 8,
    });
    const weights = Float64Array.from(y, (blob) => (blob === 0 ? 0 : 0.5 + (blob % 2)));
    for (const seed of [0, 1, 2, 3]) {
      const chosen = rowsOf(kMeansParallelCenters(X, 3, { seed, weights }), 2);
      expect(new Set(chosen.map((c) => nearest(centers, c)))).toEqual(new Set([1, 2, 3]));
    }
    const km = new KMeans({ nClusters: 3, init: 'k-means||', randomState: 1 }).fit(X, {
      sampleWeight: weights,
    });
    expect(new Set(km.centroids.map((c) => nearest(centers, c)))).toEqual(new Set([1, 2, 3]));
  });

  it('with k = n distinct rows, makes every row a centre (filling up by k-means++ draws)', () => {
    // Costs so skewed that two rounds leave the smallest rows undrawn.
    const X: Matrix = {
      rows: 12,
      cols: 1,
      data: Float64Array.from({ length: 12 }, (_, i) => 2 ** i),
    };
    for (const seed of [0, 1, 2, 3, 4]) {
      const chosen = Array.from(kMeansParallelCenters(X, 12, { seed })).sort((a, b) => a - b);
      expect(chosen).toEqual(Array.from(X.data));
    }
  });

  it('with fewer distinct rows than k, repeats a centre and the fit still runs', () => {
    const rows = [
      [0, 0],
      [5, 1],
      [9, 9],
      [-4, 2],
      [3, -7],
    ];
    const X: Matrix = {
      rows: 20,
      cols: 2,
      data: Float64Array.from(Array.from({ length: 20 }, (_, i) => rows[i % 5]).flat()),
    };
    const chosen = rowsOf(kMeansParallelCenters(X, 8, { seed: 3 }), 2);
    expect(chosen).toHaveLength(8);
    expect(new Set(chosen.map((c) => c.join()))).toEqual(new Set(rows.map((r) => r.join())));
    const km = new KMeans({ nClusters: 8, init: 'k-means||', randomState: 3 }).fit(X);
    expect(km.inertia).toBe(0);
  });

  it.runIf(wasmSimdSupported())(
    'fits X read pass by pass (a RowSource) as it fits X in memory, bit for bit',
    () => {
      const { X } = makeBlobs({ nSamples: 20_000, nFeatures: 6, centers: 7, randomState: 2 });
      for (const metric of ['euclidean', 'cosine'] as const) {
        const options = { nClusters: 25, init: 'k-means||', randomState: 6, metric } as const;
        const inMemory = new KMeans(options).fit(X);
        const streamed = new KMeans(options).fit(matrixRows(X));
        expect(streamed.centroids).toEqual(inMemory.centroids);
        expect(Array.from(streamed.labels)).toEqual(Array.from(inMemory.labels));
        expect(streamed.inertia).toBe(inMemory.inertia);
      }
    },
  );

  it('runs with every metric, one restart by default', () => {
    const { X } = makeBlobs({ nSamples: 600, nFeatures: 3, centers: 4, randomState: 7 });
    for (const metric of ['euclidean', 'manhattan', 'cosine'] as const) {
      const km = new KMeans({ nClusters: 6, init: 'k-means||', metric, randomState: 2 }).fit(X);
      expect(km.centroids).toHaveLength(6);
      expect(km.centroids.flat().every(Number.isFinite)).toBe(true);
      if (metric === 'cosine')
        for (const c of km.centroids) expect(Math.hypot(...c)).toBeCloseTo(1, 12);
    }
    expect(initStrategy('k-means||').autoRestarts).toBe(1);
  });

  it('names k-means|| among the inits when the name is wrong', () => {
    const wrong = () => new KMeans({ nClusters: 2, init: 'k-means|' as 'k-means||' });
    expect(wrong).toThrow(ValidationError);
    expect(wrong).toThrow(/unknown init "k-means\|".*'k-means\|\|'/);
    expect(() =>
      new KMeans({ nClusters: 5, init: 'k-means||' }).fit([
        [1, 2],
        [3, 4],
      ]),
    ).toThrow(/nClusters: must be at most the number of rows of X \(2\); got 5/);
  });

  it('property: k rows of X, distinct where X has k distinct rows, the same for the same seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((cols) =>
          fc.tuple(
            fc.constant(cols),
            fc.array(
              fc.array(fc.integer({ min: -50, max: 50 }), { minLength: cols, maxLength: cols }),
              {
                minLength: 1,
                maxLength: 40,
              },
            ),
          ),
        ),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<MetricName>('euclidean', 'manhattan'),
        fc.nat(),
        ([cols, values], kWanted, metric, seed) => {
          const X: Matrix = { rows: values.length, cols, data: Float64Array.from(values.flat()) };
          const k = Math.min(kWanted, X.rows);
          const weights = Float64Array.from(values, (_, i) => (i % 3) + 0.5);
          const a = kMeansParallelCenters(X, k, { seed, weights, metric });
          expect(a).toHaveLength(k * cols);
          expect(kMeansParallelCenters(X, k, { seed, weights, metric })).toEqual(a);
          // Each centre is a row of X (as many distinct ones as X has, up to k).
          const rowKeys = new Set(values.map((row) => row.join()));
          const chosen = rowsOf(a, cols).map((c) => c.join());
          for (const c of chosen) expect(rowKeys.has(c)).toBe(true);
          expect(new Set(chosen).size).toBe(Math.min(k, rowKeys.size));
        },
      ),
      { numRuns: 200 },
    );
  });
});
