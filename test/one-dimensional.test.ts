import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// fitAsync starts its worker from the built module beside it, so its test uses the build.
import { KMeans as BuiltKMeans } from '../dist/index.js';
import { ckmeans, KMeans, matrixRows, ValidationError } from '../src/index.js';

describe('fit on one number per row', () => {
  it('takes a plain array and a 1-D typed array as n x 1, as rows of one value', () => {
    const values = [1, 2, 10, 11, 30, 31];
    const asRows = new KMeans({ nClusters: 3, randomState: 0 }).fit(values.map((v) => [v]));
    for (const X of [values, Float64Array.from(values), Float32Array.from(values)]) {
      const km = new KMeans({ nClusters: 3, randomState: 0 }).fit(X);
      expect(km.nFeatures).toBe(1);
      expect(Array.from(km.labels)).toEqual(Array.from(asRows.labels));
      expect(km.centroids).toEqual(asRows.centroids);
      expect(km.inertia).toBe(asRows.inertia);
      expect(Array.from(km.predict([0, 12, 40]))).toEqual(
        Array.from(asRows.predict([[0], [12], [40]])),
      );
    }
    expect(values).toEqual([1, 2, 10, 11, 30, 31]);
  });

  it('takes 1-D starting centres', () => {
    const km = new KMeans({ nClusters: 2, init: [0, 20] }).fit([1, 2, 10, 11]);
    expect(km.centroids).toEqual([[1.5], [10.5]]);
    expect(km.inertia).toBe(1);
  });
});

describe("algorithm: 'optimal-1d'", () => {
  const values = [3.1, 9.7, 1.2, 15, 14.2, 2.5, 8.8, 30, 10.1, 16.4, 29.5, 0.4];

  it('finds the optimum ckmeans finds, clusters numbered by ascending centre', () => {
    const km = new KMeans({ nClusters: 4, algorithm: 'optimal-1d' }).fit(values);
    const exact = ckmeans(values, 4);
    expect(km.centroids).toEqual(exact.centers.map((c) => [c]));
    expect(Array.from(km.labels)).toEqual(Array.from(exact.labels));
    expect(km.inertia).toBeCloseTo(exact.inertia, 12);
    expect(km.nIter).toBe(0);
    expect(km.converged).toBe(true);
    expect(Array.from(km.predict(values))).toEqual(Array.from(km.labels));
    const restored = KMeans.fromJSON(km.toJSON());
    expect(restored.centroids).toEqual(km.centroids);
  });

  it("is never worse than Lloyd's local search, and often better", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -500, max: 500 }), { minLength: 6, maxLength: 40 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        (X, k, seed) => {
          const optimal = new KMeans({ nClusters: k, algorithm: 'optimal-1d' }).fit(X);
          const lloyd = new KMeans({ nClusters: k, randomState: seed, nInit: 1 }).fit(X);
          expect(optimal.inertia).toBeLessThanOrEqual(lloyd.inertia * (1 + 1e-12) + 1e-9);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('weighs rows: weight 2 is a repeated row; weight 0 rows go to the nearest centre', () => {
    const weighted = new KMeans({ nClusters: 2, algorithm: 'optimal-1d' }).fit([0, 1, 6, 10], {
      sampleWeight: [1, 2, 1, 1],
    });
    const repeated = new KMeans({ nClusters: 2, algorithm: 'optimal-1d' }).fit([0, 1, 1, 6, 10]);
    expect(weighted.centroids).toEqual(repeated.centroids);
    expect(weighted.inertia).toBeCloseTo(repeated.inertia, 12);
    const zero = new KMeans({ nClusters: 2, algorithm: 'optimal-1d' }).fit([0, 1, 4, 9, 10], {
      sampleWeight: [1, 1, 0, 1, 1],
    });
    expect(zero.centroids).toEqual([[0.5], [9.5]]);
    expect(Array.from(zero.labels)).toEqual([0, 0, 0, 1, 1]);
  });

  it('gives the same model through fitAsync', async () => {
    const options = { nClusters: 3, algorithm: 'optimal-1d' } as const;
    const sync = new KMeans(options).fit(values);
    const async = await new BuiltKMeans(options).fitAsync(values);
    expect(async.centroids).toEqual(sync.centroids);
    expect(Array.from(async.labels)).toEqual(Array.from(sync.labels));
    expect(async.inertia).toBe(sync.inertia);
  });

  it('refuses X of several columns, other metrics, too few distinct values, X not in memory', () => {
    const message = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        if (error instanceof ValidationError) return error.message;
      }
      throw new Error('expected a ValidationError');
    };
    expect(
      message(() =>
        new KMeans({ nClusters: 2, algorithm: 'optimal-1d' }).fit([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe("algorithm: 'optimal-1d' clusters one feature; X has 2 columns (use 'auto' for more)");
    expect(message(() => new KMeans({ algorithm: 'optimal-1d', metric: 'cosine' }))).toBe(
      "algorithm: 'optimal-1d' minimises squared euclidean distances; it needs metric 'euclidean', got 'cosine'",
    );
    expect(
      message(() => new KMeans({ nClusters: 3, algorithm: 'optimal-1d' }).fit([1, 1, 2, 2])),
    ).toBe(
      "nClusters: algorithm 'optimal-1d' needs at least nClusters distinct values of positive weight; X has 2, nClusters is 3",
    );
    expect(
      message(() => new KMeans({ nClusters: 5, algorithm: 'optimal-1d' }).fit([1, 2, 3])),
    ).toBe('nClusters: must be at most the number of rows of X (3); got 5');
    const source = matrixRows({ data: Float64Array.of(1, 2, 3), rows: 3, cols: 1 });
    expect(message(() => new KMeans({ nClusters: 2, algorithm: 'optimal-1d' }).fit(source))).toBe(
      "algorithm: 'optimal-1d' sorts X, so X must be in memory; load X whole (loadFile)",
    );
  });
});
