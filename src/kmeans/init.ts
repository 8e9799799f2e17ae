import { ValidationError } from '../errors.js';
import type { BoundKernels } from '../kernels/types.js';
import { isMatrix, type Matrix, type MatrixLike, toMatrix } from '../matrix.js';
import type { Random } from '../random.js';
import type { RowSource } from '../row-source.js';
import { kMeansParallel } from './init-parallel.js';
import type { MetricStrategy } from './metric-strategies.js';
import { numpySum } from './numpy-sum.js';

/**
 * A user-supplied initialiser: return k centres for X (the model's own copy, already prepared
 * for the metric; do not modify it). Use `rng` for any randomness so `randomState` stays in charge.
 */
export type InitFunction = (X: Matrix, k: number, rng: Random) => MatrixLike;

/** How the first centres are chosen. */
export type InitOption = 'k-means++' | 'k-means||' | 'random' | MatrixLike | InitFunction;

/** The init names `init` accepts, in the order shown in messages. */
export const INIT_NAMES = ['k-means++', 'k-means||', 'random'] as const;

/** What an initialiser sees. */
export interface InitContext {
  /** X (prepared for the metric): held in memory, or read pass by pass by the kernels. */
  X: Matrix | RowSource;
  /** Rows of X by index, as float64 k x cols centres (read from the source where not in memory). */
  readRows(indices: readonly number[]): Float64Array;
  kernels: BoundKernels;
  k: number;
  weights: Float64Array;
  rng: Random;
  metric: MetricStrategy;
  /**
   * Kernels over another matrix held in memory (float64, e.g. k-means||'s weighted candidates),
   * by the fit's backend and threads, so a step on it gives the same bits on every backend. The
   * caller releases them.
   */
  bind(X: Matrix): BoundKernels;
}

/** One way of choosing starting centres, behind the same interface for every kind. */
export interface InitStrategy {
  readonly name: string;
  /** Restarts used when `nInit` is 'auto': 1 for deterministic or careful seeding, 10 for random. */
  readonly autoRestarts: number;
  /** k x cols centres, owned by the caller. */
  choose(context: InitContext): Float64Array;
}

/** Index of the first cumulative value >= target (numpy's searchsorted, side 'left'), clipped to n-1. */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, cumulative.length - 1);
}

/** Running sums in order, in float64 (scikit-learn's stable_cumsum). */
function cumulativeSum(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    out[i] = sum;
  }
  return out;
}

/** values x weights elementwise, or values themselves when the draws are not weighted. */
function weighted(values: Float64Array, weights: Float64Array | undefined): Float64Array {
  if (!weights) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * weights[i];
  return out;
}

/**
 * Greedy k-means++ as scikit-learn 1.2.1's `_kmeans_plusplus` consumes numpy's stream: the first
 * centre is `randint(n)`, then for each next one `2 + floor(ln k)` values `uniform() x potential`
 * are drawn together, each searched (side 'left') in the running sum of D(x) and clipped to
 * n - 1; the candidate whose potential (numpy's sum of min(D, D to it)) is lowest wins, the first
 * on ties. D is the metric's assignment distance (squared euclidean, by the fast form as
 * scikit-learn; L1 for manhattan). With `drawWeights`, every draw is in proportion to weight x D
 * instead, and the first centre by weight (k-means|| reclustering its weighted candidates).
 */
