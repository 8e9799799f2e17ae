/**
 * Coordinate-wise medians of clusters by selection (quickselect with a three-way partition,
 * O(rows) a cluster and column on average), giving exactly what sorting gave: the median is an
 * order statistic, the same value whichever way it is found. Two details of sorting are kept by
 * hand: a sorted Float64Array puts -0 before +0 (a selection compares them equal, so a zero
 * result takes its sign from the counts of negatives and of -0), and the weighted rule sums the
 * weights in sorted order, which a selection reproduces only where every partial sum of the
 * weights is exact (then any order gives the same bits); elsewhere the weighted median sorts.
 */

import type { Matrix } from '../matrix.js';

/** Rows of each cluster that carry weight, grouped by cluster in row order: rows and offsets. */
export interface ClusterMembers {
  /** Row indices, cluster 0's first. */
  rows: Int32Array;
  /** Cluster j's rows are rows[offsets[j] .. offsets[j + 1]). */
  offsets: Int32Array;
}

/** The rows of each cluster with a weight above 0, by a counting sort of the labels. */
export function clusterMembers(
  labels: Int32Array,
  weights: Float64Array,
  k: number,
): ClusterMembers {
  const offsets = new Int32Array(k + 1);
  for (let i = 0; i < labels.length; i++) if (weights[i] > 0) offsets[labels[i] + 1]++;
  for (let j = 0; j < k; j++) offsets[j + 1] += offsets[j];
  const rows = new Int32Array(offsets[k]);
  const next = offsets.slice(0, k);
  for (let i = 0; i < labels.length; i++) if (weights[i] > 0) rows[next[labels[i]]++] = i;
  return { rows, offsets };
}

/**
 * Swaps values (and weights, when given) at a and b. Kept apart so the partition reads plainly;
 * V8 inlines it.
 */
function swap(values: Float64Array, weights: Float64Array | undefined, a: number, b: number): void {
  const v = values[a];
  values[a] = values[b];
  values[b] = v;
  if (weights) {
    const w = weights[a];
    weights[a] = weights[b];
    weights[b] = w;
  }
}

/** The median of three values (the pivot of a partition step). */
function median3(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : Math.max(a, c);
  return a < c ? a : Math.max(b, c);
}

/**
 * Three-way partition of [lo, hi) around `pivot` (a value in the range, so the middle part is
 * never empty and every step shrinks the range): [lo, lt) below, [lt, gt) equal, [gt, hi) above.
 * Returns [lt, gt].
 */
function partition(
  values: Float64Array,
  weights: Float64Array | undefined,
  lo: number,
  hi: number,
  pivot: number,
): [number, number] {
  let lt = lo;
  let gt = hi;
  let i = lo;
  while (i < gt) {
    const v = values[i];
    if (v < pivot) swap(values, weights, lt++, i++);
    else if (v > pivot) swap(values, weights, i, --gt);
    else i++;
  }
  return [lt, gt];
}

function pivotOf(values: Float64Array, lo: number, hi: number): number {
  return median3(values[lo], values[(lo + hi) >>> 1], values[hi - 1]);
}

/**
 * The value of rank `rank` (from 0) among values[0, count), reordering them so that every value
 * before `rank` is at most it and every value after at least it.
 */
export function selectRank(values: Float64Array, count: number, rank: number): number {
  let lo = 0;
  let hi = count;
  for (;;) {
    const pivot = pivotOf(values, lo, hi);
    const [lt, gt] = partition(values, undefined, lo, hi, pivot);
    if (rank < lt) hi = lt;
    else if (rank >= gt) lo = gt;
    else return pivot;
  }
}

/** The smallest of values[from, count). */
function minFrom(values: Float64Array, from: number, count: number): number {
  let m = values[from];
  for (let i = from + 1; i < count; i++) if (values[i] < m) m = values[i];
  return m;
}

/**
 * A zero of rank `rank` with the sign sorting gives it: a sorted Float64Array puts the negatives,
 * then -0, then +0, so it is -0 when negatives <= rank < negatives + (count of -0).
 */
