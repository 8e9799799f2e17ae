import { expect } from 'vitest';
import type { KMeans } from '../../src/index.js';

type Fitted = Pick<KMeans, 'labels' | 'centroids' | 'inertia' | 'nIter'>;

/** The same labels, centroids, inertia and iterations, bit for bit. */
export function expectSame(actual: Fitted, expected: Fitted, what: string): void {
  expect(Array.from(actual.labels), what).toEqual(Array.from(expected.labels));
  expect(actual.centroids, what).toEqual(expected.centroids);
  expect(actual.inertia, what).toBe(expected.inertia);
  expect(actual.nIter, what).toBe(expected.nIter);
}
