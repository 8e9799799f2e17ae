/** A Neumaier compensated sum in progress: the running sum and its compensation. */
export interface NeumaierState {
  sum: number;
  compensation: number;
}

/**
 * Neumaier's compensated sum of `values[i] * weights[i]` (weights optional), in float64 and in
 * order, continued from `start` (the state after earlier values; none: from 0). A sequence summed
 * in pieces, each continued from the state the previous ended with, gives the bits of one sum.
 */
export function continueCompensatedSum(
  values: ArrayLike<number>,
  weights?: ArrayLike<number>,
  transform?: (value: number) => number,
  start: NeumaierState = { sum: 0, compensation: 0 },
): NeumaierState {
  let { sum, compensation } = start;
  for (let i = 0; i < values.length; i++) {
    let term = transform ? transform(values[i]) : values[i];
    if (weights) term *= weights[i];
    const t = sum + term;
    if (Math.abs(sum) >= Math.abs(term)) compensation += sum - t + term;
    else compensation += term - t + sum;
    sum = t;
  }
  return { sum, compensation };
}

/**
 * Neumaier's compensated sum of `values[i] * weights[i]` (weights optional), accumulated in
 * float64 so the total does not drift with n.
 */
export function compensatedWeightedSum(
  values: ArrayLike<number>,
  weights?: ArrayLike<number>,
  transform?: (value: number) => number,
): number {
  const { sum, compensation } = continueCompensatedSum(values, weights, transform);
  return sum + compensation;
}
