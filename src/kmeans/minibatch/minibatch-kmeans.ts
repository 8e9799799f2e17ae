import { NotFittedError, ValidationError } from '../../errors.js';
import { compensatedWeightedSum } from '../../kernels/summation.js';
import type { BoundKernels } from '../../kernels/types.js';
import {
  dtypeOf,
  flatToRows,
  isMatrix,
  type Matrix,
  type MatrixLike,
  toMatrix,
} from '../../matrix.js';
import { Random } from '../../random.js';
import { isRowSource, type RowSource, readRows } from '../../row-source.js';
import {
  centroidDistances,
  centroidScore,
  nearestCentroids,
  type QueryBackend,
  withGathered,
} from '../centroid-queries.js';
import { randint } from '../draws.js';
import {
  type BindingOptions,
  bindData,
  type FitInput,
  type FitOptions,
  meanFeatureVariance,
} from '../kmeans.js';
import { metricStrategy } from '../metric-strategies.js';
import { resolveSampleWeight } from '../weights.js';
import { EarlyStopping } from './early-stopping.js';
import { initialMiniBatchCenters, resolveInitSize } from './init-centers.js';
import { type MiniBatchKMeansJSON, miniBatchFromJSON, miniBatchToJSON } from './model-json.js';
import {
  type MiniBatchKMeansOptions,
  type ResolvedMiniBatchOptions,
  resolveMiniBatchOptions,
} from './options.js';
import type { MiniBatchState } from './state.js';
import { miniBatchStep } from './step.js';

/**
 * Mini-batch k-means with scikit-learn 1.2.1's semantics and defaults: each step assigns a batch
 * of rows drawn with replacement and moves every centre toward the mean of its new rows, with its
 * accumulated weight as inverse learning rate. `partialFit` takes one step on a batch you give,
 * for data that arrives over time.
 *
 * ```ts
 * const mb = new MiniBatchKMeans({ nClusters: 10, randomState: 0 }).fit(X);
 * mb.centroids; mb.predict(Xnew);
 * const stream = new MiniBatchKMeans({ nClusters: 10 });
 * for (const batch of batches) stream.partialFit(batch);
 * ```
 */
export class MiniBatchKMeans {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<ResolvedMiniBatchOptions>;
  private state: MiniBatchState | undefined;
  /** The generator partialFit draws from: seeded on its first call, then continued. */
  private streamRandom: Random | undefined;

  constructor(options: MiniBatchKMeansOptions = {}) {
    this.options = Object.freeze(resolveMiniBatchOptions(options));
  }

  /**
   * Clusters X (rows of numbers or a Matrix, held in memory, or a file opened by `openRows`,
   * whose batches are read row by row) by mini-batch steps; returns `this`. X is never modified.
   * A file gives what its rows held in memory give, bit for bit.
   */
  fit(X: FitInput, fitOptions: FitOptions = {}): this {
    const opts = this.options;
    const k = opts.nClusters;
    // X is only read: a matrix of the model's dtype is used where it lies. It is bound whole
    // only where all of it is needed (an init on all rows, the final labels), so the batches'
    // kernels reuse one warm memory meanwhile.
    const data = isRowSource(X)
      ? this.readWhereNeeded(X)
      : toMatrix(X, {
          name: 'X',
          dtype: opts.dtype,
          adopt: (matrix) => (dtypeOf(matrix) === opts.dtype ? matrix : undefined),
        });
    if (k > data.rows)
      throw new ValidationError(
        'nClusters',
        `must be at most the number of rows of X (${data.rows}); got ${k}`,
      );
    const weights = resolveSampleWeight(fitOptions.sampleWeight, data.rows);
    const state = this.fitSteps(data, weights);
    if (opts.computeLabels) {
      const { kernels } = bindData(data, this.binding, opts.dtype, undefined, () => {});
      try {
        state.labels = new Int32Array(data.rows);
        const distances = new Float64Array(data.rows);
        kernels.assign('sqeuclidean', state.centers, k, state.labels, distances);
        state.inertia = compensatedWeightedSum(distances, weights);
      } finally {
        kernels.release();
      }
    }
    if (state.inertia !== undefined && !Number.isFinite(state.inertia))
      throw new ValidationError(
        'X',
        'values too large: squared distances overflow float64; rescale X',
      );
    this.state = state;
    return this;
  }

