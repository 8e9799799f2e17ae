import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KMeans } from '../src/index.js';

/** Objective of one cluster under the metric, at its optimal centre, computed the plain way. */
function clusterCost(points: number[][], metric: 'manhattan' | 'cosine'): number {
  if (points.length === 0) return 0;
  const d = points[0].length;
  if (metric === 'manhattan') {
    let cost = 0;
    for (let t = 0; t < d; t++) {
      const values = points.map((p) => p[t]).sort((a, b) => a - b);
      const m =
        values.length % 2
          ? values[values.length >> 1]
          : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
      cost += values.reduce((acc, v) => acc + Math.abs(v - m), 0);
    }
    return cost;
  }
  const units = points.map((p) => {
    const n = Math.hypot(...p);
    return p.map((v) => v / n);
  });
  const sum = Array.from({ length: d }, (_, t) => units.reduce((acc, u) => acc + u[t], 0));
  // The best unit centre is the normalised sum, scoring |sum| in total cosine similarity.
  return units.length - Math.hypot(...sum);
}

/** The global optimum over every assignment of the rows to k clusters (tiny n only). */
function bruteForceOptimum(X: number[][], k: number, metric: 'manhattan' | 'cosine'): number {
  let best = Number.POSITIVE_INFINITY;
  const labels = new Array<number>(X.length).fill(0);
  const visit = (i: number): void => {
    if (i === X.length) {
      let cost = 0;
      for (let j = 0; j < k; j++)
        cost += clusterCost(
          X.filter((_, r) => labels[r] === j),
          metric,
        );
      best = Math.min(best, cost);
      return;
    }
    for (let j = 0; j < k; j++) {
      labels[i] = j;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

const tinyRows = fc.integer({ min: 1, max: 3 }).chain((d) =>
  fc.array(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: d, maxLength: d }), {
    minLength: 2,
    maxLength: 7,
  }),
);

describe('k-medians (manhattan) and spherical k-means (cosine) against a brute-force oracle', () => {
  for (const metric of ['manhattan', 'cosine'] as const) {
    it(`${metric}: the fit is a fixed point whose objective is what the oracle computes, never below the optimum`, () => {
      fc.assert(
        fc.property(tinyRows, fc.integer({ min: 1, max: 3 }), fc.nat(), (rows, k, seed) => {
          const X = metric === 'cosine' ? rows.filter((r) => r.some((v) => v !== 0)) : rows;
          fc.pre(X.length >= k);
          const km = new KMeans({ nClusters: k, metric, randomState: seed, nInit: 3 }).fit(X);
          const members = km.clusters().map((rowsOf) => rowsOf.map((i) => X[i]));
          const oracle = members.reduce((acc, pts) => acc + clusterCost(pts, metric), 0);
          const optimum = bruteForceOptimum(X, k, metric);
          // The centroids are optimal for the labels (objective equals the oracle's for that partition)
          // unless the last step stopped on tolerance; the total is never below the global optimum.
          expect(km.inertia).toBeGreaterThanOrEqual(optimum - 1e-9);
          if (km.converged) expect(km.inertia).toBeCloseTo(oracle, 9);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('manhattan: the update is the coordinate-wise median, and inertia the sum of L1 distances', () => {
    const X = [
      [0, 0],
      [1, 10],
      [2, 20],
      [100, 100],
      [101, 103],
      [104, 101],
      [103, 107],
    ];
    const km = new KMeans({
      nClusters: 2,
      metric: 'manhattan',
      init: [
        [0, 0],
        [100, 100],
      ],
    }).fit(X);
    expect(km.centroids).toEqual([
      [1, 10],
      [102, 102],
    ]);
    expect(km.inertia).toBe(1 + 10 + 1 + 10 + 2 + 2 + 1 + 1 + 2 + 1 + 1 + 5);
  });

  it('manhattan: weighted median', () => {
    const X = [[0], [1], [2], [10]];
    const km = new KMeans({ nClusters: 1, metric: 'manhattan' }).fit(X, {
      sampleWeight: [1, 1, 1, 5],
    });
    expect(km.centroids).toEqual([[10]]);
    expect(km.inertia).toBe(10 + 9 + 8);
  });

  it('cosine: centroids are unit vectors, inertia is the sum of 1 - cosine similarity', () => {
    const X = [
      [1, 0],
      [2, 0.1],
      [0, 3],
      [0.1, 1],
    ];
    const km = new KMeans({
      nClusters: 2,
      metric: 'cosine',
      init: [
        [1, 0],
        [0, 1],
      ],
    }).fit(X);
    for (const c of km.centroids) expect(Math.hypot(...c)).toBeCloseTo(1, 12);
    let expected = 0;
    km.labels.forEach((label, i) => {
      const c = km.centroids[label];
      const x = X[i];
      expected += 1 - (x[0] * c[0] + x[1] * c[1]) / Math.hypot(...x);
    });
    expect(km.inertia).toBeCloseTo(expected, 12);
    // Scaling a row does not change its cluster.
    expect(
      Array.from(
        km.predict([
          [50, 0],
          [0, 0.01],
        ]),
      ),
    ).toEqual([km.labels[0], km.labels[2]]);
  });

  it('cosine: a zero row is an error naming it', () => {
    expect(() =>
      new KMeans({ nClusters: 1, metric: 'cosine' }).fit([
        [1, 2],
        [0, 0],
      ]),
    ).toThrow(/X: row 1 is all zeros/);
  });
});
