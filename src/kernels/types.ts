import type { DType, Matrix } from '../matrix.js';
import type { RowSource } from '../row-source.js';

/** The distance a kernel computes between a row and a centre. */
export type DistanceKind = 'sqeuclidean' | 'manhattan';

/**
 * Bounds an accelerated pass keeps: Hamerly's (one lower bound a row, O(n) memory) or Elkan's (one
 * a row and centre, n x k float32).
 */
export type BoundsMethod = 'hamerly' | 'elkan';

/**
 * A compute backend. `bind` takes the data once per fit, so a backend that keeps X in its own
 * memory (WebAssembly, workers) copies it only once; every pass then works on caller-owned buffers.
 */
export interface KernelBackend {
  readonly name: string;
  bind(X: Matrix, options?: BindOptions): BoundKernels;
  /**
   * Optional: room for a rows x cols matrix in the backend's own memory, for the caller to fill
   * and then bind without a copy (so a fit holds X once). Undefined when it cannot be had.
   */
  allocate?(
    rows: number,
    cols: number,
    dtype: DType,
    options?: BindOptions,
  ): AllocatedMatrix | undefined;
  /**
   * Optional: X where it lies, when it already lives in this backend's memory (a shared matrix)
   * as `dtype` and is not bound elsewhere: check and bind it with no copy. Undefined otherwise.
   */
  adopt?(X: Matrix, dtype: DType, options?: BindOptions): AllocatedMatrix | undefined;
  /**
   * Optional: kernels over rows read from `source` (as `dtype`) on every pass, never held whole,
   * with the same results as binding them as a matrix. A value that is not finite is an error
   * naming its row when it is read.
   */
  bindRows?(source: RowSource, dtype: DType, options?: BindOptions): BoundKernels;
}

/** A matrix in a backend's memory: fill `matrix`, then `bind` it, or `release` it unused. */
export interface AllocatedMatrix {
  readonly matrix: Matrix;
  /**
   * Whether every value of the matrix is finite, by a fast pass in the backend (filled matrices
   * skip toMatrix's own check and call this instead).
   */
  allFinite(): boolean;
  /**
   * Binds the matrix. `unchanged`: its values are as `allFinite` last saw them, so what that pass
   * computed (row norms) is kept; otherwise (say rows were normalised since) it is computed again.
   */
  bind(unchanged?: boolean): BoundKernels;
  release(): void;
}

/** How a backend may run a bound matrix's passes. */
export interface BindOptions {
  /** Threads to use, the caller's included (backends that cannot use threads ignore it). */
  threads?: number;
  /**
   * Hold at most about this many rows of X in the backend's memory at once, reading the rest
   * through that window on every pass, with the same results (backends that hold X whole ignore
   * it). By default the WebAssembly backend holds X whole where it fits one WebAssembly memory
   * and uses windows beyond.
   */
  windowRows?: number;
  /**
   * Rows per block of the cluster sums, for rows that are part of a larger matrix starting at one
   * of its block boundaries (a shard of a distributed fit: sumBlockRows of the whole matrix's
   * rows), so their blocks are the whole matrix's. By default sumBlockRows(rows).
   */
  blockRows?: number;
}

/**
 * The passes over a bound matrix of `rows` x `cols`. Centres are always float64, row-major k x cols.
 * Ties go to the lowest centre index, so every backend labels alike.
 */
