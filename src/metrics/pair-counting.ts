import { type Table, tableOf } from './contingency.js';
import type { Label } from './labels.js';

/**
 * Pair counts as scikit-learn's pair_confusion_matrix, exact in BigInt (they reach n², past
 * float64's exact integers for large n): [[tn, fp], [fn, tp]] over ordered pairs.
 */
function pairConfusion(table: Table): { tn: bigint; fp: bigint; fn: bigint; tp: bigint } {
  const n = BigInt(table.n);
  let sumSquares = 0n;
  for (const row of table.counts) for (const c of row) sumSquares += BigInt(c) * BigInt(c);
  let rowDot = 0n; // sum_ij c_ij * colSum_j
  let colDot = 0n; // sum_ij c_ij * rowSum_i
  table.counts.forEach((row, i) => {
    row.forEach((c, j) => {
      rowDot += BigInt(c) * BigInt(table.colSums[j]);
      colDot += BigInt(c) * BigInt(table.rowSums[i]);
    });
  });
  const tp = sumSquares - n;
  const fp = rowDot - sumSquares;
  const fn = colDot - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  return { tn, fp, fn, tp };
}

/** Rand index: the share of sample pairs on which the two labellings agree. */
export function randScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number {
  const { tn, fp, fn, tp } = pairConfusion(tableOf(truth, pred));
  const agree = tn + tp;
  const total = tn + fp + fn + tp;
  if (agree === total || total === 0n) return 1;
  return Number(agree) / Number(total);
}

/** Adjusted Rand index (Hubert and Arabie): the Rand index corrected for chance; 1 is a perfect match. */
export function adjustedRandScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number {
  const { tn, fp, fn, tp } = pairConfusion(tableOf(truth, pred));
  if (fn === 0n && fp === 0n) return 1;
  const numerator = 2n * (tp * tn - fn * fp);
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return bigRatio(numerator, denominator);
}

/** Fowlkes-Mallows index: the geometric mean of pairwise precision and recall. */
export function fowlkesMallowsScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number {
  const table = tableOf(truth, pred);
  const n = table.n;
  let tk = -n;
  for (const row of table.counts) for (const c of row) tk += c * c;
  const pk = table.colSums.reduce((a, c) => a + c * c, 0) - n;
  const qk = table.rowSums.reduce((a, c) => a + c * c, 0) - n;
  return tk !== 0 ? Math.sqrt(tk / pk) * Math.sqrt(tk / qk) : 0;
}

/** a / b for big integers, rounded once, even when both exceed float64's range of exact integers. */
function bigRatio(a: bigint, b: bigint): number {
  const scale = 10n ** 18n;
  const whole = a / b;
  const rest = ((a % b) * scale) / b;
  return Number(whole) + Number(rest) / 1e18;
}