  /**
   * A source as the fit reads it: where itself, since only the batches, the init's sample and
   * the final labels read it; read whole into memory where the init would take every row (a
   * source of at most initSize rows: three batches by default).
   */
  private readWhereNeeded(source: RowSource): Matrix | RowSource {
    const opts = this.options;
    const batchSize = Math.min(opts.batchSize, source.rows);
    const initSize = resolveInitSize(opts.initSize, batchSize, opts.nClusters, source.rows);
    if (initSize < source.rows) return source;
    return readRows(source, opts.dtype);
  }

  /** The initialisation and steps of a fit of X (labels and inertia are left to the caller). */
  private fitSteps(data: Matrix | RowSource, weights: Float64Array): MiniBatchState {
    const opts = this.options;
    const k = opts.nClusters;
    const n = data.rows;
    const batchSize = Math.min(opts.batchSize, n);
    const initSize = resolveInitSize(opts.initSize, batchSize, k, n);
    const tolerance = opts.tol === 0 ? 0 : opts.tol * meanFeatureVariance(data, opts.dtype);
    const rng = seeded(opts.randomState);
    const query = this.query;

    // As scikit-learn: every initialisation is scored on one validation sample drawn first.
    const validationRows = randint(rng, n, initSize);
    const validationWeights = Float64Array.from(validationRows, (i) => weights[i]);
    let centers: Float64Array | undefined;
    let bestInertia = Number.POSITIVE_INFINITY;
    for (let restart = 0; restart < opts.nInit; restart++) {
      const candidate = initialMiniBatchCenters({
        X: data,
        dtype: opts.dtype,
        bindWhole: () => bindData(data, this.binding, opts.dtype, undefined, () => {}).kernels,
        releaseWhole: true,
        weights,
        k,
        strategy: opts.initStrategy,
        initSize,
        rng,
        ...query,
      });
      const inertia = withGathered(
        data,
        validationRows,
        query,
        (_, validation) => {
          const distances = new Float64Array(validationRows.length);
          validation.assign(
            'sqeuclidean',
            candidate,
            k,
            new Int32Array(distances.length),
            distances,
          );
          return compensatedWeightedSum(distances, validationWeights);
        },
        opts.dtype,
      );
      if (centers === undefined || inertia < bestInertia) {
        centers = candidate;
        bestInertia = inertia;
      }
    }
    if (!centers) throw new Error('unreachable: nInit >= 1');

    const state: MiniBatchState = {
      k,
      cols: data.cols,
      dtype: opts.dtype,
      centers,
      counts: new Float64Array(k),
      labels: undefined,
      inertia: undefined,
      nIter: 0,
      nSteps: 0,
      batchSize,
      rowsSinceReassign: 0,
    };
    const stopping = new EarlyStopping(batchSize, n, tolerance, opts.maxNoImprovement);
    const steps = Math.floor((opts.maxIter * n) / batchSize);
    const previous = new Float64Array(centers.length);
    let step = 0;
    while (step < steps) {
      const rows = randint(rng, n, batchSize);
      if (tolerance > 0) previous.set(centers);
      const inertia = withGathered(
        data,
        rows,
        query,
        (batch, batchKernels) =>
          this.step(
            state,
            batch,
            batchKernels,
            Float64Array.from(rows, (i) => weights[i]),
            rng,
          ),
        opts.dtype,
      );
      const shift = tolerance > 0 ? squaredShift(previous, centers) : 0;
      step++;
      if (stopping.shouldStop(step - 1, inertia, shift)) break;
    }
    state.nSteps = step;
    state.nIter = Math.ceil((step * batchSize) / n);
    if (!opts.computeLabels) {
      const smoothed = stopping.smoothedInertia;
      state.inertia = smoothed === undefined ? undefined : smoothed * n;
    }
    this.streamRandom = rng;
    return state;
  }

