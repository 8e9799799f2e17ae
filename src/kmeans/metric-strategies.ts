import { ValidationError } from '../errors.js';
import type { BoundKernels, DistanceKind } from '../kernels/types.js';
import { isMatrix, type Matrix } from '../matrix.js';
import type { RowSource } from '../row-source.js';
import { heaviestCluster, planRelocations, relocatedLabels } from './empty-clusters.js';
import {
  type ClusterMembers,
  clusterMembers,
  exactlySummable,
  gatherColumn,
  medianOf,
  weightedMedianOf,
} from './medians.js';

/** The distance a model clusters with. */
export type MetricName = 'euclidean' | 'manhattan' | 'cosine';

/** The metrics lloyd knows, in the order shown in messages. */
export const METRIC_NAMES: readonly MetricName[] = ['euclidean', 'manhattan', 'cosine'];

/** What an update step sees. */
export interface UpdateContext {
  /** X: held in memory, or read pass by pass (then only the kernels read it). */
  X: Matrix | RowSource;
  kernels: BoundKernels;
  weights: Float64Array;
  labels: Int32Array;
  /** Each row's distance to the centre it was assigned; computed on first use (only relocation needs it). */
  distances(): Float64Array;
  k: number;
  oldCenters: Float64Array;
  /** Output: k x cols. */
  newCenters: Float64Array;
  /** The clusters' weighted sums and weights, when the assignment pass already computed them. */
  precomputed?: { sums: Float64Array; clusterWeights: Float64Array };
}

/**
 * A metric is an assignment distance paired with the centre update that minimises the same
 * objective: mean for squared euclidean, median for L1, normalised mean for cosine.
 */
export interface MetricStrategy {
  readonly name: MetricName;
  /** What the kernels compute for assignment. */
  readonly distance: DistanceKind;
  /** Whether the update starts from the clusters' weighted sums (so assignment can compute them on the way). */
  readonly usesSums: boolean;
  /**
   * Whether the update reads rows of X itself (k-medians' medians), so X must be held in memory;
   * otherwise only the kernels read X, and it may be read pass by pass.
   */
  readonly readsRows: boolean;
  /**
   * Readies a matrix the model owns, in place, e.g. L2-normalises rows for cosine. Absent where X
   * is used as given, so a fit may read the caller's matrix where it lies (a shared matrix).
   * `firstRow`: the row of the whole of X that X's first row is (a window of rows read), for errors.
   */
  prepareData?(X: Matrix, parameter: string, firstRow?: number): void;
  /** Readies centres the model owns, in place. */
  prepareCenters(centers: Float64Array, k: number, cols: number, parameter: string): void;
  /** Computes `newCenters` from the assignment, relocating empty clusters. */
  updateCenters(context: UpdateContext): void;
  /**
   * A row's contribution to inertia, per unit weight, from its kernel distance; absent where it
   * is the kernel distance itself (then the kernels may sum it where they compute it).
   */
  cost?(distance: number): number;
  /** The distance `transform` reports, from a kernel distance. */
  reportedDistance(distance: number): number;
}

/** The row indices each cluster is updated from, after moving rows into empty clusters. */
function updateLabels(context: UpdateContext, clusterWeights: Float64Array): Int32Array {
  if (!clusterWeights.subarray(0, context.k).includes(0)) return context.labels;
  const relocations = planRelocations(clusterWeights, context.k, context.distances());
  return relocations.length === 0 ? context.labels : relocatedLabels(context.labels, relocations);
}

/** Weighted means of each cluster; a cluster left empty takes the heaviest cluster's centre. */
function meanUpdate(context: UpdateContext): void {
  const { kernels, weights, k, newCenters } = context;
  const cols = context.X.cols;
  const clusterWeights = new Float64Array(k);
  if (context.precomputed) {
    newCenters.set(context.precomputed.sums);
    clusterWeights.set(context.precomputed.clusterWeights);
  } else {
    kernels.sumByCluster(weights, context.labels, k, newCenters, clusterWeights);
  }
  const labels = updateLabels(context, clusterWeights);
  if (labels !== context.labels)
    kernels.sumByCluster(weights, labels, k, newCenters, clusterWeights);
  for (let j = 0; j < k; j++) {
    const w = clusterWeights[j];
    if (w > 0) for (let t = 0; t < cols; t++) newCenters[j * cols + t] /= w;
  }
  fillEmptyFromHeaviest(newCenters, clusterWeights, k, cols);
}

