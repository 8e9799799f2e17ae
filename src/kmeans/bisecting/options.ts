import { describeValue, positiveInteger, ValidationError } from '../../errors.js';
import { type BackendOption, resolveBackend } from '../../kernels/select.js';
import type { KernelBackend } from '../../kernels/types.js';
import { checkDType, type DType } from '../../matrix.js';
import { availableCores } from '../../parallel/pool.js';
import { nonNegative, orDefault, seedOption } from '../minibatch/options.js';

/** Every `bisectingStrategy` value. */
export const BISECTING_STRATEGIES = ['biggest_inertia', 'largest_cluster'] as const;

/** Which leaf is split next: the one with the largest inertia, or with the most rows. */
export type BisectingStrategy = (typeof BISECTING_STRATEGIES)[number];

/** Every `init` value of BisectingKMeans (each bisection's two starting centres). */
export const BISECTING_INITS = ['random', 'k-means++'] as const;

/** How each bisection chooses its two starting centres. */
export type BisectingInit = (typeof BISECTING_INITS)[number];

/** Options of {@link BisectingKMeans}; every one has scikit-learn's default. */
export interface BisectingKMeansOptions {
  /** Number of leaves k. Default 8. */
  nClusters?: number;
  /** Each bisection's starting centres: 'random' (default: two distinct rows) or 'k-means++'. */
  init?: BisectingInit;
  /** Inner 2-means fits per bisection; the lowest inertia wins. Default 1. */
  nInit?: number;
  /** Iterations per inner fit at most. Default 300. */
  maxIter?: number;
  /**
   * An inner fit stops when its squared centre shift is at most tol. As scikit-learn's
   * BisectingKMeans, tol is used as given (not scaled by the feature variance). Default 1e-4.
   */
  tol?: number;
  /** Which leaf to split next. Default 'biggest_inertia'. */
  bisectingStrategy?: BisectingStrategy;
  /** Seed for every random choice. Without it, a random seed is drawn. */
  randomState?: number;
  /** Element type of the working copy of X. Default 'float64'. */
  dtype?: DType;
  /** Compute backend: 'auto' (default), 'wasm', 'reference', or your own. */
  backend?: BackendOption;
  /** Threads for the WebAssembly backend, the caller's included. Default: every available core. */
  threads?: number;
}

/** Options after validation, defaults filled in. */
export interface ResolvedBisectingOptions {
  nClusters: number;
  init: BisectingInit;
  nInit: number;
  maxIter: number;
  tol: number;
  bisectingStrategy: BisectingStrategy;
  randomState: number | undefined;
  dtype: DType;
  backend: KernelBackend;
  threads: number;
}

const KNOWN_OPTIONS = [
  'nClusters',
  'init',
  'nInit',
  'maxIter',
  'tol',
  'bisectingStrategy',
  'randomState',
  'dtype',
  'backend',
  'threads',
];

/** Checks every option and fills defaults; throws a {@link ValidationError} naming the first bad one. */
export function resolveBisectingOptions(
  options: BisectingKMeansOptions = {},
): ResolvedBisectingOptions {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', `must be an object; got ${describeValue(options)}`);
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.includes(key))
      throw new ValidationError(
        key,
        `is not a BisectingKMeans option; known options: ${KNOWN_OPTIONS.join(', ')}`,
      );
  const init = orDefault<BisectingInit>(options.init, 'random');
  if (!BISECTING_INITS.includes(init))
    throw new ValidationError(
      'init',
      `must be one of ${BISECTING_INITS.join(', ')}; got ${describeValue(init)}`,
    );
  const bisectingStrategy = orDefault<BisectingStrategy>(
    options.bisectingStrategy,
    'biggest_inertia',
  );
  if (!BISECTING_STRATEGIES.includes(bisectingStrategy))
    throw new ValidationError(
      'bisectingStrategy',
      `must be one of ${BISECTING_STRATEGIES.join(', ')}; got ${describeValue(bisectingStrategy)}`,
    );
  return {
    nClusters: positiveInteger('nClusters', orDefault(options.nClusters, 8)),
    init,
    nInit: positiveInteger('nInit', orDefault(options.nInit, 1)),
    maxIter: positiveInteger('maxIter', orDefault(options.maxIter, 300)),
    tol: nonNegative('tol', orDefault(options.tol, 1e-4)),
    bisectingStrategy,
    randomState: seedOption(options.randomState),
    dtype: checkDType(orDefault(options.dtype, 'float64')),
    backend: resolveBackend(orDefault<BackendOption>(options.backend, 'auto')),
    threads: positiveInteger('threads', orDefault(options.threads, availableCores())),
  };
}
