import { describe, expect, it } from 'vitest';
// fitAsync starts its worker from the built module beside it, so this test uses the build.
import { KMeans, makeBlobs, ValidationError } from '../dist/index.js';

describe('fitAsync', () => {
  const { X } = makeBlobs({
    nSamples: 3000,
    nFeatures: 5,
    centers: 4,
    clusterStd: 3,
    randomState: 2,
  });

  it('gives the same model as fit, off the main thread, with progress here', async () => {
    const seen: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const km = await new KMeans({
      nClusters: 6,
      randomState: 1,
      onIteration: ({ iteration }) => void seen.push(iteration),
    }).fitAsync(X);
    clearInterval(timer);
    const sync = new KMeans({ nClusters: 6, randomState: 1 }).fit(X);
    expect(km.inertia).toBe(sync.inertia);
    expect(Array.from(km.labels)).toEqual(Array.from(sync.labels));
    expect(km.centroids).toEqual(sync.centroids);
    expect(seen.length).toBe(km.nIter);
    expect(ticks).toBeGreaterThan(0);
  });

  it('stops soon after onIteration returns false (the worker runs ahead of its messages)', async () => {
    const km = await new KMeans({
      nClusters: 6,
      init: 'random',
      randomState: 1,
      tol: 0,
      onIteration: ({ iteration }) => iteration < 2,
    }).fitAsync(X);
    const full = new KMeans({ nClusters: 6, init: 'random', randomState: 1, tol: 0 }).fit(X);
    expect(km.nIter).toBeGreaterThanOrEqual(2);
    expect(km.nIter).toBeLessThan(full.nIter);
    expect(km.converged).toBe(false);
  });

  it('rejects bad input with the same errors as fit', async () => {
    await expect(new KMeans({ nClusters: 5000 }).fitAsync(X)).rejects.toThrow(ValidationError);
    await expect(new KMeans({ nClusters: 5000 }).fitAsync(X)).rejects.toThrow(
      /^nClusters: must be at most the number of rows of X \(3000\); got 5000$/,
    );
    await expect(new KMeans({ nClusters: 2, init: () => [[0], [1]] }).fitAsync(X)).rejects.toThrow(
      /^init: fitAsync cannot send a function/,
    );
  });
});