function signedZero(values: Float64Array, count: number, rank: number): number {
  let negatives = 0;
  let negativeZeros = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v < 0) negatives++;
    else if (v === 0 && 1 / v < 0) negativeZeros++;
  }
  return rank >= negatives && rank < negatives + negativeZeros ? -0 : 0;
}

/**
 * The median of values[0, count) as numpy defines it (the mean of the two middle values for an
 * even count), as sorting gave it, bit for bit. Reorders the values.
 */
export function medianOf(values: Float64Array, count: number): number {
  const mid = count >> 1;
  if (count % 2 === 1) {
    const v = selectRank(values, count, mid);
    return v === 0 ? signedZero(values, count, mid) : v;
  }
  let a = selectRank(values, count, mid - 1);
  let b = minFrom(values, mid, count);
  if (a === 0) a = signedZero(values, count, mid - 1);
  if (b === 0) b = signedZero(values, count, mid);
  return (a + b) / 2;
}

/**
 * Whether every partial sum of `weights`, in any order, is exact in float64: all are multiples
 * of 2^-F (F: the most fractional bits of any weight) and their total is below 2^53 · 2^-F.
 * Then the weighted rule's cumulative sums do not depend on the order they are added in.
 */
export function exactlySummable(weights: Float64Array): boolean {
  let known = summable.get(weights);
  if (known === undefined) {
    known = partialSumsExact(weights);
    summable.set(weights, known);
  }
  return known;
}

/** exactlySummable's answers by weights array: a fit's weights do not change while it runs. */
const summable = new WeakMap<Float64Array, boolean>();

function partialSumsExact(weights: Float64Array): boolean {
  let bits = 0;
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    let w = weights[i];
    total += w;
    let f = 0;
    while (!Number.isInteger(w)) {
      if (++f > 1074) return false;
      w *= 2; // exact: doubling a finite value below 2^1023 only moves its exponent
    }
    bits = Math.max(bits, f);
  }
  return total * 2 ** bits < 2 ** 53;
}

/**
 * The weighted median of values[0, count) by selection, with weights[0, count) (all above 0,
 * reordered with the values), under weightedMedian's rule: the first value in sorted order where
 * the cumulative weight reaches half the total; when it lands exactly on half, the midpoint of
 * it and the next value. `half` is half the total. Only for exactly summable weights (then the
 * cumulative sums are the same whatever their order). Returns NaN where sorting's answer could
 * differ in a way selection does not see: a zero result where some value is -0 (sorting orders
 * equal values by row, and -0 equals 0), and a midpoint of equal values so large their sum
 * overflows; the caller sorts then.
 */
export function weightedMedianOf(
  values: Float64Array,
  weights: Float64Array,
  count: number,
  half: number,
): number {
  let lo = 0;
  let hi = count;
  let before = 0; // the weight of every value below [lo, hi)
  for (;;) {
    const pivot = pivotOf(values, lo, hi);
    const [lt, gt] = partition(values, weights, lo, hi, pivot);
    let below = before;
    for (let i = lo; i < lt; i++) below += weights[i];
    if (below >= half) {
      hi = lt;
      continue;
    }
    let through = below;
    for (let i = lt; i < gt; i++) through += weights[i];
    if (through < half) {
      before = through;
      lo = gt;
      continue;
    }
    // The cumulative weight reaches half among the values equal to the pivot. Landing exactly
    // on half before the last of them gives the midpoint of two equal values: the pivot itself,
    // unless pivot + pivot overflows; landing on it at the last, the midpoint with the next.
    let result = pivot;
    if (through === half && gt < count) result = (pivot + minFrom(values, gt, count)) / 2;
    else if (through > half && Math.abs(pivot) > Number.MAX_VALUE / 2) return Number.NaN;
    if (result === 0 && pivot === 0) {
      for (let i = 0; i < count; i++) if (values[i] === 0 && 1 / values[i] < 0) return Number.NaN;
    }
    return result;
  }
}

/** The values of column `col` of the rows listed in rows[from, to), into `out`. */
export function gatherColumn(
  X: Matrix,
  rows: Int32Array,
  from: number,
  to: number,
  col: number,
  out: Float64Array,
): void {
  const { data, cols } = X;
  for (let r = from; r < to; r++) out[r - from] = data[rows[r] * cols + col];
}
