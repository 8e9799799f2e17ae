import { compensatedWeightedSum } from '../kernels/summation.js';
import type { BoundKernels, KernelBackend } from '../kernels/types.js';
import { type DType, flatToRows, type Matrix, type MatrixLike, toMatrix } from '../matrix.js';
import { resolveSampleWeight } from './weights.js';

/**
 * Centroids in euclidean space, as MiniBatchKMeans and BisectingKMeans answer queries with them:
 * `centers` is k x cols float64, row-major.
 */
export interface EuclideanCentroids {
  centers: Float64Array;
  k: number;
  cols: number;
  dtype: DType;
}

/** How queries bind new data: the model's backend and threads. */
export interface QueryBackend {
  backend: KernelBackend;
  threads: number;
}

/**
 * Converts X (checked: finite, `cols` columns) to the model's dtype, binds it, runs `use` and
 * releases the kernels whatever happens.
 */
export function withBoundRows<T>(
  X: MatrixLike,
  cols: number,
  dtype: DType,
  { backend, threads }: QueryBackend,
  use: (data: Matrix, kernels: BoundKernels) => T,
): T {
  return withKernels(toMatrix(X, { name: 'X', dtype, cols }), { backend, threads }, use);
}

/** Binds a matrix the model made itself (checked already), runs `use`, releases the kernels. */
export function withKernels<T>(
  data: Matrix,
  { backend, threads }: QueryBackend,
  use: (data: Matrix, kernels: BoundKernels) => T,
): T {
  const kernels = backend.bind(data, { threads });
  try {
    return use(data, kernels);
  } finally {
    kernels.release();
  }
}

/** The nearest centroid of each row of X (ties to the lower index). */
export function nearestCentroids(
  X: MatrixLike,
  model: EuclideanCentroids,
  query: QueryBackend,
): Int32Array {
  return withBoundRows(X, model.cols, model.dtype, query, (data, kernels) => {
    const labels = new Int32Array(data.rows);
    kernels.assign('sqeuclidean', model.centers, model.k, labels, new Float64Array(data.rows));
    return labels;
  });
}

/** Euclidean distance from each row of X to each centroid (rows x k). */
export function centroidDistances(
  X: MatrixLike,
  model: EuclideanCentroids,
  query: QueryBackend,
): number[][] {
  return withBoundRows(X, model.cols, model.dtype, query, (data, kernels) => {
    const out = new Float64Array(data.rows * model.k);
    kernels.pairwise('sqeuclidean', model.centers, model.k, out);
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]);
    return flatToRows(out, data.rows, model.k);
  });
}

/** Minus the weighted sum of squared distances of X to its nearest centroids (scikit-learn's `score`). */
export function centroidScore(
  X: MatrixLike,
  sampleWeight: ArrayLike<number> | undefined,
  model: EuclideanCentroids,
  query: QueryBackend,
): number {
  return withBoundRows(X, model.cols, model.dtype, query, (data, kernels) => {
    const weights = resolveSampleWeight(sampleWeight, data.rows);
    const distances = new Float64Array(data.rows);
    kernels.assign('sqeuclidean', model.centers, model.k, new Int32Array(data.rows), distances);
    return -compensatedWeightedSum(distances, weights);
  });
}

/** Rows `indices` of X as a new matrix of X's dtype (a batch, or one cluster's rows). */
export function gatherRows(X: Matrix, indices: ArrayLike<number>): Matrix {
  const { cols } = X;
  const data =
    X.data instanceof Float32Array
      ? new Float32Array(indices.length * cols)
      : new Float64Array(indices.length * cols);
  for (let j = 0; j < indices.length; j++) {
    const row = indices[j];
    data.set(X.data.subarray(row * cols, (row + 1) * cols), j * cols);
  }
  return { data, rows: indices.length, cols };
}
