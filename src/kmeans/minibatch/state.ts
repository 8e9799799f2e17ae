import type { DType } from '../../matrix.js';

/** Everything a fitted MiniBatchKMeans knows, including what partialFit continues from. */
export interface MiniBatchState {
  k: number;
  cols: number;
  dtype: DType;
  /** k x cols, row-major. */
  centers: Float64Array;
  /** Accumulated weight of each centre: its inverse learning rate. */
  counts: Float64Array;
  /** Labels of the rows of the last fit (or of the last partialFit's batch); undefined without computeLabels. */
  labels: Int32Array | undefined;
  /** Inertia of those rows; undefined when nothing computed it. */
  inertia: number | undefined;
  /** Passes over X of the last fit, counted as scikit-learn's `n_iter_` (0 from partialFit alone). */
  nIter: number;
  /** Mini-batch steps taken (fit's, then every partialFit's). */
  nSteps: number;
  /** The batch size the counts were accumulated with: min(batchSize, rows of the first data). */
  batchSize: number;
  /** Rows seen since the last reassignment check fired. */
  rowsSinceReassign: number;
}
