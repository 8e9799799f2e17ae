import { describe, expect, it } from 'vitest';
import { KMeans } from '../src/index.js';
import { boundsForFit } from '../src/kmeans/options.js';
import { kmeansGolden, TOY_X } from './helpers/fixtures.js';

const X = TOY_X;

describe("the tutorial's toy case", () => {
  const km = new KMeans({ nClusters: 2, init: 'random', randomState: 1992 }).fit(X);

  it('finds the centroids [1, 2] and [10, 2] with inertia 16', () => {
    const sorted = [...km.centroids].sort((a, b) => a[0] - b[0]);
    expect(sorted).toEqual([
      [1, 2],
      [10, 2],
    ]);
    expect(km.inertia).toBe(16);
    expect(km.score(X)).toBe(-16);
  });

  it('gives the two groups of three two different labels', () => {
    const labels = Array.from(km.labels);
    expect(new Set(labels.slice(0, 3)).size).toBe(1);
    expect(new Set(labels.slice(3)).size).toBe(1);
    expect(labels[0]).not.toBe(labels[3]);
    expect(km.clusters().map((rows) => rows.sort())).toEqual(
      labels[0] === 0
        ? [
            [0, 1, 2],
            [3, 4, 5],
          ]
        : [
            [3, 4, 5],
            [0, 1, 2],
          ],
    );
  });

  it('predicts [0, 0] with [1, 2] and [12, 3] with [10, 2]', () => {
    const [a, b] = km.predict([
      [0, 0],
      [12, 3],
    ]);
    expect(a).toBe(km.labels[0]);
    expect(b).toBe(km.labels[3]);
  });

  it('reports distances to each centroid from transform', () => {
    const [row] = km.transform([[1, 2]]);
    const near = km.labels[0];
    expect(row[near]).toBe(0);
    expect(row[1 - near]).toBe(9);
  });

  it('fitPredict returns the labels of fit', () => {
    const again = new KMeans({ nClusters: 2, init: 'random', randomState: 1992 });
    expect(Array.from(again.fitPredict(X))).toEqual(Array.from(km.labels));
  });

  it('converges in two iterations and reports it', () => {
    expect(km.converged).toBe(true);
    expect(km.nIter).toBeGreaterThanOrEqual(1);
    expect(km.warnings).toEqual([]);
  });
});

describe("the tutorial's failing case: the elbow on iris' first two features", () => {
  const iris2 = kmeansGolden().datasets.iris2;

  it('never yields NaN for k = 1..10 with random init', () => {
    for (let k = 1; k <= 10; k++) {
      for (const seed of [0, 1, 2, 3, 4]) {
        const km = new KMeans({ nClusters: k, init: 'random', nInit: 1, randomState: seed }).fit(
          iris2,
        );
        expect(Number.isFinite(km.inertia)).toBe(true);
        expect(km.centroids.flat().every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('relocates a cluster that empties, as scikit-learn does', () => {
    const km = new KMeans({
      nClusters: 2,
      init: [
        [0, 0],
        [100, 100],
      ],
    }).fit(X);
    expect(km.centroids.flat().every(Number.isFinite)).toBe(true);
    expect(km.inertia).toBe(16);
  });
});

describe("'auto' algorithm", () => {
  it("keeps no bounds below k = 8, Hamerly's from 8, Elkan's from 32 where they take at most half of X", () => {
    expect(boundsForFit('auto', 7, 60_000, 784, 'float32')).toBeUndefined();
    expect(boundsForFit('auto', 8, 60_000, 784, 'float32')).toBe('hamerly');
    expect(boundsForFit('auto', 31, 60_000, 784, 'float32')).toBe('hamerly');
    expect(boundsForFit('auto', 256, 60_000, 784, 'float32')).toBe('elkan');
    expect(boundsForFit('auto', 392, 60_000, 784, 'float32')).toBe('elkan');
    expect(boundsForFit('auto', 393, 60_000, 784, 'float32')).toBe('hamerly');
    expect(boundsForFit('auto', 784, 60_000, 784, 'float64')).toBe('elkan');
    expect(boundsForFit('auto', 64, 60_000, 16, 'float32')).toBe('hamerly');
    expect(boundsForFit('lloyd', 256, 60_000, 784, 'float32')).toBeUndefined();
    expect(boundsForFit('elkan', 2, 60_000, 1, 'float32')).toBe('elkan');
    expect(boundsForFit('hamerly', 256, 60_000, 784, 'float32')).toBe('hamerly');
    // Elkan's n x k bounds beside X must fit one WebAssembly memory: 10M x 64 float32 at k = 32
    // would take 3.8 GiB, so 'auto' keeps Hamerly's O(n) bounds there.
    expect(boundsForFit('auto', 32, 10_000_000, 64, 'float32')).toBe('hamerly');
    expect(boundsForFit('auto', 32, 1_000_000, 64, 'float32')).toBe('elkan');
  });

  it("keeps Hamerly's L1 bounds for manhattan from k = 8, for 'hamerly' and 'elkan' too, none for 'lloyd'", () => {
    const l1 = (algorithm: 'auto' | 'lloyd' | 'hamerly' | 'elkan', k: number) =>
      boundsForFit(algorithm, k, 60_000, 784, 'float32', 'wasm', 'manhattan');
    expect(l1('auto', 7)).toBeUndefined();
    expect(l1('auto', 8)).toBe('hamerly');
    expect(l1('auto', 256)).toBe('hamerly');
    expect(l1('elkan', 256)).toBe('hamerly');
    expect(l1('hamerly', 2)).toBe('hamerly');
    expect(l1('lloyd', 256)).toBeUndefined();
    expect(boundsForFit('auto', 64, 60_000, 784, 'float32', 'native', 'manhattan')).toBe('hamerly');
  });
});
