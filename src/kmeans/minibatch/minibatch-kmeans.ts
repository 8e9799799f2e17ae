import { NotFittedError, ValidationError } from '../../errors.js';
import { compensatedWeightedSum } from '../../kernels/summation.js';
import { flatToRows, type Matrix, type MatrixLike, toMatrix } from '../../matrix.js';
import { Random } from '../../random.js';
import {
  centroidDistances,
  centroidScore,
  gatherRows,
  nearestCentroids,
  withKernels,
} from '../centroid-queries.js';
import { randint } from '../draws.js';
import type { FitOptions } from '../kmeans.js';
import { meanFeatureVariance } from '../kmeans.js';
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

  /** Clusters X by mini-batch steps; returns `this`. X is never modified. */
  fit(X: MatrixLike, fitOptions: FitOptions = {}): this {
    const opts = this.options;
    const k = opts.nClusters;
    const data = toMatrix(X, { name: 'X', dtype: opts.dtype });
    const n = data.rows;
    if (k > n)
      throw new ValidationError(
        'nClusters',
        `must be at most the number of rows of X (${n}); got ${k}`,
      );
    const weights = resolveSampleWeight(fitOptions.sampleWeight, n);
    const batchSize = Math.min(opts.batchSize, n);
    const initSize = resolveInitSize(opts.initSize, batchSize, k, n);
    const tolerance = opts.tol === 0 ? 0 : opts.tol * meanFeatureVariance(data, opts.dtype);
    const rng = seeded(opts.randomState);
    const query = { backend: opts.backend, threads: opts.threads };

    // As scikit-learn: every initialisation is scored on one validation sample drawn first.
    const validationRows = randint(rng, n, initSize);
    const validation = gatherRows(data, validationRows);
    const validationWeights = Float64Array.from(validationRows, (i) => weights[i]);
    let centers: Float64Array | undefined;
    let bestInertia = Number.POSITIVE_INFINITY;
    for (let restart = 0; restart < opts.nInit; restart++) {
      const candidate = initialMiniBatchCenters({
        X: data,
        weights,
        k,
        strategy: opts.initStrategy,
        initSize,
        rng,
        ...query,
      });
      const inertia = withKernels(validation, query, (_, kernels) => {
        const distances = new Float64Array(validation.rows);
        kernels.assign('sqeuclidean', candidate, k, new Int32Array(validation.rows), distances);
        return compensatedWeightedSum(distances, validationWeights);
      });
      if (centers === undefined || inertia < bestInertia) {
        centers = candidate;
        bestInertia = inertia;
      }
    }
    if (!centers) throw new Error('unreachable: nInit >= 1');

    const counts = new Float64Array(k);
    const state: MiniBatchState = {
      k,
      cols: data.cols,
      dtype: opts.dtype,
      centers,
      counts,
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
    for (; step < steps; step++) {
      const rows = randint(rng, n, batchSize);
      const batch = gatherRows(data, rows);
      if (tolerance > 0) previous.set(centers);
      const { inertia } = this.step(
        state,
        batch,
        Float64Array.from(rows, (i) => weights[i]),
        rng,
      );
      const shift = tolerance > 0 ? squaredShift(previous, centers) : 0;
      if (stopping.shouldStop(step, inertia, shift)) {
        step++;
        break;
      }
    }
    state.nSteps = step;
    state.nIter = Math.ceil((step * batchSize) / n);
    if (opts.computeLabels) {
      const { labels, inertia } = labelsAndInertia(data, weights, state, query);
      state.labels = labels;
      state.inertia = inertia;
    } else {
      const smoothed = stopping.smoothedInertia;
      state.inertia = smoothed === undefined ? undefined : smoothed * n;
    }
    if (state.inertia !== undefined && !Number.isFinite(state.inertia))
      throw new ValidationError(
        'X',
        'values too large: squared distances overflow float64; rescale X',
      );
    this.state = state;
    this.streamRandom = rng;
    return this;
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
    const data = toMatrix(batch, { name: 'batch', dtype: opts.dtype, cols: current?.cols });
    const weights = resolveSampleWeight(fitOptions.sampleWeight, data.rows);
    const query = { backend: opts.backend, threads: opts.threads };
    const rng = this.streamRandom ?? seeded(opts.randomState);
    let state: MiniBatchState;
    if (current) {
      state = { ...current, centers: current.centers.slice(), counts: current.counts.slice() };
    } else {
      if (k > data.rows)
        throw new ValidationError(
          'batch',
          `the first batch initialises ${k} centres, so it needs at least nClusters rows; got ${data.rows}`,
        );
      const batchSize = Math.min(opts.batchSize, data.rows);
      const centers = initialMiniBatchCenters({
        X: data,
        weights,
        k,
        strategy: opts.initStrategy,
        initSize: resolveInitSize(opts.initSize, batchSize, k, data.rows),
        rng,
        ...query,
      });
      state = {
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
    }
    this.step(state, data, weights, rng);
    if (!state.centers.every(Number.isFinite))
      throw new ValidationError(
        'batch',
        'values too large: the centres overflow float64; rescale the data',
      );
    if (opts.computeLabels) {
      const { labels, inertia } = labelsAndInertia(data, weights, state, query);
      state.labels = labels;
      state.inertia = inertia;
    }
    state.nSteps++;
    this.state = state;
    this.streamRandom = rng;
    return this;
  }

  /** One step on `batch` against `state`, with scikit-learn's reassignment schedule. */
  private step(
    state: MiniBatchState,
    batch: Matrix,
    weights: Float64Array,
    rng: Random,
  ): { inertia: number } {
    // Reassign every 10k rows seen, and whenever a centre has count 0.
    state.rowsSinceReassign += state.batchSize;
    let reassign = false;
    if (state.counts.includes(0) || state.rowsSinceReassign >= 10 * state.k) {
      state.rowsSinceReassign = 0;
      reassign = true;
    }
    const query = { backend: this.options.backend, threads: this.options.threads };
    return withKernels(batch, query, (_, kernels) =>
      miniBatchStep({
        batch,
        kernels,
        weights,
        centers: state.centers,
        counts: state.counts,
        k: state.k,
        rng,
        reassign,
        reassignmentRatio: this.options.reassignmentRatio,
      }),
    );
  }

  /** Fits and returns the labels (computed whatever computeLabels says). */
  fitPredict(X: MatrixLike, fitOptions: FitOptions = {}): Int32Array {
    this.fit(X, fitOptions);
    return this.state?.labels ?? this.predict(X);
  }

  /** The nearest centroid of each row of X. */
  predict(X: MatrixLike): Int32Array {
    return nearestCentroids(X, this.fitted('predict()'), this.query);
  }

  /** Euclidean distance from each row of X to each centroid (rows x k). */
  transform(X: MatrixLike): number[][] {
    return centroidDistances(X, this.fitted('transform()'), this.query);
  }

  /** Minus the weighted sum of squared distances of X to its nearest centroids. */
  score(X: MatrixLike, fitOptions: FitOptions = {}): number {
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

  private get query() {
    return { backend: this.options.backend, threads: this.options.threads };
  }

  private fitted(what: string): MiniBatchState {
    if (!this.state) throw new NotFittedError(what);
    return this.state;
  }
}

function seeded(randomState: number | undefined): Random {
  return randomState === undefined ? Random.fromEntropy() : new Random(randomState);
}

/** Labels of X against the state's centres, and their weighted inertia. */
function labelsAndInertia(
  X: Matrix,
  weights: Float64Array,
  state: MiniBatchState,
  query: { backend: ResolvedMiniBatchOptions['backend']; threads: number },
): { labels: Int32Array; inertia: number } {
  return withKernels(X, query, (_, kernels) => {
    const labels = new Int32Array(X.rows);
    const distances = new Float64Array(X.rows);
    kernels.assign('sqeuclidean', state.centers, state.k, labels, distances);
    return { labels, inertia: compensatedWeightedSum(distances, weights) };
  });
}

function squaredShift(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i] - b[i];
    s += diff * diff;
  }
  return s;
}
