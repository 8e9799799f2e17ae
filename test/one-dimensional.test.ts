import { describe, expect, it } from 'vitest';
import { KMeans } from '../src/index.js';

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
