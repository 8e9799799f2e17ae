import { describeValue, positiveInteger, ValidationError } from '../errors.js';
import { paddedClusters } from '../kernels/blocks.js';
import { type BackendOption, resolveBackend } from '../kernels/select.js';
import type { BoundsMethod, DistanceKind, KernelBackend } from '../kernels/types.js';
import { checkDType, type DType } from '../matrix.js';
import { availableCores } from '../parallel/pool.js';
import { checkSeed } from '../random.js';
import { type InitOption, type InitStrategy, initStrategy } from './init.js';
import type { IterationCallback } from './lloyd.js';
import { type MetricName, type MetricStrategy, metricStrategy } from './metric-strategies.js';

/** Every `algorithm` value, 'auto' first. */
export const ALGORITHMS = ['auto', 'lloyd', 'hamerly', 'elkan', 'optimal-1d'] as const;

/**
 * How each iteration finds the nearest centres; every choice of Lloyd's gives the same result.
 * 'optimal-1d' runs no iterations: on one feature it finds the exact optimum by dynamic programming.
 */
export type AlgorithmName = (typeof ALGORITHMS)[number];

/** From this k on, 'auto' keeps Hamerly's bounds (see bench/results). */
const HAMERLY_FROM_K = 8;

/**
 * From this k on, 'auto' keeps Elkan's bounds instead where they take at most half of X's bytes
 * (d large against k). Fashion-MNIST (d = 784) float32 to convergence, 2 threads, ms per
 * iteration Hamerly / Elkan: k = 16 31 / 31, k = 32 35 / 27, k = 64 56 / 28, k = 256 451 / 107;
 * blobs 1M x 16 k = 64 (bounds 4x X's size, so never chosen): 35 / 91.
 */
const ELKAN_FROM_K = 32;

/**
 * From this k x d on, 'auto' on the native backend runs plain Lloyd (see boundsForFit and
 * docs/performance.md for the measurements).
 */
const NATIVE_PLAIN_FROM_WORK = 2 ** 15;

/** Options of {@link KMeans}. Every one but `nClusters` has a default. */
export interface KMeansOptions {
  /** Number of clusters k. Default 8, as scikit-learn. */
  nClusters?: number;
  /**
   * 'k-means++' (default, greedy), 'k-means||' (Bahmani et al.'s parallel k-means++: a few passes
   * over X, for large n and k), 'random', a k x d array of centres, or a function (X, k, rng).
   */
  init?: InitOption;
  /**
   * Restarts; the lowest inertia wins. 'auto' (default): 1 for k-means++, k-means|| and arrays, 10
   * for random and functions. Explicit centres run once whatever the value, with a warning.
   */
  nInit?: number | 'auto';
  /** Iterations per restart at most. Default 300. */
  maxIter?: number;
  /** Relative tolerance: stop when the summed squared centre shift <= tol x mean feature variance. Default 1e-4. */
  tol?: number;
  /** 'euclidean' (k-means, default), 'manhattan' (k-medians) or 'cosine' (spherical k-means). */
  metric?: MetricName;
  /**
   * Seed for every random choice, an integer in [0, 2^32 - 1]: the draws are numpy's
   * `RandomState(seed)` stream, consumed as scikit-learn 1.2.1 consumes it, so a seed gives
   * scikit-learn's `random_state=seed` result. Without it, a random seed is drawn.
   */
  randomState?: number;
  /** Element type of the working copy of X. Default 'float64'. */
  dtype?: DType;
  /** Compute backend: 'auto' (default: WebAssembly SIMD where available), 'wasm', 'reference', or your own. */
  backend?: BackendOption;
  /**
   * 'lloyd' computes every distance each iteration; 'hamerly' keeps Hamerly's bounds (O(n)) and
   * 'elkan' Elkan's (n x k float32 lower bounds: more memory, fewer distances) to skip most of
   * them, with exactly the same result. 'auto' (default) uses Hamerly's bounds from k >= 8, and
   * Elkan's from k >= 32 where they take at most half of X's bytes (k <= d / 2 in float32, k <= d
   * in float64); pass 'hamerly' to keep the working memory O(n + k·d). With metric 'manhattan'
   * the bounds are Hamerly's on L1 distances ('elkan' keeps them too; 'auto' from k >= 8). 'optimal-1d' (X of one
   * column, euclidean) solves k-means exactly by dynamic programming (Ckmeans.1d.dp) instead of
   * iterating: the least inertia of any clustering, clusters numbered by ascending centre.
   */
  algorithm?: AlgorithmName;
  /** Threads for the WebAssembly backend, the caller's included. Default: every available core. */
  threads?: number;
  /** Called after every iteration; return false to stop the fit. */
  onIteration?: IterationCallback;
}

/** Options after validation, defaults filled in. */
export interface ResolvedOptions {
  nClusters: number;
  init: InitOption;
  initStrategy: InitStrategy;
  nInit: number;
  maxIter: number;
  tol: number;
  metric: MetricStrategy;
  randomState: number | undefined;
  dtype: DType;
  backend: KernelBackend;
  algorithm: AlgorithmName;
  threads: number;
  onIteration: IterationCallback | undefined;
}

