import { KMeans } from '../kmeans/kmeans.js';
import type { KMeansOptions } from '../kmeans/options.js';
import { type MatrixLike, toMatrix } from '../matrix.js';
import { type SilhouetteOptions, silhouetteScore } from '../metrics/internal.js';
import { kRange } from './k-range.js';

/** Options of {@link silhouetteSweep}. */
export interface SilhouetteSweepOptions extends Omit<KMeansOptions, 'nClusters'> {
  /** Smallest k. Default 2 (the silhouette needs two clusters). */
  kMin?: number;
  /** Largest k. Default 10 (or n - 1, if smaller). */
  kMax?: number;
  /** Score a seeded subset of this many rows (the fit still uses all of them). */
  sampleSize?: number;
  /** Called after each k. */
  onProgress?: (progress: { k: number; score: number; done: number; total: number }) => void;
}

/** Silhouette score for each k and the best k. */
export interface SilhouetteSweepResult {
  ks: number[];
  scores: number[];
  bestK: number;
}

/** Fits k-means for each k and scores it with the mean silhouette; the best k scores highest. */
export function silhouetteSweep(
  X: MatrixLike,
  options: SilhouetteSweepOptions = {},
): SilhouetteSweepResult {
  const { kMin = 2, kMax: kMaxOption, sampleSize, onProgress, ...kmeansOptions } = options;
  const data = toMatrix(X, { name: 'X', dtype: kmeansOptions.dtype });
  const ks = kRange(kMin, kMaxOption ?? Math.min(10, data.rows - 1), data.rows - 1, 2);
  const silhouetteOptions: SilhouetteOptions = {
    metric: kmeansOptions.metric,
    sampleSize,
    randomState: kmeansOptions.randomState,
  };
  const scores: number[] = [];
  for (const k of ks) {
    const labels = new KMeans({ ...kmeansOptions, nClusters: k }).fit(data).labels;
    // Duplicate points can leave fewer distinct labels than k; one label has no silhouette.
    const score =
      new Set(labels).size < 2 ? Number.NaN : silhouetteScore(data, labels, silhouetteOptions);
    scores.push(score);
    onProgress?.({ k, score, done: scores.length, total: ks.length });
  }
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best] || Number.isNaN(scores[best])) best = i;
  });
  return { ks, scores, bestK: ks[best] };
}
