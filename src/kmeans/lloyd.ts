import { compensatedWeightedSum } from '../kernels/summation.js';
import type { BoundedRun, BoundKernels, BoundsMethod } from '../kernels/types.js';
import type { Matrix } from '../matrix.js';
import type { RowSource } from '../row-source.js';
import type { MetricStrategy } from './metric-strategies.js';

/** What `onIteration` receives after each iteration. */
export interface IterationInfo {
  /** Restart index, from 0. */
  restart: number;
  /** Iteration within the restart, from 1. */
  iteration: number;
  /** Objective of this iteration's assignment, measured against the centres it assigned to. */
  inertia: number;
  /** Sum over centres of the squared distance each centre moved in this iteration's update. */
  centerShift: number;
  /** Milliseconds since this restart began. */
  elapsedMs: number;
}

/** Return `false` to stop the fit; anything else continues. */
export type IterationCallback = (info: IterationInfo) => unknown;

/** Inputs of one Lloyd run from given centres. */
export interface LloydRun {
  /** X: held in memory, or read pass by pass by the kernels. */
  X: Matrix | RowSource;
  kernels: BoundKernels;
  weights: Float64Array;
  centers: Float64Array;
  k: number;
  maxIter: number;
  /** Absolute tolerance on the summed squared centre shift. */
  tolerance: number;
  metric: MetricStrategy;
  restart: number;
  /** Bounds to keep between passes, where the backend can (same results, fewer distance computations). */
  bounds: BoundsMethod | undefined;
  onIteration?: IterationCallback;
}

/** Outcome of one Lloyd run. */
export interface LloydResult {
  labels: Int32Array;
  centers: Float64Array;
  inertia: number;
  nIter: number;
  converged: boolean;
  /** True when `onIteration` returned false. */
  stopped: boolean;
}

/**
 * Lloyd's algorithm with scikit-learn's stopping rule: stop when no label changed (strict
 * convergence) or when the squared centre shift falls to the tolerance. When not strictly
 * converged, one more assignment makes the labels match the returned centres.
 */
export function runLloyd(run: LloydRun): LloydResult {
  const { X, kernels, weights, k, metric, onIteration } = run;
  const n = X.rows;
  const cols = X.cols;
  const started = now();
  let centers = run.centers.slice();
  let nextCenters = new Float64Array(k * cols);
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  // Assignment and cluster sums in one read of X where the backend can; distances only when
  // something needs them (the callback's inertia now, relocation of an empty cluster later).
  const fused =
    metric.usesSums && metric.distance === 'sqeuclidean' && kernels.assignAndSum !== undefined;
  const sums = fused ? new Float64Array(k * cols) : undefined;
  const clusterWeights = fused ? new Float64Array(k) : undefined;
  // Every pass keeps bounds (Hamerly's or Elkan's) for the next one, in a run of its own: with
  // the sums for squared euclidean distances, labels alone for L1 (whose update reads no sums).
  const bounded = run.bounds !== undefined ? startBounds(run, sums !== undefined) : undefined;
  // Strict convergence: a pass changed no label. Bounded passes count their changes; otherwise
  // the labels are compared with the last pass's.
  const previousLabels = bounded ? undefined : new Int32Array(n).fill(-1);
  let strict = false;
  let converged = false;
  let stopped = false;
  let iteration = 0;
  while (iteration < run.maxIter) {
    iteration++;
    let haveDistances = true;
    let changes = -1; // unknown: compared below
    if (bounded && sums && clusterWeights) {
      haveDistances = false;
      changes = bounded.pass(centers, k, weights, labels, sums, clusterWeights);
    } else if (bounded) {
      haveDistances = false;
      changes = bounded.assign(centers, k, labels);
    } else if (sums && clusterWeights && kernels.assignAndSum) {
      haveDistances = onIteration !== undefined;
      kernels.assignAndSum(
        centers,
        k,
        weights,
        labels,
        haveDistances ? distances : null,
        sums,
        clusterWeights,
      );
    } else {
      kernels.assign(metric.distance, centers, k, labels, distances);
    }
    const assignedFrom = centers;
    const rowDistances = (): Float64Array => {
      if (!haveDistances) {
        kernels.distancesToAssigned(metric.distance, assignedFrom, labels, distances);
        haveDistances = true;
      }
      return distances;
    };
    // The callback's inertia (the update fetches the distances only if a cluster empties).
    const inertia = onIteration
      ? inertiaOf(run, assignedFrom, labels, rowDistances, haveDistances)
      : Number.NaN;
    metric.updateCenters({
      X,
      kernels,
      weights,
      labels,
      distances: rowDistances,
      k,
      oldCenters: centers,
      newCenters: nextCenters,
      precomputed: sums && clusterWeights ? { sums, clusterWeights } : undefined,
    });
    const centerShift = squaredShift(centers, nextCenters);
    [centers, nextCenters] = [nextCenters, centers];
    if (onIteration) {
      const info = {
        restart: run.restart,
        iteration,
        inertia,
        centerShift,
        elapsedMs: now() - started,
      };
      stopped = onIteration(info) === false;
    }
    if (previousLabels ? equalLabels(labels, previousLabels) : changes === 0) {
      strict = true;
      converged = true;
      break;
    }
    if (centerShift <= run.tolerance) {
      converged = true;
      break;
    }
    if (stopped) break;
    previousLabels?.set(labels);
  }
  // Whether `distances` are those of the final labels (a full assignment gives them).
  let finalDistances = false;
  if (!strict) {
    // One more assignment makes the labels match the returned centres. After bounded passes their
    // bounds still hold (the centres moved once more, as between iterations), so a bounded pass
    // without the sums gives the same labels as a full scan, skipping most rows.
    if (bounded) bounded.finalAssign(centers, k, labels);
    else {
      kernels.assign(metric.distance, centers, k, labels, distances);
      finalDistances = true;
    }
  }
  const finalRowDistances = (): Float64Array => {
    if (!finalDistances) kernels.distancesToAssigned(metric.distance, centers, labels, distances);
    return distances;
  };
  const inertia = inertiaOf(run, centers, labels, finalRowDistances, finalDistances);
  return { labels, centers, inertia, nIter: iteration, converged, stopped };
}

/**
 * The bounded run a Lloyd run keeps, where its kernels can: squared euclidean bounds for a fused
 * run (`fused`: its passes make the sums), L1 bounds for a manhattan run (Hamerly's only).
 */
function startBounds(run: LloydRun, fused: boolean): BoundedRun | undefined {
  const { kernels, metric, bounds } = run;
  if (bounds === undefined) return undefined;
  if (fused) return kernels.startBounded?.(bounds);
  if (metric.distance === 'manhattan' && bounds === 'hamerly')
    return kernels.startBounded?.(bounds, 'manhattan');
  return undefined;
}

/**
 * The inertia of `labels` against `centers`: summed from the rows' distances when they are in
 * hand, else by the kernels where they can and the cost is the kernel distance (n distances not
 * handed over), else from the distances `rowDistances` fetches. Every way gives the same bits.
 */
function inertiaOf(
  run: LloydRun,
  centers: Float64Array,
  labels: Int32Array,
  rowDistances: () => Float64Array,
  inHand: boolean,
): number {
  const { kernels, metric, weights } = run;
  if (!inHand && metric.cost === undefined && kernels.assignedDistanceSum)
    return kernels.assignedDistanceSum(metric.distance, centers, labels, weights);
  return compensatedWeightedSum(rowDistances(), weights, metric.cost);
}

function squaredShift(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i] - b[i];
    s += diff * diff;
  }
  return s;
}

function equalLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function now(): number {
  return globalThis.performance.now();
}
