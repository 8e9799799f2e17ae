import { NotFittedError, ValidationError } from '../../errors.js';
import { compensatedWeightedSum } from '../../kernels/summation.js';
import { flatToRows, type Matrix, type MatrixLike, toMatrix } from '../../matrix.js';
import { Random } from '../../random.js';
import {
  centroidDistances,
  centroidScore,
  type EuclideanCentroids,
  withBoundRows,
  withKernels,
} from '../centroid-queries.js';
import type { FitOptions } from '../kmeans.js';
import { resolveSampleWeight } from '../weights.js';
import { bisect, type GrowingNode, leafToBisect } from './bisect.js';
import {
  type BisectingKMeansJSON,
  type BisectingState,
  bisectingFromJSON,
  bisectingToJSON,
} from './model-json.js';
import {
  type BisectingKMeansOptions,
  type ResolvedBisectingOptions,
  resolveBisectingOptions,
} from './options.js';
import { type BisectingNode, cutTree, leavesInOrder, nodesInOrder } from './tree.js';

/** Rows whose distances to every node are held at once by `predict`. */
const PREDICT_CHUNK_ROWS = 4096;

/**
 * Bisecting k-means with scikit-learn's semantics: starting from one cluster, split the leaf
 * with the largest inertia (or the most rows) by an exact 2-means fit, until there are
 * nClusters leaves. The tree is kept: `predict` walks it as scikit-learn does, and `tree` and
 * `cut(k)` give the clusters at every level.
 *
 * ```ts
 * const bk = new BisectingKMeans({ nClusters: 8, randomState: 0 }).fit(X);
 * bk.labels; bk.tree; bk.cut(3).labels;
 * ```
 */
export class BisectingKMeans {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<ResolvedBisectingOptions>;
  private state: BisectingState | undefined;

  constructor(options: BisectingKMeansOptions = {}) {
    this.options = Object.freeze(resolveBisectingOptions(options));
  }

  /** Grows the tree on X; returns `this`. X is never modified. */
  fit(X: MatrixLike, fitOptions: FitOptions = {}): this {
    const opts = this.options;
    const k = opts.nClusters;
    const data = toMatrix(X, { name: 'X', dtype: opts.dtype });
    const { rows, cols } = data;
    if (k > rows)
      throw new ValidationError(
        'nClusters',
        `must be at most the number of rows of X (${rows}); got ${k}`,
      );
    const weights = resolveSampleWeight(fitOptions.sampleWeight, rows);
    const rng =
      opts.randomState === undefined ? Random.fromEntropy() : new Random(opts.randomState);
    const query = { backend: opts.backend, threads: opts.threads };
    // As scikit-learn: the fit works on X minus its column means, for more accurate distances.
    const mean = columnMeans(data);
    const centred = centredCopy(data, mean);
    const root: GrowingNode = {
      center: columnMeans(centred),
      indices: Int32Array.from({ length: rows }, (_, i) => i),
      size: rows,
      weight: weights.reduce((a, b) => a + b, 0),
      inertia: spreadAbout(centred, weights, columnMeans(centred)),
      score: 0,
      splitOrder: -1,
      children: null,
    };
    for (let split = 0; split < k - 1; split++) {
      const leaf = leafToBisect(root);
      if (leaf.size < 2)
        throw new ValidationError(
          'nClusters',
          `the ${split + 2}-th cluster needs a cluster of at least 2 rows to split, and the one chosen has ${leaf.size} (X has too few distinct rows for ${k} clusters)`,
        );
      bisect(
        {
          X: centred,
          weights,
          node: leaf,
          init: opts.init,
          nInit: opts.nInit,
          maxIter: opts.maxIter,
          tol: opts.tol,
          strategy: opts.bisectingStrategy,
          rng,
          query,
        },
        split,
      );
    }
    const labels = new Int32Array(rows);
    const tree = finishedTree(root, mean, labels);
    const centers = new Float64Array(k * cols);
    leavesInOrder(tree).forEach((leaf, j) => {
      centers.set(leaf.center, j * cols);
    });
    const inertia = withKernels(data, query, (_, kernels) => {
      const distances = new Float64Array(rows);
      kernels.distancesToAssigned('sqeuclidean', centers, labels, distances);
      return compensatedWeightedSum(distances, weights);
    });
    if (!Number.isFinite(inertia) || !centers.every(Number.isFinite))
      throw new ValidationError(
        'X',
        'values too large: squared distances overflow float64; rescale X (e.g. divide by a power of two)',
      );
    this.state = { k, cols, dtype: opts.dtype, centers, labels, inertia, tree };
    return this;
  }

