import { describe, expect, it } from 'vitest';
import { BisectingKMeans, MiniBatchKMeans } from '../src/index.js';
import { maxRelativeDifference, readFixture } from './helpers/fixtures.js';

interface SeededFit {
  method: 'minibatch' | 'bisecting';
  k: number;
  seed: number;
  batchSize?: number;
  bisectingStrategy?: 'biggest_inertia' | 'largest_cluster';
  centroids: number[][];
  labels: number[];
  inertia: number;
  nSteps?: number;
  nIter?: number;
}

const golden = readFixture<{ X: number[][]; fits: SeededFit[] }>('family-seeded-golden.json');

describe("seeded fits equal scikit-learn's (numpy's RandomState stream)", () => {
  for (const f of golden.fits) {
    it(`${f.method} k=${f.k} seed ${f.seed}`, () => {
      const model =
        f.method === 'minibatch'
          ? new MiniBatchKMeans({ nClusters: f.k, batchSize: f.batchSize, randomState: f.seed })
          : new BisectingKMeans({
              nClusters: f.k,
              bisectingStrategy: f.bisectingStrategy,
              randomState: f.seed,
            });
      model.fit(golden.X);
      expect(maxRelativeDifference(model.centroids.flat(), f.centroids.flat())).toBeLessThan(1e-9);
      expect(Array.from(model.labels)).toEqual(f.labels);
      expect(Math.abs(model.inertia - f.inertia)).toBeLessThanOrEqual(1e-9 * f.inertia);
      if (model instanceof MiniBatchKMeans) {
        expect(model.nSteps).toBe(f.nSteps);
        expect(model.nIter).toBe(f.nIter);
      }
    });
  }
});
