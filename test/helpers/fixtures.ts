import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a committed JSON fixture from test/fixtures. */
export function readFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Relative difference in the max norm: max |a - b| / max |b|. Entries near zero are judged
 * against the size of the whole array, as rounding noise there is of that size.
 */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/** One scikit-learn run in kmeans-golden.json, from explicit initial centres. */
export interface GoldenCase {
  name: string;
  data: string;
  k: number;
  init: number[][];
  sampleWeight: number[] | null;
  maxIter: number;
  tol: number;
  labels: number[];
  centroids: number[][];
  inertia: number;
  nIter: number;
}

/** The golden k-means fixture: scikit-learn's version, the datasets by name, and the cases. */
export interface KMeansGolden {
  sklearn: string;
  datasets: Record<string, number[][]>;
  cases: GoldenCase[];
}

/** Reads test/fixtures/kmeans-golden.json. */
export function kmeansGolden(): KMeansGolden {
  return readFixture<KMeansGolden>('kmeans-golden.json');
}

/** The tutorial's toy data: two groups of three points. */
export const TOY_X = [
  [1, 2],
  [1, 4],
  [1, 0],
  [10, 2],
  [10, 4],
  [10, 0],
];