  /** Fits and returns the labels. */
  fitPredict(X: MatrixLike, fitOptions: FitOptions = {}): Int32Array {
    return this.fit(X, fitOptions).labels;
  }

  /**
   * The leaf each row of X reaches going down the tree, at each split to the nearer of the two
   * halves' centres (ties to the left), as scikit-learn's predict; not always the nearest leaf.
   */
  predict(X: MatrixLike): Int32Array {
    const state = this.fitted('predict()');
    const nodes = nodesInOrder(state.tree);
    const position = new Map(nodes.map((node, i) => [node, i]));
    const nodeCenters = new Float64Array(nodes.length * state.cols);
    nodes.forEach((node, i) => {
      nodeCenters.set(node.center, i * state.cols);
    });
    return withBoundRows(X, state.cols, state.dtype, this.query, (data) => {
      const labels = new Int32Array(data.rows);
      const distances = new Float64Array(Math.min(data.rows, PREDICT_CHUNK_ROWS) * nodes.length);
      for (let start = 0; start < data.rows; start += PREDICT_CHUNK_ROWS) {
        const count = Math.min(PREDICT_CHUNK_ROWS, data.rows - start);
        const chunk: Matrix = {
          data: data.data.subarray(start * data.cols, (start + count) * data.cols),
          rows: count,
          cols: data.cols,
        };
        withKernels(chunk, this.query, (_, kernels) => {
          kernels.pairwise('sqeuclidean', nodeCenters, nodes.length, distances);
        });
        for (let i = 0; i < count; i++) {
          let node = state.tree;
          const row = i * nodes.length;
          while (node.children) {
            const [left, right] = node.children;
            const toLeft = distances[row + (position.get(left) ?? 0)];
            const toRight = distances[row + (position.get(right) ?? 0)];
            node = toLeft <= toRight ? left : right;
          }
          labels[start + i] = node.label;
        }
      }
      return labels;
    });
  }

  /** Euclidean distance from each row of X to each leaf centre (rows x k). */
  transform(X: MatrixLike): number[][] {
    return centroidDistances(X, this.centroidModel('transform()'), this.query);
  }

  /** Minus the weighted sum of squared distances of X to its nearest leaf centres, as scikit-learn's score. */
  score(X: MatrixLike, fitOptions: FitOptions = {}): number {
    return centroidScore(X, fitOptions.sampleWeight, this.centroidModel('score()'), this.query);
  }

  /** The tree of bisections: the root is all of X. */
  get tree(): BisectingNode {
    return this.fitted('tree').tree;
  }