  /**
   * One mini-batch step on `batch` (scikit-learn's `partial_fit`): the first call (on an unfitted
   * model) chooses the starting centres from this batch and then steps; every call after steps
   * from where the model is. With computeLabels, `labels` and `inertia` are then the batch's.
   * A bad batch throws and leaves the model as it was.
   */
  partialFit(batch: MatrixLike, fitOptions: FitOptions = {}): this {
    const opts = this.options;
    const k = opts.nClusters;
    const current = this.state;
    if (isRowSource(batch))
      throw new ValidationError('batch', 'must be rows of numbers or a Matrix, held in memory');
    let weights: Float64Array = new Float64Array(0);
    const { data, kernels } = bindData(batch, this.binding, opts.dtype, current?.cols, (shape) => {
      if (!current && k > shape.rows)
        throw new ValidationError(
          'batch',
          `the first batch initialises ${k} centres, so it needs at least nClusters rows; got ${shape.rows}`,
        );
      weights = resolveSampleWeight(fitOptions.sampleWeight, shape.rows);
    });
    try {
      if (!isMatrix(data)) throw new Error('unreachable: a batch in memory binds as a matrix');
      const rng = this.streamRandom ?? seeded(opts.randomState);
      const state = current
        ? { ...current, centers: current.centers.slice(), counts: current.counts.slice() }
        : this.startStream(data, kernels, weights, rng);
      this.step(state, data, kernels, weights, rng);
      if (!state.centers.every(Number.isFinite))
        throw new ValidationError(
          'batch',
          'values too large: the centres overflow float64; rescale the data',
        );
      if (opts.computeLabels) {
        state.labels = new Int32Array(data.rows);
        const distances = new Float64Array(data.rows);
        kernels.assign('sqeuclidean', state.centers, k, state.labels, distances);
        state.inertia = compensatedWeightedSum(distances, weights);
      }
      state.nSteps++;
      this.state = state;
      this.streamRandom = rng;
      return this;
    } finally {
      kernels.release();
    }
  }

  /** The state a stream starts from: centres chosen from its first batch, no counts yet. */
  private startStream(
    data: Matrix,
    kernels: BoundKernels,
    weights: Float64Array,
    rng: Random,
  ): MiniBatchState {
    const { nClusters: k, batchSize: wanted, initSize, initStrategy, dtype } = this.options;
    const batchSize = Math.min(wanted, data.rows);
    const centers = initialMiniBatchCenters({
      X: data,
      dtype,
      bindWhole: () => kernels,
      weights,
      k,
      strategy: initStrategy,
      initSize: resolveInitSize(initSize, batchSize, k, data.rows),
      rng,
      ...this.query,
    });
    return {
      k,
      cols: data.cols,
      dtype,
      centers,
      counts: new Float64Array(k),
      labels: undefined,
      inertia: undefined,
      nIter: 0,
      nSteps: 0,
      batchSize,
      rowsSinceReassign: 0,
    };
  }

  /**
   * One step on `batch` (bound as `kernels`) against `state`, with scikit-learn's reassignment
   * schedule. Returns the batch's inertia against the centres before the step.
   */
  private step(
    state: MiniBatchState,
    batch: Matrix,
    kernels: BoundKernels,
    weights: Float64Array,
    rng: Random,
  ): number {
    // Reassign every 10k rows seen, and whenever a centre has count 0.
    state.rowsSinceReassign += state.batchSize;
    let reassign = false;
    if (state.counts.includes(0) || state.rowsSinceReassign >= 10 * state.k) {
      state.rowsSinceReassign = 0;
      reassign = true;
    }
    return miniBatchStep({
      batch,
      kernels,
      weights,
      centers: state.centers,
      counts: state.counts,
      k: state.k,
      rng,
      reassign,
      reassignmentRatio: this.options.reassignmentRatio,
    }).inertia;
  }

