import { describeValue, positiveInteger, ValidationError } from '../../errors.js';
import { type BackendOption, resolveBackend } from '../../kernels/select.js';
import type { KernelBackend } from '../../kernels/types.js';
import { checkDType, type DType } from '../../matrix.js';
import { availableCores } from '../../parallel/pool.js';
import { checkSeed } from '../../random.js';
import { type InitOption, type InitStrategy, initStrategy } from '../init.js';

/** Options of {@link MiniBatchKMeans}; every one has scikit-learn 1.2.1's default. */
export interface MiniBatchKMeansOptions {
  /** Number of clusters k. Default 8. */
  nClusters?: number;
  /** 'k-means++' (default), 'k-means||', 'random', a k x d array of centres, or a function (X, k, rng). */
  init?: InitOption;
  /**
   * Initialisations tried, each scored on the same validation sample; the best one is run.
   * Default 3 (scikit-learn 1.2.1). 'auto': 1 for k-means++ and arrays, 3 otherwise (1.4's
   * rule). An array of centres always runs once.
   */
  nInit?: number | 'auto';
  /** Passes over X at most: the fit takes floor(maxIter x n / batchSize) steps at most. Default 100. */
  maxIter?: number;
  /** Rows per batch, drawn with replacement. Default 1024. */
  batchSize?: number;
  /**
   * Stop when the summed squared centre move of a step is at most tol x mean feature variance.
   * Default 0 (off).
   */
  tol?: number;
  /**
   * Stop after this many steps in a row without a new lowest smoothed batch inertia; null turns
   * the rule off. Default 10.
   */
  maxNoImprovement?: number | null;
  /** Rows drawn (with replacement) to initialise from. Default 3 x batchSize (at least 3k), at most n. */
  initSize?: number;
  /**
   * Centres whose count falls below this fraction of the largest count are moved to random rows
   * of the batch, every 10k rows seen or when a centre has count 0. 0 turns it off. Default 0.01.
   */
  reassignmentRatio?: number;
  /** Whether fit (and partialFit) assign every row at the end for `labels` and `inertia`. Default true. */
  computeLabels?: boolean;
  /** Seed for every random choice. Without it, a random seed is drawn. */
  randomState?: number;
  /** Element type of the working copy of X. Default 'float64'. */
  dtype?: DType;
  /** Compute backend: 'auto' (default), 'wasm', 'reference', or your own. */
  backend?: BackendOption;
  /** Threads for the WebAssembly backend, the caller's included. Default: every available core. */
  threads?: number;
}

/** Options after validation, defaults filled in (initSize stays per fit: it depends on n). */
export interface ResolvedMiniBatchOptions {
  nClusters: number;
  init: InitOption;
  initStrategy: InitStrategy;
  nInit: number;
  maxIter: number;
  batchSize: number;
  tol: number;
  maxNoImprovement: number | null;
  initSize: number | undefined;
  reassignmentRatio: number;
  computeLabels: boolean;
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
  'batchSize',
  'tol',
  'maxNoImprovement',
  'initSize',
  'reassignmentRatio',
  'computeLabels',
  'randomState',
  'dtype',
  'backend',
  'threads',
];

/** Checks every option and fills defaults; throws a {@link ValidationError} naming the first bad one. */
export function resolveMiniBatchOptions(
  options: MiniBatchKMeansOptions = {},
): ResolvedMiniBatchOptions {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', `must be an object; got ${describeValue(options)}`);
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.includes(key))
      throw new ValidationError(
        key,
        `is not a MiniBatchKMeans option; known options: ${KNOWN_OPTIONS.join(', ')}`,
      );
  const nClusters = positiveInteger('nClusters', orDefault(options.nClusters, 8));
  const init = orDefault(options.init, 'k-means++');
  const strategy = initStrategy(init);
  const nInitOption = orDefault(options.nInit, 3);
  const fixedCenters = strategy.name === 'array';
  const nInit = fixedCenters
    ? 1
    : nInitOption === 'auto'
      ? strategy.name === 'k-means++'
        ? 1
        : 3
      : positiveInteger('nInit', nInitOption);
  const maxIter = positiveInteger('maxIter', orDefault(options.maxIter, 100));
  const batchSize = positiveInteger('batchSize', orDefault(options.batchSize, 1024));
  const tol = nonNegative('tol', orDefault(options.tol, 0));
  const maxNoImprovement =
    options.maxNoImprovement === null
      ? null
      : positiveInteger('maxNoImprovement', orDefault(options.maxNoImprovement, 10));
  const initSize =
    options.initSize === undefined ? undefined : positiveInteger('initSize', options.initSize);
  const reassignmentRatio = nonNegative(
    'reassignmentRatio',
    orDefault(options.reassignmentRatio, 0.01),
  );
  const computeLabels = orDefault(options.computeLabels, true);
  if (typeof computeLabels !== 'boolean')
    throw new ValidationError(
      'computeLabels',
      `must be true or false; got ${describeValue(computeLabels)}`,
    );
  return {
    nClusters,
    init,
    initStrategy: strategy,
    nInit,
    maxIter,
    batchSize,
    tol,
    maxNoImprovement,
    initSize,
    reassignmentRatio,
    computeLabels,
    randomState: seedOption(options.randomState),
    dtype: checkDType(orDefault(options.dtype, 'float64')),
    backend: resolveBackend(orDefault<BackendOption>(options.backend, 'auto')),
    threads: positiveInteger('threads', orDefault(options.threads, availableCores())),
  };
}

/** `value` when it is a finite number >= 0; else a {@link ValidationError} naming `parameter`. */
export function nonNegative(parameter: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ValidationError(
      parameter,
      `must be a finite number >= 0; got ${describeValue(value)}`,
    );
  return value;
}

/** A seed numpy accepts (an integer in [0, 2^32 - 1]), or undefined for a random one. */
export function seedOption(value: unknown): number | undefined {
  return value === undefined ? undefined : checkSeed('randomState', value);
}

/** Only `undefined` means "use the default"; `null` and other values are validated as given. */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
