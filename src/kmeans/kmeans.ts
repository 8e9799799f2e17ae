import type { FileRowsLayout } from '../data/file-rows.js';
import { NotFittedError, ValidationError } from '../errors.js';
import { compensatedWeightedSum } from '../kernels/summation.js';
import type { AllocatedMatrix, BoundKernels } from '../kernels/types.js';
import {
  assertFinite,
  type DType,
  flatToRows,
  isMatrix,
  type Matrix,
  type MatrixLike,
  matrixToRows,
  toMatrix,
  zerosMatrix,
} from '../matrix.js';
import { optimalOneDimensionalFit } from '../oned/optimal-fit.js';
import { Random } from '../random.js';
import { isRowSource, type RowSource } from '../row-source.js';
import { runFitWorker } from './fit-async.js';
import type { FittedState } from './fitted-state.js';
import { initStrategy as resolveInit } from './init.js';
import { type LloydResult, runLloyd } from './lloyd.js';
import { type MetricStrategy, metricStrategy } from './metric-strategies.js';
import { type KMeansJSON, stateFromJSON, stateToJSON } from './model-json.js';
import {
  boundsForFit,
  type KMeansOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { resolveSampleWeight } from './weights.js';

/**
 * X as `fit`, `predict`, `transform` and `score` take it: rows of numbers or a Matrix, held in
 * memory, or a RowSource (see openRows) read pass by pass and never held whole.
 */
export type FitInput = MatrixLike | RowSource;

/** Whether `X` is a file's rows opened by openRows (its layout can cross to a worker). */
function isFileRows(X: unknown): X is RowSource & { layout: FileRowsLayout } {
  return isRowSource(X) && typeof (X as { layout?: unknown }).layout === 'object';
}

/** Per-call options of `fit`. */
export interface FitOptions {
  /** One non-negative weight per row; not all zero. */
  sampleWeight?: ArrayLike<number>;
}

/** Options of {@link KMeans.fitAsync}. */
export interface FitAsyncOptions extends FitOptions {
  /** Aborting ends the worker at once and rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
  /**
   * The fit worker's script: the URL of lloyd's `lloyd/fit-worker` module where a bundler did not
   * bring it along (esbuild, a Node bundle), as a URL or a string a Worker accepts. Default:
   * `fit-worker.js` beside lloyd's own module, which Vite and webpack 5 bundle by themselves.
   * A worker that cannot start rejects the fit with an error naming the URL it tried.
   */
  workerUrl?: string | URL;
}

/**
 * K-means clustering with scikit-learn's semantics (Lloyd's algorithm), plus k-medians
 * (`metric: 'manhattan'`) and spherical k-means (`metric: 'cosine'`).
 *
 * ```ts
 * const km = new KMeans({ nClusters: 3, randomState: 42 }).fit(X);
 * km.labels; km.centroids; km.inertia; km.predict(Xnew);
 * ```
 */
export class KMeans {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<ResolvedOptions>;
  private state: FittedState | undefined;

  /** The options as given, for fitAsync to send on. */
  private readonly requested: KMeansOptions;

  /** The fit running on this instance, if any: another fit is refused until it ends. */
  private running: 'fit' | 'fitAsync' | undefined;

  constructor(options: KMeansOptions = {}) {
    // Frozen: options changed after construction would skip validation.
    this.options = Object.freeze(resolveOptions(options));
    this.requested = { ...options };
  }

  /**
   * Clusters X (rows of numbers, a Matrix, or a RowSource read pass by pass). Synchronous;
   * returns `this`. X is never modified.
   * Throws a {@link ValidationError} while a `fitAsync` on this instance has not settled (one fit
   * at a time per instance: see `fitAsync`).
   */
  fit(X: FitInput, fitOptions: FitOptions = {}): this {
    this.claim('fit');
    try {
      return this.fitHere(X, fitOptions);
    } finally {
      this.running = undefined;
    }
  }

  /**
   * One fit at a time per instance: a second fit or fitAsync while one runs (a fitAsync not yet
   * settled, or a fit called from the running fit's onIteration) is refused, so a result is never
   * replaced by one that happened to finish later. Reading the model meanwhile sees the last
   * finished fit.
   */
  private claim(method: 'fit' | 'fitAsync'): void {
    if (this.running === 'fitAsync')
      throw new ValidationError(
        method,
        'this KMeans is busy: its fitAsync has not settled; await it (or abort it) before fitting again, or use another instance',
      );
    if (this.running === 'fit')
      throw new ValidationError(
        method,
        'this KMeans is busy: a fit on it is running (called from its onIteration or init); use another instance',
      );
    this.running = method;
  }

  private fitHere(X: FitInput, fitOptions: FitOptions): this {
    const opts = this.options;
    if (opts.algorithm === 'optimal-1d') return this.fitOptimal(X, fitOptions);
    const k = opts.nClusters;
    let weights: Float64Array = new Float64Array(0);
    const { data, kernels } = bindData(X, opts, opts.dtype, undefined, (shape) => {
      if (k > shape.rows) {
        throw new ValidationError(
          'nClusters',
          `must be at most the number of rows of X (${shape.rows}); got ${k}`,
        );
      }
      weights = resolveSampleWeight(fitOptions.sampleWeight, shape.rows);
    });
    let tolerance = 0;
    try {
      tolerance = opts.tol === 0 ? 0 : opts.tol * meanFeatureVariance(data, opts.dtype);
    } catch (error) {
      kernels.release();
      throw error;
    }
    // One stream for every restart, consumed in order, as scikit-learn shares its RandomState;
    // made on first use (explicit centres draw nothing, and seeding from entropy is a system call).
    let stream: Random | undefined;
    const rng = (): Random => {
      stream ??= Random.fromSeed(opts.randomState);
      return stream;
    };
    // Bounds only where the bound kernels keep them (the small-data kernels do not): asking
    // the backend's name would otherwise resolve what 'auto' keeps for large data.
    const bounds = kernels.startBounded
      ? boundsForFit(
          opts.algorithm,
          k,
          data.rows,
          data.cols,
          opts.dtype,
          opts.backend.name,
          opts.metric.distance,
        )
      : undefined;
    const restarts = restartsFor(opts);
    let best: LloydResult | undefined;
    try {
      for (let restart = 0; restart < restarts.count; restart++) {
        const centers = this.initialCenters(data, kernels, weights, rng);
        const result = runLloyd({
          X: data,
          kernels,
          weights,
          centers,
          k,
          maxIter: opts.maxIter,
          tolerance,
          metric: opts.metric,
          restart,
          bounds,
          onIteration: opts.onIteration,
        });
        // As scikit-learn: a restart wins only with lower inertia and a different partition, so
        // rounding noise on the same partition does not flip the result.
        if (
          !best ||
          (result.inertia < best.inertia && !sameClustering(result.labels, best.labels, k))
        ) {
          best = result;
        }
        if (result.stopped) break;
      }
    } finally {
      kernels.release();
    }
    if (!best) throw new Error('unreachable: nInit >= 1');
    // Float64 overflowed (values past ~1.3e154 square to Infinity; huge weights multiply past
    // 1.8e308): refuse the result, leaving any earlier fit in place, rather than keep a model
    // whose inertia is NaN and which toJSON cannot save.
    if (!Number.isFinite(best.inertia) || !best.centers.every(Number.isFinite))
      throw overflowError(opts.metric.name, fitOptions.sampleWeight !== undefined);
    this.state = {
      metric: opts.metric.name,
      dtype: opts.dtype,
      k,
      cols: data.cols,
      centers: best.centers,
      labels: best.labels,
      inertia: best.inertia,
      nIter: best.nIter,
      converged: best.converged,
      warnings: [...restarts.warnings, ...distinctClusterWarnings(best.labels, k)],
    };
    return this;
  }

  /**
   * `algorithm: 'optimal-1d'`: the exact optimum of a one-column X by dynamic programming. No
   * iteration runs (nIter 0, converged); init, nInit, maxIter, tol and onIteration play no part.
   */
  private fitOptimal(X: FitInput, fitOptions: FitOptions): this {
    const opts = this.options;
    const k = opts.nClusters;
    if (isRowSource(X))
      throw new ValidationError(
        'algorithm',
        `'optimal-1d' sorts X, so X must be in memory; load ${X.name} whole (loadFile)`,
      );
    const data = toMatrix(X, { name: 'X', dtype: opts.dtype });
    if (data.cols !== 1)
      throw new ValidationError(
        'algorithm',
        `'optimal-1d' clusters one feature; X has ${data.cols} columns (use 'auto' for more)`,
      );
    if (k > data.rows)
      throw new ValidationError(
        'nClusters',
        `must be at most the number of rows of X (${data.rows}); got ${k}`,
      );
    const weights = resolveSampleWeight(fitOptions.sampleWeight, data.rows);
    const { centers, labels, inertia } = optimalOneDimensionalFit(data, k, weights);
    if (!Number.isFinite(inertia))
      throw overflowError('euclidean', fitOptions.sampleWeight !== undefined);
    this.state = {
      metric: 'euclidean',
      dtype: opts.dtype,
      k,
      cols: 1,
      centers,
      labels,
      inertia,
      nIter: 0,
      converged: true,
      warnings: [],
    };
    return this;
  }

  /**
   * Fits in a worker (a Node worker thread, or a Web Worker in a browser), leaving this thread
   * free; resolves to `this` with the same result `fit` gives. `onIteration` still runs on this
   * thread; returning false stops the fit within a few iterations (the worker runs ahead of its
   * messages). `signal` ends the worker at once instead. An init function or a custom backend
   * object cannot cross to a worker: use `fit` for those.
   *
   * One fit at a time per instance: until this promise settles, `fit` and `fitAsync` on the same
   * instance throw (reject) a {@link ValidationError} saying it is busy, and the model read
   * meanwhile is the last finished fit. A rejected or aborted fitAsync leaves that model as it was.
   * To fit several datasets at once, use one instance for each.
   */
  async fitAsync(X: FitInput, fitOptions: FitAsyncOptions = {}): Promise<this> {
    // A file's rows cross to the worker as their layout, and the worker reads the file itself.
    if (isRowSource(X) && !isFileRows(X))
      throw new ValidationError(
        'X',
        'fitAsync sends X to a worker: a RowSource crosses only as a file opened by openRows; fit other sources with fit',
      );
    this.claim('fitAsync');
    try {
      return await this.fitInWorker(X, fitOptions);
    } finally {
      this.running = undefined;
    }
  }

  private async fitInWorker(X: FitInput, fitOptions: FitAsyncOptions): Promise<this> {
    const { workerUrl } = fitOptions;
    if (workerUrl !== undefined && typeof workerUrl !== 'string' && !(workerUrl instanceof URL))
      throw new ValidationError(
        'workerUrl',
        `must be a URL or a string (the fit worker's URL or file path), got ${typeof workerUrl}`,
      );
    const { init, backend, onIteration } = this.requested;
    if (typeof init === 'function')
      throw new ValidationError(
        'init',
        'fitAsync cannot send a function to a worker; use fit, or pass the centres as an array',
      );
    if (backend !== undefined && typeof backend !== 'string')
      throw new ValidationError(
        'backend',
        'fitAsync cannot send a backend object to a worker; use fit',
      );
    const initOption =
      init === undefined || typeof init === 'string'
        ? init
        : matrixToRows(toMatrix(init, { name: 'init' }));
    const rows = isFileRows(X) ? X.layout : undefined;
    const data =
      rows || isRowSource(X)
        ? undefined
        : isMatrix(X)
          ? X
          : matrixToRows(toMatrix(X, { name: 'X', dtype: this.options.dtype }));
    const sampleWeight =
      fitOptions.sampleWeight === undefined ? undefined : Array.from(fitOptions.sampleWeight);
    const { onIteration: _drop, init: _init, backend: _backend, ...rest } = this.requested;
    const model = await runFitWorker(
      {
        options: { ...rest, init: initOption, backend },
        X: data,
        rows,
        sampleWeight,
        relayProgress: onIteration !== undefined,
      },
      onIteration,
      fitOptions.signal,
      fitOptions.workerUrl,
    );
    this.state = stateFromJSON(model);
    return this;
  }

  /** Fits and returns the labels. */
  fitPredict(X: FitInput, fitOptions: FitOptions = {}): Int32Array {
    return this.fit(X, fitOptions).labels;
  }

  /** The nearest centroid of each row of X. */
  predict(X: FitInput): Int32Array {
    const { state, data, kernels } = this.bindNew(X, 'predict');
    try {
      const labels = new Int32Array(data.rows);
      kernels.assign(
        this.metric.distance,
        state.centers,
        state.k,
        labels,
        new Float64Array(data.rows),
      );
      return labels;
    } finally {
      kernels.release();
    }
  }

  /**
   * Distance from each row of X to each centroid (rows x k): euclidean distance, L1 distance for
   * manhattan, 1 - cosine similarity for cosine.
   */
  transform(X: FitInput): number[][] {
    const { state, data, kernels } = this.bindNew(X, 'transform');
    try {
      const out = new Float64Array(data.rows * state.k);
      kernels.pairwise(this.metric.distance, state.centers, state.k, out);
      for (let i = 0; i < out.length; i++) out[i] = this.metric.reportedDistance(out[i]);
      return flatToRows(out, data.rows, state.k);
    } finally {
      kernels.release();
    }
  }

  /** Fits, then returns `transform(X)`. */
  fitTransform(X: FitInput, fitOptions: FitOptions = {}): number[][] {
    return this.fit(X, fitOptions).transform(X);
  }

  /** Minus the (weighted) objective of X against the centroids, as scikit-learn's `score`. */
  score(X: FitInput, fitOptions: FitOptions = {}): number {
    const { state, data, kernels } = this.bindNew(X, 'score');
    try {
      const weights = resolveSampleWeight(fitOptions.sampleWeight, data.rows);
      const distances = new Float64Array(data.rows);
      kernels.assign(
        this.metric.distance,
        state.centers,
        state.k,
        new Int32Array(data.rows),
        distances,
      );
      return -compensatedWeightedSum(distances, weights, this.metric.cost);
    } finally {
      kernels.release();
    }
  }

  /** Cluster of each training row. */
  get labels(): Int32Array {
    return this.fitted('labels').labels;
  }

  /** The centroids, k rows (a fresh copy each time). */
  get centroids(): number[][] {
    const state = this.fitted('centroids');
    return flatToRows(state.centers, state.k, state.cols);
  }

  /** Weighted objective on the training data: squared distances (euclidean), L1 (manhattan), 1 - cos (cosine). */
  get inertia(): number {
    return this.fitted('inertia').inertia;
  }

  /** Iterations run by the best restart, counted as scikit-learn's `n_iter_`. */
  get nIter(): number {
    return this.fitted('nIter').nIter;
  }

  /** Whether the best restart stopped by convergence rather than by maxIter or onIteration. */
  get converged(): boolean {
    return this.fitted('converged').converged;
  }

  /** Things the caller should know about the fit, e.g. fewer distinct clusters than nClusters. */
  get warnings(): readonly string[] {
    return this.fitted('warnings').warnings;
  }

  /** Number of features seen in fit. */
  get nFeatures(): number {
    return this.fitted('nFeatures').cols;
  }

  /** Whether the model has been fitted (or loaded). */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** Row indices of each cluster, in cluster order. */
  clusters(): number[][] {
    const state = this.fitted('clusters()');
    const out: number[][] = Array.from({ length: state.k }, () => []);
    state.labels.forEach((label, i) => {
      out[label].push(i);
    });
    return out;
  }

  /** The fitted model as plain JSON; `KMeans.fromJSON` restores it. */
  toJSON(): KMeansJSON {
    return stateToJSON(this.fitted('toJSON()'));
  }

  /** Restores a model from `toJSON()` output (object or JSON text), checking every field. */
  static fromJSON(json: unknown): KMeans {
    const state = stateFromJSON(json);
    const model = new KMeans({ nClusters: state.k, metric: state.metric, dtype: state.dtype });
    model.state = state;
    return model;
  }

  private get metric(): MetricStrategy {
    return metricStrategy(this.fitted('metric').metric);
  }

  private fitted(what: string): FittedState {
    if (!this.state) throw new NotFittedError(what);
    return this.state;
  }

  private bindNew(
    X: FitInput,
    what: string,
  ): { state: FittedState; data: Matrix | RowSource; kernels: BoundKernels } {
    const state = this.fitted(`${what}()`);
    const options = { ...this.options, metric: this.metric };
    const { data, kernels } = bindData(X, options, state.dtype, state.cols, () => {});
    return { state, data, kernels };
  }

  private initialCenters(
    data: Matrix | RowSource,
    kernels: BoundKernels,
    weights: Float64Array,
    rng: () => Random,
  ): Float64Array {
    const { nClusters: k, metric, dtype, backend, threads } = this.options;
    // X read pass by pass starts from k-means|| unless an init was asked for: a handful of passes
    // where k-means++ takes one a centre.
    const initStrategy =
      this.requested.init === undefined && isRowSource(data)
        ? resolveInit('k-means||')
        : this.options.initStrategy;
    const readRows = rowReader(data, dtype);
    const bind = (matrix: Matrix): BoundKernels => backend.bind(matrix, { threads });
    const centers = initStrategy.choose({
      X: data,
      readRows,
      kernels,
      k,
      weights,
      get rng() {
        return rng();
      },
      metric,
      bind,
    });
    metric.prepareCenters(centers, k, data.cols, 'init');
    return centers;
  }
}

/** What binding X needs from the options (MiniBatchKMeans and BisectingKMeans bind X this way too). */
export type BindingOptions = Pick<ResolvedOptions, 'backend' | 'threads' | 'metric'>;

/**
 * Validates and converts X once, straight into the backend's own memory where it offers room
 * (so a fit holds one copy of X), prepares it for the metric, and binds it. A matrix already in
 * the backend's memory (a shared matrix) is bound where it lies when the metric leaves X as
 * given. A RowSource is bound to be read pass by pass, each window prepared as it is read.
 * `validate` sees X's shape before anything is held; nothing is left held when it throws.
 */
export function bindData(
  X: FitInput,
  options: Readonly<BindingOptions>,
  dtype: DType,
  cols: number | undefined,
  validate: (shape: { rows: number; cols: number }) => void,
): { data: Matrix | RowSource; kernels: BoundKernels } {
  if (isRowSource(X)) return bindRowSource(X, options, dtype, cols, validate);
  const { backend, threads, metric } = options;
  let allocated: AllocatedMatrix | undefined;
  const into = backend.allocate
    ? (rows: number, columns: number): Matrix => {
        allocated = backend.allocate?.(rows, columns, dtype, { threads });
        return allocated?.matrix ?? zerosMatrix(rows, columns, dtype);
      }
    : undefined;
  const adopt =
    backend.adopt && !metric.prepareData
      ? (matrix: Matrix): Matrix | undefined => {
          allocated = backend.adopt?.(matrix, dtype, { threads });
          return allocated?.matrix;
        }
      : undefined;
  try {
    // A matrix in the backend's memory is checked there, in a SIMD pass on every thread.
    const data = toMatrix(X, { name: 'X', dtype, cols, into, adopt, checkFinite: false });
    if (!allocated?.allFinite()) assertFinite(data, 'X');
    validate(data);
    metric.prepareData?.(data, 'X');
    // The fast check's pass is reused unless the metric changed X since (cosine normalises it).
    const kernels = allocated
      ? allocated.bind(!metric.prepareData)
      : backend.bind(data, { threads });
    return { data, kernels };
  } catch (error) {
    allocated?.release();
    throw error;
  }
}

/** The error for a fit whose inertia or centres overflowed float64. */
function overflowError(metric: string, weighted: boolean): ValidationError {
  const distances = `${weighted ? 'weighted ' : ''}${metric === 'euclidean' ? 'squared ' : ''}distances`;
  return new ValidationError(
    'X',
    `values too large: ${distances} overflow float64; rescale X${weighted ? ' or sampleWeight' : ''} (e.g. divide by a power of two)`,
  );
}

/** bindData for a RowSource: kernels that read it window by window. */
function bindRowSource(
  source: RowSource,
  options: Readonly<BindingOptions>,
  dtype: DType,
  cols: number | undefined,
  validate: (shape: { rows: number; cols: number }) => void,
): { data: RowSource; kernels: BoundKernels } {
  const { backend, threads, metric } = options;
  if (cols !== undefined && source.cols !== cols)
    throw new ValidationError(
      'X',
      `${source.name} has ${source.cols} columns; the model was fitted on ${cols}`,
    );
  validate(source);
  if (metric.readsRows)
    throw new ValidationError(
      'metric',
      `'${metric.name}' reads the rows of each cluster, so X must be in memory; load ${source.name} whole (loadFile), or use 'euclidean' or 'cosine'`,
    );
  if (!backend.bindRows)
    throw new ValidationError(
      'backend',
      `the ${backend.name} backend cannot read X pass by pass; use 'wasm' or 'auto'`,
    );
  const prepare = metric.prepareData;
  const data: RowSource = prepare
    ? {
        ...source,
        read(start, count, into) {
          source.read(start, count, into);
          prepare({ data: into, rows: count, cols: source.cols }, source.name, start);
        },
      }
    : source;
  return { data, kernels: backend.bindRows(data, dtype, { threads }) };
}

/** Rows of X by index as float64 centres: copied from a matrix, read from a source. */
function rowReader(
  data: Matrix | RowSource,
  dtype: DType,
): (indices: readonly number[]) => Float64Array {
  const { cols } = data;
  if (isMatrix(data))
    return (indices) => {
      const out = new Float64Array(indices.length * cols);
      indices.forEach((row, j) => {
        out.set(data.data.subarray(row * cols, (row + 1) * cols), j * cols);
      });
      return out;
    };
  const row = dtype === 'float32' ? new Float32Array(cols) : new Float64Array(cols);
  return (indices) => {
    const out = new Float64Array(indices.length * cols);
    indices.forEach((index, j) => {
      data.read(index, 1, row);
      out.set(row, j * cols);
    });
    return out;
  };
}

/** Rows a source is read in for the feature variance: bounded memory, any source size. */
const VARIANCE_CHUNK_VALUES = 1 << 22;

/**
 * Mean over features of the population variance of each column, as scikit-learn's tolerance (two
 * passes), accumulated row by row in order, so a source read in chunks gives the matrix's bits.
 */
export function meanFeatureVariance(X: Matrix | RowSource, dtype: DType): number {
  const { rows, cols } = X;
  const forEachChunk = (visit: (data: ArrayLike<number>, count: number) => void): void => {
    if (isMatrix(X)) {
      visit(X.data, rows);
      return;
    }
    const chunkRows = Math.max(1, Math.floor(VARIANCE_CHUNK_VALUES / cols));
    const buffer =
      dtype === 'float32'
        ? new Float32Array(Math.min(rows, chunkRows) * cols)
        : new Float64Array(Math.min(rows, chunkRows) * cols);
    for (let start = 0; start < rows; start += chunkRows) {
      const count = Math.min(chunkRows, rows - start);
      X.read(start, count, buffer.subarray(0, count * cols));
      visit(buffer, count);
    }
  };
  const mean = new Float64Array(cols);
  forEachChunk((data, count) => {
    for (let i = 0, o = 0; i < count; i++, o += cols)
      for (let t = 0; t < cols; t++) mean[t] += data[o + t];
  });
  for (let t = 0; t < cols; t++) mean[t] /= rows;
  const squares = new Float64Array(cols);
  forEachChunk((data, count) => {
    for (let i = 0, o = 0; i < count; i++, o += cols) {
      for (let t = 0; t < cols; t++) {
        const diff = data[o + t] - mean[t];
        squares[t] += diff * diff;
      }
    }
  });
  let total = 0;
  for (let t = 0; t < cols; t++) total += squares[t] / rows;
  return total / cols;
}

/** Whether two labelings are the same partition up to renaming clusters. */
function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (mapping[a[i]] === -1) mapping[a[i]] = b[i];
    else if (mapping[a[i]] !== b[i]) return false;
  }
  return true;
}

/**
 * The restarts a fit runs: `nInit`, except that explicit starting centres run once, with a
 * warning when more were asked for, as scikit-learn does (the same start gives the same fit).
 */
function restartsFor(opts: ResolvedOptions): { count: number; warnings: string[] } {
  if (opts.initStrategy.name !== 'array' || opts.nInit === 1)
    return { count: opts.nInit, warnings: [] };
  return {
    count: 1,
    warnings: [
      `Explicit initial center position passed: performing only one init instead of nInit=${opts.nInit}.`,
    ],
  };
}

function distinctClusterWarnings(labels: Int32Array, k: number): string[] {
  // A flag per cluster rather than a Set of the labels: O(k) memory, one pass (docs/performance.md).
  const seen = new Uint8Array(k);
  let distinct = 0;
  for (let i = 0; i < labels.length && distinct < k; i++) {
    if (seen[labels[i]] === 0) {
      seen[labels[i]] = 1;
      distinct++;
    }
  }
  if (distinct >= k) return [];
  return [
    `Number of distinct clusters (${distinct}) found smaller than nClusters (${k}). Possibly due to duplicate points in X.`,
  ];
}
