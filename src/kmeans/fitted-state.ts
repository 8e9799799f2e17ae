import type { DType } from '../matrix.js';
import type { MetricName } from './metric-strategies.js';

/** Everything a fitted model knows; `KMeans` exposes it read-only. */
export interface FittedState {
  metric: MetricName;
  dtype: DType;
  k: number;
  cols: number;
  /** k x cols, row-major. */
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  converged: boolean;
  warnings: string[];
}