function fillEmptyFromHeaviest(
  centers: Float64Array,
  clusterWeights: Float64Array,
  k: number,
  cols: number,
): void {
  const heaviest = heaviestCluster(clusterWeights, k);
  for (let j = 0; j < k; j++) {
    if (clusterWeights[j] > 0) continue;
    centers.copyWithin(j * cols, heaviest * cols, (heaviest + 1) * cols);
  }
}

function clusterWeightsOf(labels: Int32Array, weights: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) out[labels[i]] += weights[i];
  return out;
}

/**
 * L2-normalises each of `rows` rows in place; a zero row is an error naming it (its row of the
 * whole matrix: these rows start at `firstRow`).
 */
function normaliseRows(
  data: Float64Array | Float32Array,
  rows: number,
  cols: number,
  parameter: string,
  firstRow = 0,
): void {
  for (let i = 0; i < rows; i++) {
    const norm = rowNorm(data, i * cols, cols);
    if (norm === 0) {
      throw new ValidationError(
        parameter,
        `row ${firstRow + i} is all zeros, and cosine distance is undefined for a zero vector`,
      );
    }
    for (let t = 0; t < cols; t++) data[i * cols + t] /= norm;
  }
}

/** Euclidean norm of `length` values from `offset`, scaled first so tiny or huge values neither underflow nor overflow. */
function rowNorm(data: Float64Array | Float32Array, offset: number, length: number): number {
  let largest = 0;
  for (let t = 0; t < length; t++) largest = Math.max(largest, Math.abs(data[offset + t]));
  if (largest === 0) return 0;
  let sq = 0;
  for (let t = 0; t < length; t++) sq += (data[offset + t] / largest) ** 2;
  return largest * Math.sqrt(sq);
}

const euclidean: MetricStrategy = {
  name: 'euclidean',
  distance: 'sqeuclidean',
  usesSums: true,
  readsRows: false,
  prepareCenters() {},
  updateCenters: meanUpdate,
  reportedDistance: (distance) => Math.sqrt(distance),
};

/** Spherical k-means: unit rows, unit centres; ||x - c||² = 2 - 2 cos, so cost = distance / 2. */
const cosine: MetricStrategy = {
  name: 'cosine',
  distance: 'sqeuclidean',
  usesSums: true,
  readsRows: false,
  prepareData(X, parameter, firstRow) {
    normaliseRows(X.data, X.rows, X.cols, parameter, firstRow);
  },
  prepareCenters(centers, k, cols, parameter) {
    normaliseRows(centers, k, cols, parameter);
  },
  updateCenters(context) {
    meanUpdate(context);
    const { newCenters, oldCenters, k } = context;
    const cols = context.X.cols;
    for (let j = 0; j < k; j++) {
      const norm = rowNorm(newCenters, j * cols, cols);
      if (norm === 0) {
        // A mean of zero has no direction; every unit vector scores the same, so keep the old one.
        newCenters.set(oldCenters.subarray(j * cols, (j + 1) * cols), j * cols);
        continue;
      }
      for (let t = 0; t < cols; t++) newCenters[j * cols + t] /= norm;
    }
  },
  cost: (distance) => Math.min(2, Math.max(0, distance / 2)),
  reportedDistance: (distance) => Math.min(2, Math.max(0, distance / 2)),
};

