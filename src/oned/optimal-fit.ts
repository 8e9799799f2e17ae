import { ValidationError } from '../errors.js';
import { compensatedWeightedSum } from '../kernels/summation.js';
import type { Matrix } from '../matrix.js';
import { optimalGroupStarts } from './segments.js';

/** What `algorithm: 'optimal-1d'` finds: the exact optimum, clusters in ascending order. */
export interface OptimalFit {
  /** k centres (k x 1, float64): the weighted mean of each cluster, ascending. */
  centers: Float64Array;
  /** Cluster of each row (Int32Array, n values). */
  labels: Int32Array;
  /** Weighted sum of squared distances to the centres (compensated summation). */
  inertia: number;
}

/**
 * The weighted k-means optimum of an n x 1 `X` by dynamic programming (Ckmeans.1d.dp) over its
 * distinct values, each weighted by the total weight of its rows. Cluster c holds the c-th lowest
 * run of values, so centres ascend. A row of weight 0 goes to its nearest centre (ties to the
 * lower). Needs at least k distinct values of positive weight: equal values cannot be told apart,
 * so fewer would leave a cluster without a centre of its own.
 *
 * @param X n x 1, finite values (checked by the caller).
 * @param weights n non-negative weights, not all zero.
 */
export function optimalOneDimensionalFit(X: Matrix, k: number, weights: Float64Array): OptimalFit {
  const { distinct, distinctWeights } = weightedDistinctValues(X.data, weights);
  if (distinct.length < k)
    throw new ValidationError(
      'nClusters',
      `algorithm 'optimal-1d' needs at least nClusters distinct values of positive weight; X has ${distinct.length}, nClusters is ${k}`,
    );
  const starts = optimalGroupStarts(distinct, k, distinctWeights);
  const centers = new Float64Array(k);
  const lowest = new Float64Array(k);
  const highest = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const end = c + 1 < k ? starts[c + 1] : distinct.length;
    let weight = 0;
    let sum = 0;
    for (let i = starts[c]; i < end; i++) {
      weight += distinctWeights[i];
      sum += distinctWeights[i] * distinct[i];
    }
    centers[c] = sum / weight;
    lowest[c] = distinct[starts[c]];
    highest[c] = distinct[end - 1];
  }
  const labels = new Int32Array(X.rows);
  const squared = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const v = X.data[i];
    const label = clusterOf(v, lowest, highest, centers);
    labels[i] = label;
    squared[i] = (v - centers[label]) ** 2;
  }
  return { centers, labels, inertia: compensatedWeightedSum(squared, weights) };
}

/** The cluster whose run of values holds v; between two runs, the nearer centre (ties: lower). */
function clusterOf(
  v: number,
  lowest: Float64Array,
  highest: Float64Array,
  centers: Float64Array,
): number {
  let lo = 0;
  let hi = lowest.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lowest[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  if (v > highest[lo] && lo + 1 < centers.length) {
    const toNext = centers[lo + 1] - v;
    if (toNext * toNext < (v - centers[lo]) ** 2) return lo + 1;
  }
  return lo;
}

/** The distinct values of positive weight, ascending, and the total weight of each. */
function weightedDistinctValues(
  values: ArrayLike<number>,
  weights: Float64Array,
): { distinct: Float64Array; distinctWeights: Float64Array } {
  const n = values.length;
  let uniform = true;
  for (let i = 1; i < n && uniform; i++) uniform = weights[i] === weights[0];
  let sortedValues: Float64Array;
  let sortedWeights: Float64Array;
  if (uniform) {
    sortedValues = Float64Array.from(values).sort();
    sortedWeights = new Float64Array(n).fill(weights[0]);
  } else {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => values[a] - values[b]);
    sortedValues = new Float64Array(n);
    sortedWeights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sortedValues[i] = values[order[i]];
      sortedWeights[i] = weights[order[i]];
    }
  }
  const distinct = new Float64Array(n);
  const distinctWeights = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; ) {
    const v = sortedValues[i];
    let weight = 0;
    for (; i < n && sortedValues[i] === v; i++) weight += sortedWeights[i];
    if (weight > 0) {
      distinct[m] = v;
      distinctWeights[m] = weight;
      m++;
    }
  }
  return { distinct: distinct.subarray(0, m), distinctWeights: distinctWeights.subarray(0, m) };
}
