/** numpy's reduction buffer: a sum over a contiguous float64 array runs block by block. */
const BUFFER_SIZE = 8192;

/** numpy's pairwise summation unrolls eight accumulators, and recurses above this many values. */
const PAIRWISE_BLOCK = 128;

/**
 * The sum of `values` (float64) in numpy's order, as `np.sum` / `ndarray.sum(axis=-1)` add a
 * contiguous float64 array: blocks of 8192 values, each summed pairwise (eight accumulators up
 * to 128 values, halves above), the block sums added in order from 0. Where scikit-learn
 * compares such sums (k-means++'s candidate potentials), adding in its order keeps the same
 * rounding, so the same candidate wins given the same values.
 */
export function numpySum(values: Float64Array): number {
  let sum = 0;
  for (let start = 0; start < values.length; start += BUFFER_SIZE)
    sum += pairwiseSum(values, start, Math.min(BUFFER_SIZE, values.length - start));
  return sum;
}

/** numpy's pairwise_sum_DOUBLE over values[start, start + n). */
function pairwiseSum(values: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= PAIRWISE_BLOCK) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}