function greedyPlusPlus(
  { X, readRows, kernels, k, rng, metric }: InitContext,
  drawWeights: Float64Array | undefined,
): Float64Array {
  const n = X.rows;
  const trials = 2 + Math.floor(Math.log(k));
  // As scikit-learn, squared euclidean distances here come from the fast form: they only weigh
  // the draws, and the fast form costs a third of exact distances.
  const pairwise = (centers: Float64Array, count: number, out: Float64Array) =>
    metric.distance === 'sqeuclidean' && kernels.pairwiseFast
      ? kernels.pairwiseFast(centers, count, out)
      : kernels.pairwise(metric.distance, centers, count, out);
  let first: number;
  if (drawWeights) {
    const weightCumulative = cumulativeSum(drawWeights);
    first = searchCumulative(weightCumulative, rng.nextFloat() * weightCumulative[n - 1]);
  } else {
    first = rng.nextInt(n);
  }
  const chosen = [first];
  let closest: Float64Array = new Float64Array(n);
  pairwise(readRows([first]), 1, closest);
  let cost = weighted(closest, drawWeights);
  let potential = numpySum(cost);
  const candidateDistances = new Float64Array(n * trials);
  for (let c = 1; c < k; c++) {
    const cumulative = cumulativeSum(cost);
    const targets = Array.from({ length: trials }, () => rng.nextFloat() * potential);
    const candidates = targets.map((target) => searchCumulative(cumulative, target));
    pairwise(readRows(candidates), trials, candidateDistances);
    let best: { closest: Float64Array; cost: Float64Array; potential: number; trial: number } = {
      closest,
      cost,
      potential: Number.POSITIVE_INFINITY,
      trial: -1,
    };
    for (let t = 0; t < trials; t++) {
      const trialClosest = new Float64Array(n);
      for (let i = 0; i < n; i++)
        trialClosest[i] = Math.min(closest[i], candidateDistances[i * trials + t]);
      const trialCost = weighted(trialClosest, drawWeights);
      const trialPotential = numpySum(trialCost);
      if (best.trial < 0 || trialPotential < best.potential) {
        best = { closest: trialClosest, cost: trialCost, potential: trialPotential, trial: t };
      }
    }
    closest = best.closest;
    cost = best.cost;
    potential = best.potential;
    chosen.push(candidates[best.trial]);
  }
  return readRows(chosen);
}

/**
 * k-means++ as scikit-learn 1.2.1 runs it, drawing from numpy's stream exactly as it does (see
 * greedyPlusPlus). Sample weights take no part in the draws, as in 1.2.1 (1.3 and later weigh
 * the first centre and the candidates by them; lloyd follows 1.2.1, whose answers it matches).
 */
export const kMeansPlusPlus: InitStrategy = {
  name: 'k-means++',
  autoRestarts: 1,
  choose: (context) => greedyPlusPlus(context, undefined),
};

/** k-means++ with every draw in proportion to weight x D: k-means|| reclusters its candidates so. */
export const weightedKMeansPlusPlus: InitStrategy = {
  name: 'weighted k-means++',
  autoRestarts: 1,
  choose: (context) => greedyPlusPlus(context, context.weights),
};

/**
 * k-means|| (Bahmani et al., 2012) as Spark runs it, its weighted candidates reclustered by the
 * greedy k-means++ above, its draws weighted (see init-parallel.ts; k-means++ is passed in so that
 * file needs no values from this one).
 */
const kMeansParallelInit = kMeansParallel(weightedKMeansPlusPlus);

/**
 * k distinct rows, the first k of numpy's `permutation(n)`, as scikit-learn 1.2.1 draws them.
 * Sample weights take no part in the draw, as in scikit-learn (a zero-weight row can be a start).
 */
export const randomRows: InitStrategy = {
  name: 'random',
  autoRestarts: 10,
  choose({ X, readRows, k, rng }) {
    return readRows(Array.from(rng.permutation(X.rows).subarray(0, k)));
  },
};

/** Explicit starting centres, validated against the data's shape and copied. */
export function explicitCenters(init: MatrixLike): InitStrategy {
  return {
    name: 'array',
    autoRestarts: 1,
    choose({ X, k }) {
      return Float64Array.from(toMatrix(init, { name: 'init', rows: k, cols: X.cols }).data);
    },
  };
}

/** Centres from a user function, validated like an explicit array. */
export function functionCenters(init: InitFunction): InitStrategy {
  return {
    name: 'function',
    autoRestarts: 10,
    choose({ X, k, rng }) {
      if (!isMatrix(X))
        throw new ValidationError(
          'init',
          'a function init receives X as a matrix, and X is read pass by pass here; pass the centres as an array, or use k-means++, k-means|| or random',
        );
      const centers = init(X, k, rng);
      return Float64Array.from(toMatrix(centers, { name: 'init', rows: k, cols: X.cols }).data);
    },
  };
}

/** The strategy for an `init` option, or a clear error. */
export function initStrategy(init: unknown): InitStrategy {
  if (init === 'k-means++') return kMeansPlusPlus;
  if (init === 'k-means||') return kMeansParallelInit;
  if (init === 'random') return randomRows;
  if (typeof init === 'function') return functionCenters(init as InitFunction);
  if (typeof init === 'object' && init !== null) return explicitCenters(init as MatrixLike);
  throw new ValidationError(
    'init',
    `unknown init ${JSON.stringify(init)}; use 'k-means++', 'k-means||', 'random', a k x d array of centres, or a function (X, k, rng) => centres`,
  );
}
