import { NotFittedError, ValidationError } from '../../errors.js';
import { compensatedWeightedSum } from '../../kernels/summation.js';
import type { BoundKernels } from '../../kernels/types.js';
import { flatToRows, type Matrix, type MatrixLike, toMatrix } from '../../matrix.js';
import { Random } from '../../random.js';
import {
  centroidDistances,
  centroidScore,
  type EuclideanCentroids,
  withBoundRows,
} from '../centroid-queries.js';
import { bindData, type FitInput, type FitOptions } from '../kmeans.js';
import { metricStrategy } from '../metric-strategies.js';
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
    // X is only read: a matrix of the model's dtype is used where it lies.
    const data = toMatrix(X, {
      name: 'X',
      dtype: opts.dtype,
      adopt: (matrix) =>
        matrix.data instanceof Float32Array === (opts.dtype === 'float32') ? matrix : undefined,
    });
    const { rows } = data;
    if (k > rows)
      throw new ValidationError(
        'nClusters',
        `must be at most the number of rows of X (${rows}); got ${k}`,
      );
    const weights = resolveSampleWeight(fitOptions.sampleWeight, rows);
    const rng =
      opts.randomState === undefined ? Random.fromEntropy() : new Random(opts.randomState);
    const state = this.grow(data, weights, rng);
    if (!Number.isFinite(state.inertia) || !state.centers.every(Number.isFinite))
      throw new ValidationError(
        'X',
        'values too large: squared distances overflow float64; rescale X (e.g. divide by a power of two)',
      );
    this.state = state;
    return this;
  }

  /**
   * The bisections of X, and the model they make. scikit-learn centres X on its column means
   * first, for its distance form's accuracy; lloyd's kernels settle near ties by exact distances,
   * so X is used as it is (the same splits; centres equal up to rounding). X is bound whole only
   * for the root's bisection, so every later one's rows reuse one warm kernels memory.
   */
  private grow(data: Matrix, weights: Float64Array, rng: Random): BisectingState {
    const opts = this.options;
    const k = opts.nClusters;
    const { rows, cols } = data;
    const query = { backend: opts.backend, threads: opts.threads };
    const rowDistances = new Float64Array(rows);
    const rootCenter = columnMeans(data);
    const { kernels } = bindData(data, { ...query, metric: euclidean }, opts.dtype, cols, () => {});
    let root: GrowingNode;
    try {
      kernels.distancesToAssigned('sqeuclidean', rootCenter, new Int32Array(rows), rowDistances);
      root = {
        center: rootCenter,
        indices: Int32Array.from({ length: rows }, (_, i) => i),
        size: rows,
        weight: weights.reduce((a, b) => a + b, 0),
        inertia: compensatedWeightedSum(rowDistances, weights),
        score: 0,
        splitOrder: -1,
        children: null,
      };
      if (k > 1) this.split(root, 0, data, kernels, weights, rowDistances, rng);
    } finally {
      kernels.release();
    }
    for (let split = 1; split < k - 1; split++)
      this.split(leafToBisect(root), split, data, undefined, weights, rowDistances, rng);
    const labels = new Int32Array(rows);
    const tree = finishedTree(root, labels);
    const centers = new Float64Array(k * cols);
    leavesInOrder(tree).forEach((leaf, j) => {
      centers.set(leaf.center, j * cols);
    });
    // Every row's distance is to its leaf's centre (the last bisection of its rows set it).
    const inertia = compensatedWeightedSum(rowDistances, weights);
    return { k, cols, dtype: opts.dtype, centers, labels, inertia, tree };
  }

  /** Bisects `leaf` (the split-th bisection), or says why it cannot be. */
  private split(
    leaf: GrowingNode,
    split: number,
    X: Matrix,
    kernels: BoundKernels | undefined,
    weights: Float64Array,
    rowDistances: Float64Array,
    rng: Random,
  ): void {
    const opts = this.options;
    if (leaf.size < 2)
      throw new ValidationError(
        'nClusters',
        `the ${split + 2}-th cluster needs a cluster of at least 2 rows to split, and the one chosen has ${leaf.size} (X has too few distinct rows for ${opts.nClusters} clusters)`,
      );
    bisect(
      {
        X,
        kernels,
        rowDistances,
        weights,
        node: leaf,
        init: opts.init,
        nInit: opts.nInit,
        maxIter: opts.maxIter,
        tol: opts.tol,
        strategy: opts.bisectingStrategy,
        rng,
        query: { backend: opts.backend, threads: opts.threads },
      },
      split,
    );
  }

  /** Fits and returns the labels. */
  fitPredict(X: MatrixLike, fitOptions: FitOptions = {}): Int32Array {
    return this.fit(X, fitOptions).labels;
  }

  /**
   * The leaf each row of X reaches going down the tree, at each split to the nearer of the two
   * halves' centres (ties to the left), as scikit-learn's predict; not always the nearest leaf.
   */
  predict(X: FitInput): Int32Array {
    const state = this.fitted('predict()');
    const nodes = nodesInOrder(state.tree);
    const position = new Map(nodes.map((node, i) => [node, i]));
    const nodeCenters = new Float64Array(nodes.length * state.cols);
    nodes.forEach((node, i) => {
      nodeCenters.set(node.center, i * state.cols);
    });
    return withBoundRows(X, state.cols, state.dtype, this.query, (data, kernels) => {
      const n = data.rows;
      // Each row's current node (its position in `nodes`), moved down one level per round: two
      // passes give every row its distance to its node's two children.
      const at = new Int32Array(n);
      const left = new Int32Array(n);
      const right = new Int32Array(n);
      const toLeft = new Float64Array(n);
      const toRight = new Float64Array(n);
      let moving = nodes[0].children !== null;
      while (moving) {
        moving = false;
        for (let i = 0; i < n; i++) {
          const children = nodes[at[i]].children;
          left[i] = children ? (position.get(children[0]) ?? 0) : at[i];
          right[i] = children ? (position.get(children[1]) ?? 0) : at[i];
        }
        kernels.distancesToAssigned('sqeuclidean', nodeCenters, left, toLeft);
        kernels.distancesToAssigned('sqeuclidean', nodeCenters, right, toRight);
        for (let i = 0; i < n; i++) {
          if (left[i] === at[i]) continue;
          // Ties go left: the inner fit's cluster 0, as numpy's argmin.
          at[i] = toLeft[i] <= toRight[i] ? left[i] : right[i];
          if (nodes[at[i]].children) moving = true;
        }
      }
      return Int32Array.from(at, (node) => nodes[node].label);
    });
  }

  /** Euclidean distance from each row of X to each leaf centre (rows x k). */
  transform(X: FitInput): number[][] {
    return centroidDistances(X, this.centroidModel('transform()'), this.query);
  }

  /** Minus the weighted sum of squared distances of X to its nearest leaf centres, as scikit-learn's score. */
  score(X: FitInput, fitOptions: FitOptions = {}): number {
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

const euclidean = metricStrategy('euclidean');

/** Mean of each column, summed row by row in float64. */
function columnMeans(X: Matrix): Float64Array {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  for (let i = 0, o = 0; i < rows; i++, o += cols)
    for (let t = 0; t < cols; t++) mean[t] += data[o + t];
  for (let t = 0; t < cols; t++) mean[t] /= rows;
  return mean;
}

/**
 * The grown tree as read-only nodes, leaves labelled left to right, and each training row's leaf
 * into `labels`.
 */
function finishedTree(root: GrowingNode, labels: Int32Array): BisectingNode {
  let nextLabel = 0;
  const finish = (node: GrowingNode): BisectingNode => {
    const center = Array.from(node.center);
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
