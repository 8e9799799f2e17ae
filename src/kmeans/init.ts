import { ValidationError } from '../errors.js';
import type { BoundKernels } from '../kernels/types.js';
import { isMatrix, type Matrix, type MatrixLike, toMatrix } from '../matrix.js';
import type { Random } from '../random.js';
import type { RowSource } from '../row-source.js';
import { kMeansParallel } from './init-parallel.js';
import type { MetricStrategy } from './metric-strategies.js';

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

function cumulativeSum(values: Float64Array, scale?: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += scale ? values[i] * scale[i] : values[i];
    out[i] = sum;
  }
  return out;
}

/**
 * Greedy k-means++ as scikit-learn runs it: the first centre drawn by weight, then each next one
 * the best of 2 + floor(ln k) candidates drawn in proportion to weight x D(x), where D is the
 * metric's assignment distance (squared euclidean; L1 for manhattan).
 */
export const kMeansPlusPlus: InitStrategy = {
  name: 'k-means++',
  autoRestarts: 1,
  choose({ X, readRows, kernels, k, weights, rng, metric }) {
    const n = X.rows;
    const trials = 2 + Math.floor(Math.log(k));
    // As scikit-learn, squared euclidean distances here come from the fast form: they only weigh
    // the draws, and the fast form costs a third of exact distances.
    const pairwise = (centers: Float64Array, count: number, out: Float64Array) =>
      metric.distance === 'sqeuclidean' && kernels.pairwiseFast
        ? kernels.pairwiseFast(centers, count, out)
        : kernels.pairwise(metric.distance, centers, count, out);
    const weightCumulative = cumulativeSum(weights);
    const first = searchCumulative(weightCumulative, rng.nextFloat() * weightCumulative[n - 1]);
    const chosen = [first];
    let closest = new Float64Array(n);
    pairwise(readRows([first]), 1, closest);
    let potential = dot(closest, weights);
    const candidateDistances = new Float64Array(n * trials);
    for (let c = 1; c < k; c++) {
      const cumulative = cumulativeSum(closest, weights);
      const candidates: number[] = [];
      for (let t = 0; t < trials; t++)
        candidates.push(searchCumulative(cumulative, rng.nextFloat() * potential));
      pairwise(readRows(candidates), trials, candidateDistances);
      let bestTrial = 0;
      let bestPotential = Number.POSITIVE_INFINITY;
      for (let t = 0; t < trials; t++) {
        let p = 0;
        for (let i = 0; i < n; i++)
          p += Math.min(closest[i], candidateDistances[i * trials + t]) * weights[i];
        if (p < bestPotential) {
          bestPotential = p;
          bestTrial = t;
        }
      }
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++)
        next[i] = Math.min(closest[i], candidateDistances[i * trials + bestTrial]);
      closest = next;
      potential = bestPotential;
      chosen.push(candidates[bestTrial]);
    }
    return readRows(chosen);
  },
};

/**
 * k-means|| (Bahmani et al., 2012) as Spark runs it, its weighted candidates reclustered by the
 * greedy k-means++ above (see init-parallel.ts; k-means++ is passed in so that file needs no
 * values from this one).
 */
const kMeansParallelInit = kMeansParallel(kMeansPlusPlus);

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** k distinct rows drawn without replacement, each in proportion to its weight. */
export const randomRows: InitStrategy = {
  name: 'random',
  autoRestarts: 10,
  choose({ X, readRows, k, weights, rng }) {
    const n = X.rows;
    const uniform = weights.every((w) => w === weights[0]);
    if (uniform) {
      // A partial Fisher-Yates shuffle: k draws, each row at most once.
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let j = 0; j < k; j++) {
        const r = j + rng.nextInt(n - j);
        [order[j], order[r]] = [order[r], order[j]];
      }
      return readRows(Array.from(order.subarray(0, k)));
    }
    let positive = 0;
    for (const w of weights) if (w > 0) positive++;
    if (positive < k) {
      throw new ValidationError(
        'sampleWeight',
        `random init draws ${k} distinct rows by weight, but only ${positive} rows have a positive weight`,
      );
    }
    const taken = new Uint8Array(n);
    let remaining = 0;
    for (const w of weights) remaining += w;
    const chosen: number[] = [];
    for (let j = 0; j < k; j++) {
      const target = rng.nextFloat() * remaining;
      let acc = 0;
      let pick = -1;
      for (let i = 0; i < n; i++) {
        if (taken[i] || weights[i] <= 0) continue;
        pick = i;
        acc += weights[i];
        if (acc > target) break;
      }
      taken[pick] = 1;
      remaining -= weights[pick];
      chosen.push(pick);
    }
    return readRows(chosen);
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