export interface BoundKernels {
  readonly rows: number;
  readonly cols: number;
  /** For each row: the index of its nearest centre into `labels`, the distance to it into `distances`. */
  assign(
    kind: DistanceKind,
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void;
  /** For each row: the distance to the centre `labels[i]`. */
  distancesToAssigned(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    distances: Float64Array,
  ): void;
  /**
   * Optional: what `distancesToAssigned` computes, summed as compensatedWeightedSum(distances,
   * weights) sums it (the same terms in the same order, so the same bits) where the distances
   * are: a run's final inertia, without handing n distances over.
   */
  assignedDistanceSum?(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    weights: Float64Array,
  ): number;
  /** Every row-to-centre distance, row-major rows x k, into `out`. */
  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void;
  /**
   * Every row-to-centre squared euclidean distance by the fast form, in the exact arithmetic of
   * `fastSquaredDistances` (reference/fast-distances.ts), so all backends agree bit for bit.
   * k-means++ uses it where present (exact `pairwise` otherwise).
   */
  pairwiseFast?(centers: Float64Array, k: number, out: Float64Array): void;
  /**
   * Weighted sums of the rows of each cluster into `sums` (k x cols) and the total weight of each
   * cluster into `clusterWeights`; both are overwritten. Rows with a label outside [0, k) are skipped.
   * Summed in blocks of sumBlockRows(n) rows, reduced in block order (see blocks.ts).
   */
  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void;
  /**
   * Optional: what `sumByCluster` sums before it reduces the blocks: block b's sums of each
   * cluster into `sums` from b·k·cols (k x cols), its weights into `clusterWeights` from b·k,
   * for every block (ceil(rows / blockRows) of them); both are overwritten.
   */
  blockSums?(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void;
  /**
   * Optional: the median of each column of each cluster's rows (the rows labelled j, all weighing
   * alike) into `centers` (k x cols), as numpy's median gives it (the mean of the two middle
   * values for an even count), bit for bit, -0 sorting before +0. What `centers` holds on entry
   * are guesses, which only change the speed (the previous centres: most medians stay where they
   * were); a cluster without rows keeps its entry. Labels must lie in [0, k).
   */
  mediansByCluster?(labels: Int32Array, k: number, centers: Float64Array): void;
  /**
   * Optional fused pass for squared euclidean distance: `assign`, and the block-ordered sums of
   * the new clusters as `sumByCluster` gives them, in one read of X. `distances` may be null
   * when the caller does not need them.
   */
  assignAndSum?(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    distances: Float64Array | null,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void;
  /**
   * Optional: starts a run of bounded passes (Hamerly's or Elkan's bounds), `assignAndSum` that
   * skips most rows or distances with exactly a full scan's labels. Starting a run ends the one
   * before it on these kernels (the bounds live in the backend). `kind` (default 'sqeuclidean'):
   * the distance the bounds are on; 'manhattan' runs Hamerly's bounds only, and only `assign`
   * and `finalAssign` (k-medians' passes need labels alone).
   */
  startBounded?(method: BoundsMethod, kind?: DistanceKind): BoundedRun;
  /** Frees what `bind` took; the bound object must not be used afterwards. */
  release(): void;
}

/**
 * A run of bounded passes over one bound matrix (BoundKernels.startBounded). The bounds describe
 * the labels the run last returned, so each call takes the `labels` the previous one left (the
 * first call's are ignored: it scans every row and sets the bounds). A run is ended by the next
 * one started on the same kernels; its methods then throw.
 */
export interface BoundedRun {
  readonly method: BoundsMethod;
  /**
   * `assignAndSum` with the bounds: the labels of a full scan into `labels`, the block-ordered
   * sums of the new clusters into `sums` and `clusterWeights` (as `sumByCluster` gives them).
   * Returns how many labels changed (against the `labels` passed in; the first pass's too).
   */
  pass(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): number;
  /**
   * The labels of a full assignment to `centers` (moved once more since the last pass), without
   * the sums: a run's final assignment. The bounds still hold, so most rows are skipped.
   */
  finalAssign(centers: Float64Array, k: number, labels: Int32Array): void;
  /**
   * The labels of a full assignment to `centers` into `labels`, without the sums (a pass of a
   * run whose update reads no sums: k-medians'). Returns how many labels changed (against the
   * `labels` passed in; the first pass's too).
   */
  assign(centers: Float64Array, k: number, labels: Int32Array): number;
}