  /** Fits and returns the labels (computed whatever computeLabels says). */
  fitPredict(X: MatrixLike, fitOptions: FitOptions = {}): Int32Array {
    this.fit(X, fitOptions);
    return this.state?.labels ?? this.predict(X);
  }

  /** The nearest centroid of each row of X. */
  predict(X: FitInput): Int32Array {
    return nearestCentroids(X, this.fitted('predict()'), this.query);
  }

  /** Euclidean distance from each row of X to each centroid (rows x k). */
  transform(X: FitInput): number[][] {
    return centroidDistances(X, this.fitted('transform()'), this.query);
  }

  /** Minus the weighted sum of squared distances of X to its nearest centroids. */
  score(X: FitInput, fitOptions: FitOptions = {}): number {
    return centroidScore(X, fitOptions.sampleWeight, this.fitted('score()'), this.query);
  }

  /** The centroids, k rows (a fresh copy each time). */
  get centroids(): number[][] {
    const state = this.fitted('centroids');
    return flatToRows(state.centers, state.k, state.cols);
  }

  /** Accumulated weight of each centre (scikit-learn's private `_counts`), a copy. */
  get counts(): Float64Array {
    return this.fitted('counts').counts.slice();
  }

  /** Labels of the rows of the last fit, or of the last partialFit's batch. */
  get labels(): Int32Array {
    const labels = this.fitted('labels').labels;
    if (!labels)
      throw new ValidationError(
        'labels',
        'were not computed: the model was fitted with computeLabels false',
      );
    return labels;
  }

  /**
   * Inertia of the rows `labels` describes; with computeLabels false, fit's smoothed batch
   * inertia x n instead (as scikit-learn).
   */
  get inertia(): number {
    const inertia = this.fitted('inertia').inertia;
    if (inertia === undefined)
      throw new ValidationError(
        'inertia',
        'was not computed: partialFit ran with computeLabels false',
      );
    return inertia;
  }

  /** Passes over X of the last fit, as scikit-learn's `n_iter_`. */
  get nIter(): number {
    return this.fitted('nIter').nIter;
  }

  /** Mini-batch steps taken, as scikit-learn's `n_steps_`. */
  get nSteps(): number {
    return this.fitted('nSteps').nSteps;
  }

  /** Number of features seen in fit. */
  get nFeatures(): number {
    return this.fitted('nFeatures').cols;
  }

  /** Whether the model has been fitted (or loaded). */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** The fitted model as plain JSON; `MiniBatchKMeans.fromJSON` restores it. */
  toJSON(): MiniBatchKMeansJSON {
    return miniBatchToJSON(this.fitted('toJSON()'));
  }

  /**
   * Restores a model from `toJSON()` output (object or JSON text), checking every field.
   * `options` (nClusters and dtype excepted, which the model fixes) apply to later partialFit
   * calls and queries.
   */
  static fromJSON(
    json: unknown,
    options: Omit<MiniBatchKMeansOptions, 'nClusters' | 'dtype'> = {},
  ): MiniBatchKMeans {
    const state = miniBatchFromJSON(json);
    const model = new MiniBatchKMeans({ ...options, nClusters: state.k, dtype: state.dtype });
    model.state = state;
    return model;
  }

  private get query(): QueryBackend {
    return { backend: this.options.backend, threads: this.options.threads };
  }

  private get binding(): BindingOptions {
    return { ...this.query, metric: euclidean };
  }

  private fitted(what: string): MiniBatchState {
    if (!this.state) throw new NotFittedError(what);
    return this.state;
  }
}

const euclidean = metricStrategy('euclidean');

function seeded(randomState: number | undefined): Random {
  return randomState === undefined ? Random.fromEntropy() : new Random(randomState);
}

function squaredShift(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i] - b[i];
    s += diff * diff;
  }
  return s;
}