const KNOWN_OPTIONS = new Set([
  'nClusters',
  'init',
  'nInit',
  'maxIter',
  'tol',
  'metric',
  'randomState',
  'dtype',
  'backend',
  'threads',
  'algorithm',
  'onIteration',
]);

/** Checks every option and fills defaults; throws a {@link ValidationError} naming the first bad one. */
export function resolveOptions(options: KMeansOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', `must be an object; got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new ValidationError(
        key,
        `is not a KMeans option; known options: ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const nClusters = positiveInteger('nClusters', orDefault(options.nClusters, 8));
  const init = orDefault(options.init, 'k-means++');
  const strategy = initStrategy(init);
  const nInitOption = orDefault(options.nInit, 'auto');
  const nInit =
    nInitOption === 'auto' ? strategy.autoRestarts : positiveInteger('nInit', nInitOption);
  const maxIter = positiveInteger('maxIter', orDefault(options.maxIter, 300));
  const tol = orDefault(options.tol, 1e-4);
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) {
    throw new ValidationError('tol', `must be a finite number >= 0; got ${describeValue(tol)}`);
  }
  const metric = metricStrategy(orDefault(options.metric, 'euclidean'));
  const randomState =
    options.randomState === undefined ? undefined : checkSeed('randomState', options.randomState);
  const dtype = checkDType(orDefault(options.dtype, 'float64'));
  const backend = resolveBackend(orDefault<BackendOption>(options.backend, 'auto'));
  const threads = positiveInteger('threads', orDefault(options.threads, availableCores()));
  const algorithm = orDefault<AlgorithmName>(options.algorithm, 'auto');
  if (!ALGORITHMS.includes(algorithm)) {
    throw new ValidationError(
      'algorithm',
      `must be one of ${ALGORITHMS.join(', ')}; got ${describeValue(algorithm)}`,
    );
  }
  if (algorithm === 'optimal-1d' && metric.name !== 'euclidean')
    throw new ValidationError(
      'algorithm',
      `'optimal-1d' minimises squared euclidean distances; it needs metric 'euclidean', got '${metric.name}'`,
    );
  const onIteration = options.onIteration;
  if (onIteration !== undefined && typeof onIteration !== 'function') {
    throw new ValidationError(
      'onIteration',
      `must be a function; got ${describeValue(onIteration)}`,
    );
  }
  return {
    nClusters,
    init,
    initStrategy: strategy,
    nInit,
    maxIter,
    tol,
    metric,
    randomState,
    dtype,
    backend,
    algorithm,
    threads,
    onIteration,
  };
}

/** Only `undefined` means "use the default"; `null` and other values are validated as given. */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * The most bytes of X and Elkan's bounds together that 'auto' lets Elkan's bounds take: the
 * kernels hold both in one WebAssembly memory (4 GiB at most) beside their other buffers.
 */
const ELKAN_AUTO_MAX_BYTES = 2.5 * 2 ** 30;

/**
 * The bounds a fit keeps, if any: those `algorithm` names, or for 'auto' Hamerly's from k >= 8
 * and Elkan's from k >= 32 where their n x k float32 lower bounds (k padded to four) take at most
 * half of X's bytes, X being `rows` x `cols` values in `dtype`, and X and the bounds together fit
 * in ELKAN_AUTO_MAX_BYTES (else Hamerly's, whose bounds are O(n)); none for 'auto' on the
 * `backend` named 'native' from k x d = NATIVE_PLAIN_FROM_WORK. For L1 distances (`distance`
 * 'manhattan') the kernels keep Hamerly's bounds only: 'hamerly' and 'elkan' keep them, and
 * 'auto' from k >= 8 (a bounded L1 pass costs a plain one at most, plus one exact distance a
 * row: see docs/performance.md).
 */
export function boundsForFit(
  algorithm: AlgorithmName,
  k: number,
  rows: number,
  cols: number,
  dtype: DType,
  backend?: string,
  distance: DistanceKind = 'sqeuclidean',
): BoundsMethod | undefined {
  if (distance === 'manhattan')
    return algorithm === 'hamerly' ||
      algorithm === 'elkan' ||
      (algorithm === 'auto' && k >= HAMERLY_FROM_K)
      ? 'hamerly'
      : undefined;
  if (algorithm === 'hamerly' || algorithm === 'elkan') return algorithm;
  if (algorithm !== 'auto' || k < HAMERLY_FROM_K) return undefined;
  // The bounded passes stay WebAssembly on the native backend, whose plain pass outruns them
  // where a row's scan is long (k x d large); where it is short, bounds still save more.
  if (backend === 'native' && k * cols >= NATIVE_PLAIN_FROM_WORK) return undefined;
  const boundBytes = paddedClusters(k) * 4;
  const rowBytes = cols * (dtype === 'float32' ? 4 : 8);
  const fits = rows * (boundBytes + rowBytes) <= ELKAN_AUTO_MAX_BYTES;
  return k >= ELKAN_FROM_K && 2 * boundBytes <= rowBytes && fits ? 'elkan' : 'hamerly';
}
