import { describe, expect, it } from 'vitest';
import { KMeans } from '../src/index.js';
import { kmeansGolden, maxRelativeDifference } from './helpers/fixtures.js';

const golden = kmeansGolden();

describe(`golden fixtures from scikit-learn ${golden.sklearn} (explicit initial centres)`, () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      const X = golden.datasets[c.data];
      const km = new KMeans({ nClusters: c.k, init: c.init, maxIter: c.maxIter, tol: c.tol });
      km.fit(X, { sampleWeight: c.sampleWeight ?? undefined });
      expect(Array.from(km.labels)).toEqual(c.labels);
      expect(km.nIter).toBe(c.nIter);
      expect(maxRelativeDifference(km.centroids.flat(), c.centroids.flat())).toBeLessThan(1e-9);
      expect(Math.abs(km.inertia - c.inertia) / c.inertia).toBeLessThan(1e-9);
      expect(km.centroids.flat().every(Number.isFinite)).toBe(true);
    });
  }
});
