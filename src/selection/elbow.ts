import { KMeans } from '../kmeans/kmeans.js';
import type { KMeansOptions } from '../kmeans/options.js';
import { type MatrixLike, toMatrix } from '../matrix.js';
import { kRange } from './k-range.js';
import { kneeIndex } from './knee.js';

/** Options of {@link elbow}: the k range, any KMeans option, and a progress callback. */
export interface ElbowOptions extends Omit<KMeansOptions, 'nClusters'> {
  /** Smallest k. Default 1. */
  kMin?: number;
  /** Largest k. Default 10 (or the number of rows, if smaller). */
  kMax?: number;
  /** Weights of the rows, passed to every fit. */
  sampleWeight?: ArrayLike<number>;
  /** Called after each k is fitted. */
  onProgress?: (progress: { k: number; inertia: number; done: number; total: number }) => void;
}

/** The elbow curve and its knee. */
export interface ElbowResult {
  ks: number[];
  inertias: number[];
  /** Iterations each fit took. */
  nIters: number[];
  /** The k at the knee (Kneedle), or null when the curve has none. */
  knee: number | null;
}

/**
 * Fits k-means for each k in [kMin, kMax] and finds the knee of inertia against k with the
 * Kneedle method. X is validated and converted once, and that one matrix serves every fit.
 */
export function elbow(X: MatrixLike, options: ElbowOptions = {}): ElbowResult {
  const { kMin = 1, kMax: kMaxOption, sampleWeight, onProgress, ...kmeansOptions } = options;
  const data = toMatrix(X, { name: 'X', dtype: kmeansOptions.dtype });
  const ks = kRange(kMin, kMaxOption ?? Math.min(10, data.rows), data.rows, 1);
  const inertias: number[] = [];
  const nIters: number[] = [];
  for (const k of ks) {
    const km = new KMeans({ ...kmeansOptions, nClusters: k }).fit(data, { sampleWeight });
    inertias.push(km.inertia);
    nIters.push(km.nIter);
    onProgress?.({ k, inertia: km.inertia, done: inertias.length, total: ks.length });
  }
  const knee = kneeIndex(ks, inertias);
  return { ks, inertias, nIters, knee: knee < 0 ? null : ks[knee] };
}
