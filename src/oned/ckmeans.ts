import { describeValue, positiveInteger, ValidationError } from '../errors.js';
import { optimalGroupStarts } from './segments.js';

/** The optimal clustering of 1-D values by {@link ckmeans}. Clusters are in ascending order. */
export interface CkmeansResult {
  /** The values of each cluster, ascending, as simple-statistics' `ckmeans` returns them. */
  clusters: number[][];
  /** Cluster of each input value, in input order (Int32Array, n values). */
  labels: Int32Array;
  /** Mean of each cluster, ascending. */
  centers: number[];
  /** Number of values in each cluster. */
  sizes: number[];
  /** Sum of squared deviations of each cluster's values from its mean. */
  withinss: number[];
  /** The minimal total within-cluster sum of squares: the sum of `withinss`. */
  inertia: number;
}

/**
 * Optimal k-means on one-dimensional values (Wang & Song's Ckmeans.1d.dp, O(k n log n)): the split
 * into k clusters of contiguous sorted values with the least within-cluster sum of squares, found
 * exactly by dynamic programming, not by Lloyd's local search. Its clusters equal
 * simple-statistics' `ckmeans(values, k)`: when all values are equal there is one cluster, and
 * when k exceeds the number of distinct values, equal values may be split between clusters.
 *
 * @param values n finite numbers (a plain array or a typed array), any order; never modified.
 * @param k the number of clusters, 1 <= k <= n.
 */
export function ckmeans(values: ArrayLike<number>, k: number): CkmeansResult {
  const sorted = sortedValues(values, 'values');
  checkClusterCount(k, sorted.length);
  // As simple-statistics: identical values make one cluster, whatever k.
  const starts =
    sorted[0] === sorted[sorted.length - 1]
      ? Int32Array.of(0)
      : optimalGroupStarts(sorted, Math.min(k, sorted.length));
  return describeGroups(values, sorted, starts);
}

/** `values` validated (a non-empty array of finite numbers) and copied into ascending order. */
export function sortedValues(values: ArrayLike<number>, name: string): Float64Array {
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof (values as { length?: unknown }).length !== 'number'
  )
    throw new ValidationError(
      name,
      `must be an array of numbers; got ${describeValue(values as unknown)}`,
    );
  if (values.length === 0) throw new ValidationError(name, 'must hold at least one value; got 0');
  const sorted = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValidationError(
        name,
        `value ${i} is ${describeValue(v)}; every value must be a finite number`,
      );
    sorted[i] = v;
  }
  return sorted.sort();
}

/** `k` when it is a positive integer no larger than n; else an error naming `k`. */
function checkClusterCount(k: number, n: number): void {
  positiveInteger('k', k);
  if (k > n)
    throw new ValidationError('k', `must be at most the number of values (${n}); got ${k}`);
}

/** Clusters, labels, means and sums of squares of the groups starting at `starts` in `sorted`. */
function describeGroups(
  values: ArrayLike<number>,
  sorted: Float64Array,
  starts: Int32Array,
): CkmeansResult {
  const groups = starts.length;
  const clusters: number[][] = [];
  const centers: number[] = [];
  const sizes: number[] = [];
  const withinss: number[] = [];
  let inertia = 0;
  for (let c = 0; c < groups; c++) {
    const end = c + 1 < groups ? starts[c + 1] : sorted.length;
    const members = sorted.subarray(starts[c], end);
    let sum = 0;
    for (let i = 0; i < members.length; i++) sum += members[i];
    const mean = sum / members.length;
    let squares = 0;
    for (let i = 0; i < members.length; i++) squares += (members[i] - mean) ** 2;
    clusters.push(Array.from(members));
    centers.push(mean);
    sizes.push(members.length);
    withinss.push(squares);
    inertia += squares;
  }
  return {
    clusters,
    labels: labelsInInputOrder(values, sorted, starts),
    centers,
    sizes,
    withinss,
    inertia,
  };
}

/**
 * The cluster of each value, in input order: the last cluster whose smallest value is at most it.
 * A value split between clusters (only when k exceeds the distinct values) fills them in order,
 * its first occurrences in the lowest cluster, so each cluster holds as many values as `sizes`.
 */
function labelsInInputOrder(
  values: ArrayLike<number>,
  sorted: Float64Array,
  starts: Int32Array,
): Int32Array {
  const groups = starts.length;
  const n = sorted.length;
  const lowest = new Float64Array(groups);
  for (let c = 0; c < groups; c++) lowest[c] = sorted[starts[c]];
  // For a value that ends one cluster and starts the next: how many of it each cluster holds.
  const split = new Map<number, { cluster: number; room: number }[]>();
  for (let c = 1; c < groups; c++) {
    const v = lowest[c];
    if (sorted[starts[c] - 1] !== v || split.has(v)) continue;
    const shares: { cluster: number; room: number }[] = [];
    let first = starts[c] - 1;
    while (first > 0 && sorted[first - 1] === v) first--;
    let cluster = c - 1;
    while (cluster + 1 < groups && starts[cluster + 1] <= first) cluster++;
    for (let i = first; i < n && sorted[i] === v; ) {
      const end = cluster + 1 < groups ? starts[cluster + 1] : n;
      let room = 0;
      while (i < end && sorted[i] === v) {
        room++;
        i++;
      }
      shares.push({ cluster, room });
      cluster++;
    }
    split.set(v, shares);
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const shares = split.size > 0 ? split.get(v) : undefined;
    if (shares) {
      while (shares[0].room === 0) shares.shift();
      shares[0].room--;
      labels[i] = shares[0].cluster;
      continue;
    }
    let lo = 0;
    let hi = groups - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lowest[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    labels[i] = lo;
  }
  return labels;
}
