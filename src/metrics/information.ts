import { ValidationError } from '../errors.js';
import { type Table, tableOf } from './contingency.js';
import type { Label } from './labels.js';

/** How two entropies are averaged to normalise mutual information. */
export type AverageMethod = 'arithmetic' | 'geometric' | 'min' | 'max';

const EPSILON = 2.220446049250313e-16;

/** Shannon entropy (natural log) of a labelling's class proportions. */
export function entropy(counts: readonly number[]): number {
  const positive = counts.filter((c) => c > 0);
  if (positive.length <= 1) return 0;
  const total = positive.reduce((a, b) => a + b, 0);
  const logTotal = Math.log(total);
  let h = 0;
  for (const c of positive) h += (c / total) * (Math.log(c) - logTotal);
  return -h;
}

function mutualInformation(table: Table): number {
  const { counts, rowSums, colSums, n } = table;
  if (rowSums.length === 1 || colSums.length === 1) return 0;
  const logN = Math.log(n);
  let mi = 0;
  counts.forEach((row, i) => {
    row.forEach((c, j) => {
      if (c === 0) return;
      const p = c / n;
      const logOuter = -Math.log(rowSums[i] * colSums[j]) + 2 * logN;
      const term = p * (Math.log(c) - logN) + p * logOuter;
      // Terms within rounding of zero are zero, as scikit-learn rounds them.
      if (Math.abs(term) >= EPSILON) mi += term;
    });
  });
  return Math.max(mi, 0);
}

/** Mutual information between two labellings, in nats. */
export function mutualInfoScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number {
  return mutualInformation(tableOf(truth, pred));
}

function generalizedAverage(a: number, b: number, method: AverageMethod): number {
  switch (method) {
    case 'arithmetic':
      return (a + b) / 2;
    case 'geometric':
      return Math.sqrt(a * b);
    case 'min':
      return Math.min(a, b);
    case 'max':
      return Math.max(a, b);
    default:
      throw new ValidationError(
        'averageMethod',
        `must be 'arithmetic', 'geometric', 'min' or 'max'; got ${JSON.stringify(method)}`,
      );
  }
}

/** Options of the normalised and adjusted mutual information scores. */
export interface MutualInfoOptions {
  /** How the two entropies are averaged. Default 'arithmetic', as scikit-learn. */
  averageMethod?: AverageMethod;
}

function isTrivialSplit(table: Table): boolean {
  return table.rowSums.length === 1 && table.colSums.length === 1;
}

/** Mutual information normalised by the average of the two entropies; 1 is a perfect match. */
export function normalizedMutualInfoScore(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: MutualInfoOptions = {},
): number {
  const method = options.averageMethod ?? 'arithmetic';
  const table = tableOf(truth, pred);
  if (isTrivialSplit(table)) return 1;
  const mi = mutualInformation(table);
  if (mi === 0) return 0;
  return mi / generalizedAverage(entropy(table.rowSums), entropy(table.colSums), method);
}

/** Mutual information adjusted for chance (Vinh, Epps and Bailey); 1 is a perfect match, 0 chance level. */
export function adjustedMutualInfoScore(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: MutualInfoOptions = {},
): number {
  const method = options.averageMethod ?? 'arithmetic';
  const table = tableOf(truth, pred);
  if (isTrivialSplit(table)) return 1;
  const mi = mutualInformation(table);
  const emi = expectedMutualInformation(table);
  const normalizer = generalizedAverage(entropy(table.rowSums), entropy(table.colSums), method);
  let denominator = normalizer - emi;
  // Rounding can put emi a hair above the normaliser on a perfect match; keep the sign, avoid 0/0.
  denominator = denominator < 0 ? Math.min(denominator, -EPSILON) : Math.max(denominator, EPSILON);
  return (mi - emi) / denominator;
}

/** Expected mutual information under the hypergeometric model of random labellings with these margins. */
function expectedMutualInformation(table: Table): number {
  const { rowSums: a, colSums: b, n } = table;
  if (a.length === 1 || b.length === 1) return 0;
  const logN = Math.log(n);
  const lnN = logFactorial(n);
  let emi = 0;
  for (const ai of a) {
    for (const bj of b) {
      const start = Math.max(1, ai - n + bj);
      const end = Math.min(ai, bj);
      const fixed =
        logFactorial(ai) + logFactorial(bj) + logFactorial(n - ai) + logFactorial(n - bj) - lnN;
      for (let nij = start; nij <= end; nij++) {
        const term2 = logN + Math.log(nij) - Math.log(ai) - Math.log(bj);
        const gln =
          fixed -
          logFactorial(nij) -
          logFactorial(ai - nij) -
          logFactorial(bj - nij) -
          logFactorial(n - ai - bj + nij);
        emi += (nij / n) * term2 * Math.exp(gln);
      }
    }
  }
  return emi;
}

const SMALL_LOG_FACTORIALS: number[] = (() => {
  const out = [0];
  let f = 1;
  for (let i = 1; i <= 20; i++) {
    f *= i; // exact: 20! < 2^63 and every partial product is a float64 integer
    out.push(Math.log(f));
  }
  return out;
})();

/** ln(n!) for integer n >= 0: exact products up to 20, Stirling's series (to 1/n^7) above. */
export function logFactorial(n: number): number {
  if (n <= 20) return SMALL_LOG_FACTORIALS[n];
  const m = n + 1; // ln Γ(m)
  const inv = 1 / m;
  const inv2 = inv * inv;
  const series =
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  return (m - 0.5) * Math.log(m) - m + 0.5 * Math.log(2 * Math.PI) + series;
}

/** Homogeneity, completeness and V-measure together, as scikit-learn computes them. */
export function homogeneityCompletenessVMeasure(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: { beta?: number } = {},
): { homogeneity: number; completeness: number; vMeasure: number } {
  const beta = options.beta ?? 1;
  if (!(beta >= 0) || !Number.isFinite(beta))
    throw new ValidationError('beta', `must be a finite number >= 0; got ${beta}`);
  const table = tableOf(truth, pred);
  const hTruth = entropy(table.rowSums);
  const hPred = entropy(table.colSums);
  const mi = mutualInformation(table);
  const homogeneity = hTruth ? mi / hTruth : 1;
  const completeness = hPred ? mi / hPred : 1;
  const vMeasure =
    homogeneity + completeness === 0
      ? 0
      : ((1 + beta) * homogeneity * completeness) / (beta * homogeneity + completeness);
  return { homogeneity, completeness, vMeasure };
}

/** Homogeneity: each cluster holds members of a single class (1 = perfectly). */
export function homogeneityScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number {
  return homogeneityCompletenessVMeasure(truth, pred).homogeneity;
}

/** Completeness: all members of a class fall in the same cluster (1 = perfectly). */
export function completenessScore(truth: ArrayLike<Label>, pred: ArrayLike<Label>): number {
  return homogeneityCompletenessVMeasure(truth, pred).completeness;
}

/** V-measure: the weighted harmonic mean of homogeneity and completeness (beta = 1 by default). */
export function vMeasureScore(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: { beta?: number } = {},
): number {
  return homogeneityCompletenessVMeasure(truth, pred, options).vMeasure;
}
