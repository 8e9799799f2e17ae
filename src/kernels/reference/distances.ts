import type { FloatArray } from '../../matrix.js';
import type { DistanceKind } from '../types.js';

/**
 * Distance between row `i` of X and centre `j`, computed directly (no expansion, so no
 * cancellation). Both kinds use one fixed summation order, four interleaved partial sums
 * (t mod 4) combined as (s0 + s2) + (s1 + s3), then the tail: the order the SIMD kernels use
 * (squared differences for squared euclidean, absolute differences for L1), so every backend
 * gets the same bits and ties break the same way.
 */
export function rowCenterDistance(
  kind: DistanceKind,
  X: FloatArray,
  i: number,
  centers: Float64Array,
  j: number,
  d: number,
): number {
  const xo = i * d;
  const co = j * d;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  if (kind === 'sqeuclidean') {
    for (; t + 4 <= d; t += 4) {
      const d0 = X[xo + t] - centers[co + t];
      const d1 = X[xo + t + 1] - centers[co + t + 1];
      const d2 = X[xo + t + 2] - centers[co + t + 2];
      const d3 = X[xo + t + 3] - centers[co + t + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    let sum = s0 + s2 + (s1 + s3);
    for (; t < d; t++) {
      const diff = X[xo + t] - centers[co + t];
      sum += diff * diff;
    }
    return sum;
  }
  for (; t + 4 <= d; t += 4) {
    s0 += Math.abs(X[xo + t] - centers[co + t]);
    s1 += Math.abs(X[xo + t + 1] - centers[co + t + 1]);
    s2 += Math.abs(X[xo + t + 2] - centers[co + t + 2]);
    s3 += Math.abs(X[xo + t + 3] - centers[co + t + 3]);
  }
  let sum = s0 + s2 + (s1 + s3);
  for (; t < d; t++) sum += Math.abs(X[xo + t] - centers[co + t]);
  return sum;
}