  /**
   * The clustering after the first k - 1 bisections (1 <= k <= nClusters): the training rows'
   * labels, the centres, and the clusters' nodes, left to right.
   */
  cut(k: number): { labels: Int32Array; centroids: number[][]; nodes: BisectingNode[] } {
    const state = this.fitted('cut()');
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > state.k)
      throw new ValidationError('k', `must be an integer in [1, ${state.k}]; got ${String(k)}`);
    const { clusters, leafToCluster } = cutTree(state.tree, k);
    return {
      labels: state.labels.map((leaf) => leafToCluster[leaf]),
      centroids: clusters.map((node) => [...node.center]),
      nodes: clusters,
    };
  }

  /** Cluster of each training row (leaves numbered left to right). */
  get labels(): Int32Array {
    return this.fitted('labels').labels;
  }

  /** The leaf centres, k rows (a fresh copy each time). */
  get centroids(): number[][] {
    const state = this.fitted('centroids');
    return flatToRows(state.centers, state.k, state.cols);
  }

  /** Weighted sum of squared distances of the training rows to their leaf centres. */
  get inertia(): number {
    return this.fitted('inertia').inertia;
  }

  /** Number of features seen in fit. */
  get nFeatures(): number {
    return this.fitted('nFeatures').cols;
  }

  /** Whether the model has been fitted (or loaded). */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** The fitted model as plain JSON, tree included; `BisectingKMeans.fromJSON` restores it. */
  toJSON(): BisectingKMeansJSON {
    return bisectingToJSON(this.fitted('toJSON()'));
  }

  /** Restores a model from `toJSON()` output (object or JSON text), checking every field. */
  static fromJSON(
    json: unknown,
    options: Omit<BisectingKMeansOptions, 'nClusters' | 'dtype'> = {},
  ): BisectingKMeans {
    const state = bisectingFromJSON(json);
    const model = new BisectingKMeans({ ...options, nClusters: state.k, dtype: state.dtype });
    model.state = state;
    return model;
  }

  private get query() {
    return { backend: this.options.backend, threads: this.options.threads };
  }

  private centroidModel(what: string): EuclideanCentroids {
    return this.fitted(what);
  }

  private fitted(what: string): BisectingState {
    if (!this.state) throw new NotFittedError(what);
    return this.state;
  }
}

/** Mean of each column, summed row by row in float64. */
function columnMeans(X: Matrix): Float64Array {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  for (let i = 0, o = 0; i < rows; i++, o += cols)
    for (let t = 0; t < cols; t++) mean[t] += data[o + t];
  for (let t = 0; t < cols; t++) mean[t] /= rows;
  return mean;
}

/** X minus `mean` in X's dtype: a new matrix. */
function centredCopy(X: Matrix, mean: Float64Array): Matrix {
  const { rows, cols } = X;
  const data = X.data instanceof Float32Array ? new Float32Array(X.data) : new Float64Array(X.data);
  for (let i = 0, o = 0; i < rows; i++, o += cols)
    for (let t = 0; t < cols; t++) data[o + t] -= mean[t];
  return { data, rows, cols };
}

/** Weighted sum of squared distances of the rows of X to `center`. */
function spreadAbout(X: Matrix, weights: Float64Array, center: Float64Array): number {
  const { rows, cols, data } = X;
  const terms = new Float64Array(rows);
  for (let i = 0, o = 0; i < rows; i++, o += cols) {
    let s = 0;
    for (let t = 0; t < cols; t++) {
      const d = data[o + t] - center[t];
      s += d * d;
    }
    terms[i] = s;
  }
  return compensatedWeightedSum(terms, weights);
}

/**
 * The grown tree as read-only nodes in X's coordinates (centres plus the column means), leaves
 * labelled left to right, and each training row's leaf into `labels`.
 */
function finishedTree(root: GrowingNode, mean: Float64Array, labels: Int32Array): BisectingNode {
  let nextLabel = 0;
  const finish = (node: GrowingNode): BisectingNode => {
    const center = Array.from(node.center, (v, t) => v + mean[t]);
    const common = {
      center,
      size: node.size,
      weight: node.weight,
      inertia: node.inertia,
      score: node.score,
    };
    if (node.children) {
      const children: [BisectingNode, BisectingNode] = [
        finish(node.children[0]),
        finish(node.children[1]),
      ];
      return { ...common, splitOrder: node.splitOrder, label: -1, children };
    }
    const label = nextLabel++;
    for (const row of node.indices ?? []) labels[row] = label;
    return { ...common, splitOrder: -1, label, children: null };
  };
  return finish(root);
}
