import { tableOf } from './contingency.js';
import type { Label } from './labels.js';

/** Options of {@link purityScore}. */
export interface PurityOptions {
  /** Return each cluster's purity (in sorted cluster order) instead of the overall score. */
  perCluster?: boolean;
}

/**
 * Purity: the share of samples that belong to the majority true class of their cluster.
 * With `perCluster`, each cluster's majority share, in the order of the sorted cluster labels
 * (the columns of {@link contingencyMatrix}).
 */
export function purityScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number;
export function purityScore(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: { perCluster: true },
): number[];
export function purityScore(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options?: PurityOptions,
): number | number[];
export function purityScore(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: PurityOptions = {},
): number | number[] {
  const { n, counts, colSums } = tableOf(truth, pred);
  const majority = colSums.map((_, j) => Math.max(...counts.map((row) => row[j])));
  if (options.perCluster) return majority.map((m, j) => m / colSums[j]);
  return majority.reduce((a, b) => a + b, 0) / n;
}