/** k-medians: L1 assignment, coordinate-wise weighted median update. */
const manhattan: MetricStrategy = {
  name: 'manhattan',
  distance: 'manhattan',
  usesSums: false,
  readsRows: true,
  prepareCenters() {},
  updateCenters(context) {
    const { kernels, weights, k, newCenters } = context;
    const X = context.X;
    if (!isMatrix(X)) throw new Error('lloyd: k-medians reads rows of X, which is not in memory');
    const labels = updateLabels(context, clusterWeightsOf(context.labels, weights, k));
    const clusterWeights = clusterWeightsOf(labels, weights, k);
    const uniform = weights.every((w) => w === weights[0]);
    if (uniform && weights[0] > 0 && kernels.mediansByCluster) {
      // The old centres as the kernels' guesses: once a fit settles most medians stay put.
      newCenters.set(context.oldCenters);
      kernels.mediansByCluster(labels, k, newCenters);
    } else {
      const members = clusterMembers(labels, weights, k);
      if (uniform) medianUpdate(X, members, k, newCenters);
      else weightedMedianUpdate(X, members, k, weights, newCenters);
    }
    fillEmptyFromHeaviest(newCenters, clusterWeights, k, X.cols);
  },
  reportedDistance: (distance) => distance,
};

/** The median of each column of each cluster with rows, by selection (medians.ts). */
function medianUpdate(X: Matrix, members: ClusterMembers, k: number, out: Float64Array): void {
  const { rows, offsets } = members;
  const values = new Float64Array(rows.length);
  for (let j = 0; j < k; j++) {
    const from = offsets[j];
    const count = offsets[j + 1] - from;
    if (count === 0) continue;
    for (let t = 0; t < X.cols; t++) {
      gatherColumn(X, rows, from, from + count, t, values);
      out[j * X.cols + t] = medianOf(values, count);
    }
  }
}

/**
 * The weighted median of each column of each cluster with rows: by selection where the weights'
 * partial sums are exact (so the order they are added in cannot matter), else by sorting.
 */
function weightedMedianUpdate(
  X: Matrix,
  members: ClusterMembers,
  k: number,
  weights: Float64Array,
  out: Float64Array,
): void {
  const { rows, offsets } = members;
  const select = exactlySummable(weights);
  const values = new Float64Array(rows.length);
  const rowWeights = new Float64Array(rows.length);
  for (let j = 0; j < k; j++) {
    const from = offsets[j];
    const count = offsets[j + 1] - from;
    if (count === 0) continue;
    const cluster = rows.subarray(from, from + count);
    let total = 0;
    for (const r of cluster) total += weights[r];
    for (let t = 0; t < X.cols; t++) {
      let median = Number.NaN;
      if (select) {
        gatherColumn(X, rows, from, from + count, t, values);
        for (let r = 0; r < count; r++) rowWeights[r] = weights[cluster[r]];
        median = weightedMedianOf(values, rowWeights, count, total / 2);
      }
      out[j * X.cols + t] = Number.isNaN(median)
        ? weightedMedianBySorting(cluster, X, t, weights)
        : median;
    }
  }
}

/**
 * A minimiser of sum w·|x - m|: the first value where the cumulative weight reaches half the
 * total; when it lands exactly on half, the midpoint of it and the next value (so equal weights
 * give the ordinary median). Values sorted with ties in row order, weights added in that order.
 */
function weightedMedianBySorting(
  rows: Int32Array,
  X: Matrix,
  col: number,
  weights: Float64Array,
): number {
  const values = Array.from(rows, (r) => X.data[r * X.cols + col]);
  const order = Array.from(rows.keys()).sort((a, b) => values[a] - values[b] || a - b);
  let total = 0;
  for (const r of rows) total += weights[r];
  const half = total / 2;
  let cumulative = 0;
  for (let p = 0; p < order.length; p++) {
    cumulative += weights[rows[order[p]]];
    if (cumulative >= half) {
      if (cumulative === half && p + 1 < order.length)
        return (values[order[p]] + values[order[p + 1]]) / 2;
      return values[order[p]];
    }
  }
  return values[order[order.length - 1]];
}

const STRATEGIES: Record<MetricName, MetricStrategy> = { euclidean, manhattan, cosine };

/** The strategy for a metric name, or a clear error. */
export function metricStrategy(name: unknown): MetricStrategy {
  if (typeof name === 'string' && Object.hasOwn(STRATEGIES, name))
    return STRATEGIES[name as MetricName];
  throw new ValidationError(
    'metric',
    `unknown metric ${JSON.stringify(name)}; use one of ${METRIC_NAMES.join(', ')}`,
  );
}
