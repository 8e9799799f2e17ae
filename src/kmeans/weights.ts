import { describeValue, ValidationError } from '../errors.js';

/** Validated sample weights as float64, or ones when none are given. The caller's array is not kept. */
export function resolveSampleWeight(
  sampleWeight: ArrayLike<number> | undefined,
  rows: number,
): Float64Array {
  if (sampleWeight === undefined || sampleWeight === null) return new Float64Array(rows).fill(1);
  if (typeof sampleWeight !== 'object' || typeof sampleWeight.length !== 'number') {
    throw new ValidationError(
      'sampleWeight',
      `must be an array of ${rows} numbers; got ${describeValue(sampleWeight)}`,
    );
  }
  if (sampleWeight.length !== rows) {
    throw new ValidationError(
      'sampleWeight',
      `must have one weight per row of X (${rows}); got ${sampleWeight.length}`,
    );
  }
  const weights = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = sampleWeight[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new ValidationError(
        'sampleWeight',
        `weight ${i} is ${describeValue(w)}; weights must be finite numbers >= 0`,
      );
    }
    weights[i] = w;
    total += w;
  }
  if (total === 0)
    throw new ValidationError(
      'sampleWeight',
      'all weights are zero; at least one must be positive',
    );
  return weights;
}
