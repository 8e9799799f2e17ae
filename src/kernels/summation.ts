/**
 * Neumaier's compensated sum of `values[i] * weights[i]` (weights optional), accumulated in
 * float64 so the total does not drift with n.
 */
export function compensatedWeightedSum(
  values: ArrayLike<number>,
  weights?: ArrayLike<number>,
  transform?: (value: number) => number,
): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    let term = transform ? transform(values[i]) : values[i];
    if (weights) term *= weights[i];
    const t = sum + term;
    if (Math.abs(sum) >= Math.abs(term)) compensation += sum - t + term;
    else compensation += term - t + sum;
    sum = t;
  }
  return sum + compensation;
}
