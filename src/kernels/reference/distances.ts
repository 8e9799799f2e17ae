import type { FloatArray } from '../../matrix.js';
import type { DistanceKind } from '../types.js';

/** Distance between row `i` of X and centre `j`, computed directly (no expansion, so no cancellation). */
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
  let sum = 0;
  if (kind === 'sqeuclidean') {
    for (let t = 0; t < d; t++) {
      const diff = X[xo + t] - centers[co + t];
      sum += diff * diff;
    }
  } else {
    for (let t = 0; t < d; t++) sum += Math.abs(X[xo + t] - centers[co + t]);
  }
  return sum;
}
