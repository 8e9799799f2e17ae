import type { BoundKernels } from '../../kernels/types.js';
import type { Matrix } from '../../matrix.js';
import type { Random } from '../../random.js';
import { type QueryBackend, withGathered } from '../centroid-queries.js';
import { permutation } from '../draws.js';
import { kMeansPlusPlus } from '../init.js';
import { type LloydResult, runLloyd } from '../lloyd.js';
import { metricStrategy } from '../metric-strategies.js';
import type { BisectingInit, BisectingStrategy } from './options.js';

/** A node while the tree grows: rows held by leaves. */
export interface GrowingNode {
  /** cols values, float64. */
  center: Float64Array;
  /** Rows of X in this cluster (leaves only; null once split). */
  indices: Int32Array | null;
  size: number;
  weight: number;
  inertia: number;
  score: number;
  splitOrder: number;
  children: [GrowingNode, GrowingNode] | null;
}

/** What one bisection needs. */
export interface Bisection {
  /** The whole of X and its sample weights. */
  X: Matrix;
  /** X bound: the root's bisection runs on it as it is (undefined after the root's). */
  kernels: BoundKernels | undefined;
  /** Each row's squared distance to its leaf's centre: a bisection sets its rows'. */
  rowDistances: Float64Array;
  weights: Float64Array;
  node: GrowingNode;
  init: BisectingInit;
  nInit: number;
  maxIter: number;
  tol: number;
  strategy: BisectingStrategy;
  rng: Random;
  query: QueryBackend;
}

const euclidean = metricStrategy('euclidean');

/**
 * scikit-learn's `_bisect`: nInit exact 2-means fits (Lloyd, as KMeans runs them) of the node's
 * rows, the best kept (a later one only when its inertia is lower by more than a relative 1e-6),
 * and the node split into the fit's cluster 0 (left) and 1 (right), each scored by the strategy.
 */
export function bisect(bisection: Bisection, splitOrder: number): void {
  const { X, weights, node, rng } = bisection;
  const indices = node.indices;
  if (!indices) throw new Error('unreachable: only leaves are bisected');
  const rowWeights = Float64Array.from(indices, (i) => weights[i]);
  const split = (rows: Matrix, kernels: BoundKernels): void => {
    let best: LloydResult | undefined;
    for (let restart = 0; restart < bisection.nInit; restart++) {
      const centers = startingCenters(bisection, rows, rowWeights, kernels, rng);
      const result = runLloyd({
        X: rows,
        kernels,
        weights: rowWeights,
        centers,
        k: 2,
        maxIter: bisection.maxIter,
        tolerance: bisection.tol,
        metric: euclidean,
        restart,
        bounds: undefined,
      });
      if (!best || result.inertia < best.inertia * (1 - 1e-6)) best = result;
    }
    if (!best) throw new Error('unreachable: nInit >= 1');
    const distances = new Float64Array(rows.rows);
    kernels.distancesToAssigned('sqeuclidean', best.centers, best.labels, distances);
    const halves = [0, 1].map((side): GrowingNode => {
      const members: number[] = [];
      let weight = 0;
      let inertia = 0;
      for (let i = 0; i < rows.rows; i++) {
        if (best.labels[i] !== side) continue;
        members.push(indices[i]);
        bisection.rowDistances[indices[i]] = distances[i];
        weight += rowWeights[i];
        inertia += rowWeights[i] * distances[i];
      }
      return {
        center: best.centers.slice(side * X.cols, (side + 1) * X.cols),
        indices: Int32Array.from(members),
        size: members.length,
        weight,
        inertia,
        score: bisection.strategy === 'biggest_inertia' ? inertia : members.length,
        splitOrder: -1,
        children: null,
      };
    });
    node.children = [halves[0], halves[1]];
    node.indices = null;
    node.splitOrder = splitOrder;
  };
  if (bisection.kernels && indices.length === X.rows) split(X, bisection.kernels);
  else withGathered(X, indices, bisection.query, split);
}

/**
 * Two starting centres: 'random' takes the first two rows of numpy's `permutation(n)` (the
 * weights are not used, as scikit-learn 1.2.1), 'k-means++' is lloyd's greedy k-means++.
 */
function startingCenters(
  bisection: Bisection,
  rows: Matrix,
  rowWeights: Float64Array,
  kernels: BoundKernels,
  rng: Random,
): Float64Array {
  const { cols } = rows;
  const readRows = (picked: readonly number[]): Float64Array => {
    const out = new Float64Array(picked.length * cols);
    picked.forEach((row, j) => {
      out.set(rows.data.subarray(row * cols, (row + 1) * cols), j * cols);
    });
    return out;
  };
  if (bisection.init === 'random')
    return readRows(Array.from(permutation(rng, rows.rows).subarray(0, 2)));
  return kMeansPlusPlus.choose({
    X: rows,
    readRows,
    kernels,
    k: 2,
    weights: rowWeights,
    rng,
    metric: euclidean,
    bind: (matrix) => bisection.query.backend.bind(matrix, { threads: bisection.query.threads }),
  });
}

/**
 * The leaf to bisect next (scikit-learn's `get_cluster_to_bisect`): the first leaf, left to
 * right, with the largest score.
 */
export function leafToBisect(root: GrowingNode): GrowingNode {
  let best: GrowingNode | undefined;
  const visit = (node: GrowingNode): void => {
    if (node.children) {
      visit(node.children[0]);
      visit(node.children[1]);
    } else if (!best || node.score > best.score) best = node;
  };
  visit(root);
  if (!best) throw new Error('unreachable: a tree has a leaf');
  return best;
}
