/**
 * The dynamic program under optimal 1-D k-means (Wang & Song's Ckmeans.1d.dp, with the
 * divide-and-conquer fill of its version 3.4.6: O(k n log n) time). Sorted values are split into
 * k contiguous groups with the least total within-group sum of squared deviations.
 *
 * The arithmetic follows simple-statistics' `ckmeans` step for step (values shifted by the
 * median, cumulative sums, the same bounds and comparisons), so that with unit weights the
 * chosen split, ties included, is the one it returns.
 */

/**
 * Start index of each group in `sorted` (ascending, n values), for k groups, 1 <= k <= n.
 * `weights` (n values, all > 0; default all 1) weigh each value in the sums of squares.
 * Every group is non-empty: group c is `sorted[starts[c] .. starts[c + 1] - 1]`.
 */
export function optimalGroupStarts(
  sorted: Float64Array,
  k: number,
  weights?: Float64Array,
): Int32Array {
  const n = sorted.length;
  const shift = sorted[Math.floor(n / 2)];
  // Cumulative weight, weighted sum and weighted sum of squares of the shifted values. With unit
  // weights, w * s and w * s * s are s and s * s exactly, and the weights sum to integers exactly.
  const cumulativeWeight = new Float64Array(n);
  const sums = new Float64Array(n);
  const squares = new Float64Array(n);
  let weight = 0;
  let sum = 0;
  let square = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const shifted = sorted[i] - shift;
    weight += w;
    sum += w * shifted;
    square += w * shifted * shifted;
    cumulativeWeight[i] = weight;
    sums[i] = sum;
    squares[i] = square;
  }
  /** Within-group sum of squares of sorted[j..i], never negative. */
  const cost = (j: number, i: number): number => {
    let value: number;
    if (j > 0) {
      const groupWeight = cumulativeWeight[i] - cumulativeWeight[j - 1];
      const mean = (sums[i] - sums[j - 1]) / groupWeight;
      value = squares[i] - squares[j - 1] - groupWeight * mean * mean;
    } else {
      value = squares[i] - (sums[i] * sums[i]) / cumulativeWeight[i];
    }
    return Math.max(value, 0);
  };

  // backtrack[c * n + i]: start of the last group in the best split of sorted[0..i] into c + 1
  // groups. Only two rows of costs are kept: row c reads row c - 1 alone.
  const backtrack = new Int32Array(k * n);
  let previous = new Float64Array(n);
  let current = new Float64Array(n);
  for (let i = 0; i < n; i++) previous[i] = cost(0, i);

  /** Fills row `group` for i in [iMin, iMax], midpoint first, narrowing the range of starts. */
  const fill = (iMin: number, iMax: number, group: number): void => {
    if (iMin > iMax) return;
    const i = Math.floor((iMin + iMax) / 2);
    const row = group * n;
    const above = row - n;
    current[i] = previous[i - 1];
    backtrack[row + i] = i;
    let jLow = group;
    if (iMin > group) jLow = Math.max(jLow, backtrack[row + iMin - 1]);
    jLow = Math.max(jLow, backtrack[above + i]);
    let jHigh = i - 1;
    if (iMax < n - 1) jHigh = Math.min(jHigh, backtrack[row + iMax + 1]);
    for (let j = jHigh; j >= jLow; --j) {
      const costJ = cost(j, i);
      // previous[] does not decrease with the index, so no start below j can do better.
      if (costJ + previous[jLow - 1] >= current[i]) break;
      const withLow = cost(jLow, i) + previous[jLow - 1];
      if (withLow < current[i]) {
        current[i] = withLow;
        backtrack[row + i] = jLow;
      }
      jLow++;
      const withJ = costJ + previous[j - 1];
      if (withJ < current[i]) {
        current[i] = withJ;
        backtrack[row + i] = j;
      }
    }
    fill(iMin, i - 1, group);
    fill(i + 1, iMax, group);
  };

  for (let group = 1; group < k; group++) {
    // The last row needs only the whole array's split.
    fill(group < k - 1 ? group : n - 1, n - 1, group);
    [previous, current] = [current, previous];
  }

  const starts = new Int32Array(k);
  let right = n - 1;
  for (let group = k - 1; group >= 0; group--) {
    const left = backtrack[group * n + right];
    starts[group] = left;
    right = left - 1;
  }
  return starts;
}
