import { compensatedWeightedSum } from '../kernels/summation.js';
import type { BoundKernels, KernelBackend } from '../kernels/types.js';
import { type DType, dtypeOf, flatToRows, isMatrix, type Matrix, zerosMatrix } from '../matrix.js';
import type { RowSource } from '../row-source.js';
import { bindData, type FitInput } from './kmeans.js';
import { metricStrategy } from './metric-strategies.js';
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

const euclidean = metricStrategy('euclidean');

/** How queries bind new data: the model's backend and threads. */
export interface QueryBackend {
  backend: KernelBackend;
  threads: number;
}

/**
 * Binds X (rows of numbers, a Matrix, or a RowSource read pass by pass) as KMeans binds it:
 * checked to be finite with `cols` columns, converted to the model's dtype straight into the
 * backend's memory (a shared matrix is bound where it lies). Runs `use` and releases the kernels
 * whatever happens.
 */
export function withBoundRows<T>(
  X: FitInput,
  cols: number | undefined,
  dtype: DType,
  { backend, threads }: QueryBackend,
  use: (data: Matrix | RowSource, kernels: BoundKernels) => T,
  validate: (shape: { rows: number; cols: number }) => void = () => {},
): T {
  const { data, kernels } = bindData(
    X,
    { backend, threads, metric: euclidean },
    dtype,
    cols,
    validate,
  );
  try {
    return use(data, kernels);
  } finally {
    kernels.release();
  }
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
  X: FitInput,
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
  X: FitInput,
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
  X: FitInput,
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

/**
 * Kernels over a rows x cols matrix of `dtype` that `fill` writes: written straight into the
 * backend's memory where it offers room (one copy of the rows, no second one by bind), else into
 * a new matrix that is then bound. The caller releases the kernels.
 */
export function bindFilled(
  rows: number,
  cols: number,
  dtype: DType,
  { backend, threads }: QueryBackend,
  fill: (data: Matrix) => void,
): { data: Matrix; kernels: BoundKernels } {
  const allocated = backend.allocate?.(rows, cols, dtype, { threads });
  if (allocated) {
    try {
      fill(allocated.matrix);
      return { data: allocated.matrix, kernels: allocated.bind() };
    } catch (error) {
      allocated.release();
      throw error;
    }
  }
  const data = zerosMatrix(rows, cols, dtype);
  fill(data);
  return { data, kernels: backend.bind(data, { threads }) };
}

/**
 * Rows `indices` of X (a batch, or one cluster's rows; X in memory or a RowSource read row by
 * row) gathered straight into the backend's memory as `dtype` (X's own by default) and bound;
 * runs `use` on them and releases the kernels whatever happens.
 */
export function withGathered<T>(
  X: Matrix | RowSource,
  indices: ArrayLike<number>,
  query: QueryBackend,
  use: (rows: Matrix, kernels: BoundKernels) => T,
  dtype: DType = isMatrix(X) ? dtypeOf(X) : X.dtype,
): T {
  const { data, kernels } = bindFilled(indices.length, X.cols, dtype, query, (into) => {
    gatherRowsInto(X, indices, into);
  });
  try {
    return use(data, kernels);
  } finally {
    kernels.release();
  }
}

/**
 * Rows of fewer values than this are gathered value by value; wider ones through a view per row
 * (a copy of the whole row), which costs more than a short row's values.
 */
const NARROW_ROW_VALUES = 32;

/**
 * Copies rows `indices` of X, in order, into `into` (indices.length x X.cols), converting to
 * into's element type as a typed array's `set` does: a source read row by row gives the values
 * its rows hold in memory would.
 */
export function gatherRowsInto(
  X: Matrix | RowSource,
  indices: ArrayLike<number>,
  into: Matrix,
): void {
  const { cols } = X;
  if (isMatrix(X)) {
    const source = X.data;
    const target = into.data;
    // A narrow row copies faster value by value than through a subarray view made per row.
    if (cols < NARROW_ROW_VALUES)
      for (let j = 0; j < indices.length; j++) {
        const from = indices[j] * cols;
        const to = j * cols;
        for (let t = 0; t < cols; t++) target[to + t] = source[from + t];
      }
    else
      for (let j = 0; j < indices.length; j++) {
        const row = indices[j];
        target.set(source.subarray(row * cols, (row + 1) * cols), j * cols);
      }
    return;
  }
  const sameType = into.data instanceof Float32Array === (X.dtype === 'float32');
  const scratch = sameType ? undefined : zerosMatrix(1, cols, X.dtype).data;
  for (let j = 0; j < indices.length; j++) {
    const target = into.data.subarray(j * cols, (j + 1) * cols);
    if (scratch) {
      X.read(indices[j], 1, scratch);
      target.set(scratch);
    } else {
      X.read(indices[j], 1, target);
    }
  }
}
