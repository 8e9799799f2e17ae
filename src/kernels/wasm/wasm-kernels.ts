/**
 * The passes over a matrix bound in one kernels memory (WasmKernels): loading centres, laying out
 * the buffers that depend on k, writing each pass's frame and running it; the kernels compute.
 */

import { ValidationError } from '../../errors.js';
import type { Matrix } from '../../matrix.js';
import { paddedClusters } from '../blocks.js';
import { centreSquaredNorms, FAST_FORM_LIMIT } from '../reference/fast-distances.js';
import { referenceBackend } from '../reference/index.js';
import type { BoundedRun, BoundKernels, BoundsMethod, DistanceKind } from '../types.js';
import { WasmBoundedRun } from './bounded-run.js';
import type { FrameArgs } from './frame.js';
import { align, type CentreBuffers, centreBuffers } from './layout.js';
import type { KernelRuntime } from './runtime.js';
import {
  callInPieces,
  LIGHT_WORK_PER_CALL,
  type WasmMatrix,
  WORK_PER_CALL,
} from './wasm-matrix.js';

/**
 * Whether Lloyd's and Hamerly's passes scan by panels (four centres to a vector; panelScores4 in
 * the kernels) rather than by pairs of rows (four dimensions to a vector): when k is large
 * against d (docs/performance.md has the measurements by shape; from d = 128 the pair scan is
 * as fast or faster, and for k = 4 too).
 */
function usePanels(k: number, d: number): boolean {
  return k >= 8 && d <= 96 && 4 * k > d;
}

/** The largest of `values` (0 for none). */
function largest(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  return max;
}

/** The frame fields every scanning pass reads: X, the centres as last loaded, the panels. */
export type ScanFrame = Pick<
  FrameArgs<'assignSumF32'>,
  | 'x'
  | 'd'
  | 'centres32'
  | 'centres64'
  | 'centreNorms'
  | 'k'
  | 'maxCentreNorm'
  | 'rowNorms'
  | 'margin'
  | 'panels'
  | 'halfNorms'
  | 'panelK'
>;

/** The frame fields every L1 scan reads: X, the centres as last loaded, their L1 norms. */
export type L1ScanFrame = Pick<
  FrameArgs<'l1AssignF32'>,
  'x' | 'd' | 'centres32' | 'centres64' | 'centreNorms' | 'k' | 'margin'
>;

/**
 * The passes over a matrix bound in a kernels memory: it loads centres, lays out the buffers
 * that depend on k, writes each pass's frame and runs it; the kernels compute. Bounded passes
 * are runs of their own (bounded-run.ts) over these.
 */
export class WasmKernels implements BoundKernels {
  rows: number;
  readonly cols: number;
  readonly f32: boolean;
  readonly runtime: KernelRuntime;
  readonly matrix: WasmMatrix;
  /** The reference's kernels over the same values: exact fallbacks for float32 beyond the fast scan's range. */
  fallback: BoundKernels;
  /** Rounding bound of the fast scores, relative to (||x|| + max ||c||)² (see assembly/scan.ts). */
  readonly margin: number;
  /** Rows per block of the cluster sums (see blocks.ts). */
  readonly blockRows: number;
  /** The buffers that depend on k, for the largest k so far (undefined before any). */
  private centreRoom: CentreBuffers | undefined;
  /** Whether the buffers are laid out with room for Elkan's bounds (once asked, kept). */
  private elkanRoom = false;
  /** The weights last copied in, and what the kernels read for them (see loadWeights). */
  private lastWeights: Float64Array | undefined;
  private weightsAt = 0;
  /**
   * Whether the block partial sums are those of the labels at sumsLabels, with the weights last
   * copied in and `sumsK` clusters: then bounded passes may redo only the blocks and clusters
   * whose rows changed.
   */
  private sumsCurrent = false;
  private sumsK = -1;
  /** The bounded run these kernels' bounds belong to now. */
  private boundedRun: WasmBoundedRun | undefined;
  private released = false;
  /** The largest squared norm of a row of X. */
  private maxRowNorm = 0;
  /** The largest squared norm of the centres last loaded. */
  private cnMax = 0;
  /** Centres in the panels as laid out for the last centres loaded (k rounded up to 4), or 0 for none. */
  private panelK = 0;

  /** `source`: the same values as X in memory, readable from JS for as long as this is bound. */
  constructor(matrix: WasmMatrix, source: Matrix) {
    this.rows = matrix.rows;
    this.cols = matrix.cols;
    this.f32 = matrix.f32;
    this.runtime = matrix.runtime;
    this.matrix = matrix;
    this.margin = (this.cols + 16) * (this.f32 ? 2 ** -23 : 2 ** -52);
    this.blockRows = matrix.blockRows;
    this.maxRowNorm = largest(matrix.rowNorms());
    // The manhattan passes use it, and float32 passes whose products could overflow.
    this.fallback = referenceBackend.bind(source, { blockRows: this.blockRows });
  }

  /**
   * Binds these kernels to new values of X, which the caller has written into the matrix: its
   * first `rows` rows (a window of a larger matrix moving on). Everything computed from the old
   * values (row norms, block sums, bounds) is forgotten.
   */
  reload(rows: number): void {
    this.matrix.setRows(rows);
    this.rows = rows;
    this.maxRowNorm = largest(this.matrix.rowNorms());
    this.fallback = referenceBackend.bind(this.matrix.matrix(), { blockRows: this.blockRows });
    this.lastWeights = undefined;
    this.sumsCurrent = false;
    this.boundedRun = undefined;
  }

  assign(
    kind: DistanceKind,
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    if (kind === 'manhattan') {
      this.l1Assign(centers, k, labels, distances);
      return;
    }
    const scan = this.loadScan(centers, k);
    if (this.beyondFloat32()) {
      this.fallback.assign(kind, centers, k, labels, distances);
      return;
    }
    const rows = this.matrix.buffers;
    // The iterations' kernel without sums (0 pointers), so a run's final pass finds it optimised.
    this.run(this.f32 ? 'assignSumF32' : 'assignSumF64', k * this.cols, {
      ...scan,
      labels: rows.labels,
      distances: rows.distances,
      weights: 0,
      sums: 0,
      clusterWeights: 0,
      blockRows: 1,
    });
    labels.set(this.view(Int32Array, rows.labels, this.rows));
    distances.set(this.view(Float64Array, rows.distances, this.rows));
  }

  /**
   * As BoundKernels' assignAndSum. With `continued`, `sums` and `clusterWeights` hold the fold of
   * the blocks before these rows (a window of a larger matrix), and this pass's blocks continue
   * it in block order: the same bits as one pass over every row.
   */
  assignAndSum(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    distances: Float64Array | null,
    sums: Float64Array,
    clusterWeights: Float64Array,
    continued = false,
  ): void {
    const scan = this.loadScan(centers, k);
    if (this.beyondFloat32()) {
      if (continued) throw new Error('lloyd: a window beyond the float32 scan range');
      this.exactAssignAndSum(centers, k, weights, labels, distances, sums, clusterWeights);
      return;
    }
    const blocks = this.prepareSums(weights, k);
    const rows = this.matrix.buffers;
    const room = this.room();
    this.runBlocks(this.f32 ? 'assignSumF32' : 'assignSumF64', k * this.cols, {
      ...scan,
      labels: rows.labels,
      distances: distances ? rows.distances : 0,
      weights: this.weightsAt,
      sums: room.sums,
      clusterWeights: room.clusterWeights,
      blockRows: this.blockRows,
    });
    labels.set(this.view(Int32Array, rows.labels, this.rows));
    if (distances) distances.set(this.view(Float64Array, rows.distances, this.rows));
    this.reduceSums(blocks, k, sums, clusterWeights, continued);
  }

  startBounded(method: BoundsMethod, kind: DistanceKind = 'sqeuclidean'): BoundedRun {
    if (method === 'elkan' && !this.elkanRoom) {
      this.elkanRoom = true;
      this.centreRoom = undefined; // lay out again, with room for Elkan's bounds
    }
    this.boundedRun = new WasmBoundedRun(this, method, kind);
    return this.boundedRun;
  }

  /** Whether `run` is the bounded run these kernels' bounds belong to. */
  isCurrentRun(run: WasmBoundedRun): boolean {
    return run === this.boundedRun && !this.released;
  }

  distancesToAssigned(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    this.assignedDistances(kind, centers, labels);
    distances.set(this.view(Float64Array, this.matrix.buffers.distances, this.rows));
  }

  /**
   * As BoundKernels' assignedDistanceSum. With `carried` (the running sum and compensation of
   * the rows before these, in and out), the sum continues over these rows in row order.
   */
  assignedDistanceSum(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    weights: Float64Array,
    carried?: Float64Array,
  ): number {
    this.assignedDistances(kind, centers, labels);
    this.loadWeights(weights);
    // On this thread, in row order: compensatedWeightedSum's sum, bit for bit, with the 8 MB of
    // distances (1M rows) left where they are.
    const rows = this.matrix.buffers;
    const state = this.view(Float64Array, rows.sumState, 2);
    if (carried) state.set(carried.subarray(0, 2));
    else state.fill(0);
    callInPieces(this.runtime, this.rows, 'weightedSumF64', {
      values: rows.distances,
      weights: this.weightsAt,
      state: rows.sumState,
    });
    const [sum, compensation] = this.view(Float64Array, rows.sumState, 2);
    carried?.set([sum, compensation]);
    return sum + compensation;
  }

  /**
   * Nearest centres by L1 distance on every thread: the reference's labels and distances, bit
   * for bit: rows are scanned in float32 (float64 rows from float32 copies) and settled by exact
   * distances (l1AssignScan in assembly/l1.ts).
   */
  private l1Assign(
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    const rows = this.matrix.buffers;
    this.run(this.f32 ? 'l1AssignF32' : 'l1AssignF64', k * this.cols, {
      ...this.loadL1Scan(centers, k),
      labels: rows.labels,
      distances: rows.distances,
    });
    labels.set(this.view(Int32Array, rows.labels, this.rows));
    distances.set(this.view(Float64Array, rows.distances, this.rows));
  }

  /**
   * Copies centres in for the float32 L1 scan (loadCentresL1) and returns the frame fields every
   * L1 scan reads: X, d, the centres (float32 and float64), their L1 norms, k and the scan's
   * rounding margin (assembly/l1.ts: l1ScanRow).
   */
  loadL1Scan(centers: Float64Array, k: number): L1ScanFrame {
    this.loadCentresL1(centers, k);
    const room = this.room();
    return {
      x: this.matrix.buffers.x,
      d: this.cols,
      centres32: room.centres32,
      centres64: room.centres64,
      centreNorms: room.centreNorms,
      k,
      margin: (this.cols + 16) * 2 ** -22,
    };
  }

  /**
   * Copies centres in for the float32 L1 scan: float64, a float32 copy, and each centre's L1
   * norm in `centreNorms` (where the squared euclidean passes keep squared norms: every pass
   * loads its own).
   */
  private loadCentresL1(centers: Float64Array, k: number): void {
    const room = this.layout(k);
    const d = this.cols;
    this.view(Float64Array, room.centres64, k * d).set(centers.subarray(0, k * d));
    this.view(Float32Array, room.centres32, k * d).set(centers.subarray(0, k * d));
    const norms = this.view(Float64Array, room.centreNorms, k);
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let t = 0; t < d; t++) sum += Math.abs(centers[j * d + t]);
      norms[j] = sum;
    }
  }

  /** Each row's distance of `kind` to its labelled centre, into the distances buffer. */
  private assignedDistances(kind: DistanceKind, centers: Float64Array, labels: Int32Array): void {
    this.loadCentres64(centers, centers.length / this.cols);
    const rows = this.matrix.buffers;
    this.view(Int32Array, rows.labels, this.rows).set(labels);
    const chunkRows = Math.max(16, Math.floor(LIGHT_WORK_PER_CALL / this.cols));
    const l1 = kind === 'manhattan';
    const kernel = this.f32
      ? l1
        ? 'l1AssignedDistF32'
        : 'assignedDistF32'
      : l1
        ? 'l1AssignedDistF64'
        : 'assignedDistF64';
    this.runtime.run(kernel, this.rows, chunkRows, {
      x: rows.x,
      d: this.cols,
      centres64: this.room().centres64,
      labels: rows.labels,
      distances: rows.distances,
    });
  }

  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void {
    this.loadCentres64(centers, k);
    const room = this.room();
    this.runtime.reserve(room.pairwiseOut + this.rows * k * 8);
    const l1 = kind === 'manhattan';
    const kernel = this.f32
      ? l1
        ? 'l1PairwiseF32'
        : 'pairwiseF32'
      : l1
        ? 'l1PairwiseF64'
        : 'pairwiseF64';
    this.run(kernel, k * this.cols, {
      x: this.matrix.buffers.x,
      d: this.cols,
      centres64: room.centres64,
      k,
      out: room.pairwiseOut,
    });
    out.set(this.view(Float64Array, room.pairwiseOut, this.rows * k));
  }

  /**
   * The clusters' column medians (k-medians' update) by selection on every thread
   * (assembly/medians.ts). Each row's place among the rows grouped by cluster (in row order) is
   * found here by a counting sort; bands of columns are shared among the threads, each gathering
   * its band's columns by cluster into its own work area. The work area lies where the pairwise
   * output does (both are used only within their own call), the threads' scratch pointing into
   * it meanwhile. The centres passed in are the kernels' guesses (see medianOf in medians.ts).
   */
  mediansByCluster(labels: Int32Array, k: number, centers: Float64Array): void {
    this.loadCentres64(centers, k);
    const room = this.room();
    const { rows, cols } = this;
    const valueBytes = this.f32 ? 4 : 8;
    const positionsAt = room.pairwiseOut;
    const offsetsAt = positionsAt + align(rows * 4);
    const outAt = offsetsAt + align((k + 1) * 4);
    const workAt = outAt + align(k * cols * 8);
    // Bands of 64 bytes a row (assembly/medians.ts): a row's band, then two columns of n values,
    // 96 bytes of lanes and 256 of a pivot's sample, a thread.
    const threads = this.runtime.threads;
    const bandCols = 64 / valueBytes;
    const stride = align(rows * 64 + 2 * align(rows * valueBytes) + 96 + 256);
    this.runtime.reserve(workAt + threads * stride);
    const offsets = new Int32Array(k + 1);
    for (let i = 0; i < rows; i++) offsets[labels[i] + 1]++;
    for (let j = 0; j < k; j++) offsets[j + 1] += offsets[j];
    this.view(Int32Array, offsetsAt, k + 1).set(offsets);
    const positions = this.view(Int32Array, positionsAt, rows);
    const next = offsets.slice(0, k);
    for (let i = 0; i < rows; i++) positions[i] = next[labels[i]]++;
    this.runtime.setScratch(workAt, stride);
    try {
      this.runtime.run(this.f32 ? 'mediansF32' : 'mediansF64', Math.ceil(cols / bandCols), 1, {
        x: this.matrix.buffers.x,
        d: cols,
        k,
        positions: positionsAt,
        offsets: offsetsAt,
        bandCols,
        centres64: room.centres64,
        out: outAt,
      });
    } finally {
      this.runtime.setScratch(room.scratch, room.scratchStride);
    }
    const medians = this.view(Float64Array, outAt, k * cols);
    for (let j = 0; j < k; j++) {
      if (offsets[j + 1] > offsets[j])
        centers.set(medians.subarray(j * cols, (j + 1) * cols), j * cols);
    }
  }

  /** The reference's exact assignment and sums, for passes beyond the fast scan's range. */
  exactAssignAndSum(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    distances: Float64Array | null,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    const dist = distances ?? new Float64Array(this.rows);
    this.fallback.assign('sqeuclidean', centers, k, labels, dist);
    this.fallback.sumByCluster(weights, labels, k, sums, clusterWeights);
  }

  pairwiseFast(centers: Float64Array, k: number, out: Float64Array): void {
    const scan = this.loadScan(centers, k);
    const room = this.room();
    this.runtime.reserve(room.pairwiseOut + this.rows * k * 8);
    this.run(this.f32 ? 'pairwiseFastF32' : 'pairwiseFastF64', k * this.cols, {
      ...scan,
      out: room.pairwiseOut,
    });
    out.set(this.view(Float64Array, room.pairwiseOut, this.rows * k));
  }

  /** As BoundKernels' sumByCluster; `continued` as in assignAndSum. */
  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
    continued = false,
  ): void {
    const blocks = this.sumBlocksPass(weights, labels, k);
    this.reduceSums(blocks, k, sums, clusterWeights, continued);
  }

  /** As BoundKernels' blockSums: sumByCluster's block partial sums, copied out unreduced. */
  blockSums(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    const blocks = this.sumBlocksPass(weights, labels, k);
    const room = this.room();
    sums.set(this.view(Float64Array, room.sums, blocks * k * this.cols));
    clusterWeights.set(this.view(Float64Array, room.clusterWeights, blocks * k));
  }

  /** The block partial sums of `labels` with `weights`, left in the sums buffers; returns the block count. */
  private sumBlocksPass(weights: Float64Array, labels: Int32Array, k: number): number {
    const room = this.layout(k);
    const blocks = this.prepareSums(weights, k);
    const rows = this.matrix.buffers;
    this.view(Int32Array, rows.labels, this.rows).set(labels);
    this.runBlocks(this.f32 ? 'sumBlocksF32' : 'sumBlocksF64', this.cols, {
      x: rows.x,
      d: this.cols,
      weights: this.weightsAt,
      labels: rows.labels,
      k,
      sums: room.sums,
      clusterWeights: room.clusterWeights,
      blockRows: this.blockRows,
    });
    return blocks;
  }

  /**
   * Whether a bounded pass with these weights and k may redo only the changed block sums: the
   * block sums are those of the labels in sumsLabels, with these weights and k.
   */
  sumsReusable(weights: Float64Array, k: number): boolean {
    return this.sumsCurrent && k === this.sumsK && weights === this.lastWeights;
  }

  /** Marks the block sums as those of the labels in sumsLabels, with the weights last loaded. */
  sumsMade(k: number): void {
    this.sumsCurrent = true;
    this.sumsK = k;
  }

  /**
   * Brings the block partial sums up to date for the labels now in memory, block by block (one
   * call a block), redoing only the blocks and clusters whose rows changed since they were made.
   */
  refreshSums(k: number): void {
    const rows = this.matrix.buffers;
    const room = this.room();
    this.runtime.run(
      this.f32 ? 'refreshSumsF32' : 'refreshSumsF64',
      this.rows,
      this.blockRows,
      {
        x: rows.x,
        d: this.cols,
        weights: this.weightsAt,
        labels: rows.labels,
        sumsLabels: rows.sumsLabels,
        k,
        sums: room.sums,
        clusterWeights: room.clusterWeights,
        blockRows: this.blockRows,
        dirty: room.dirty,
      },
      this.blockRows,
    );
  }

  /** Copies the weights in (once per array) and zeroes the block partial sums; returns the block count. */
  prepareSums(weights: Float64Array, k: number): number {
    const blocks = Math.ceil(this.rows / this.blockRows);
    const room = this.room();
    this.loadWeights(weights);
    this.view(Float64Array, room.sums, blocks * k * this.cols).fill(0);
    this.view(Float64Array, room.clusterWeights, blocks * k).fill(0);
    this.sumsCurrent = false;
    return blocks;
  }

  /** What the kernels read for the weights last loaded: their buffer, or 0 for weights that are all 1. */
  get weightsPointer(): number {
    return this.weightsAt;
  }

  /**
   * Copies the weights in unless they are the array copied last. A bounded pass redoes only the
   * changed block sums when its weights are that array, so after other weights here (a final
   * inertia's) its next pass adds every row again.
   */
  private loadWeights(weights: Float64Array): void {
    if (weights === this.lastWeights) return;
    this.lastWeights = weights;
    // Weights that are all 1 (no sampleWeight) are not copied: the kernels take a null pointer
    // for them, and the 8 bytes a row of memory are never touched.
    let unit = true;
    for (let i = 0; i < weights.length && unit; i++) unit = weights[i] === 1;
    const buffer = this.matrix.buffers.weights;
    this.weightsAt = unit ? 0 : buffer;
    if (!unit) this.view(Float64Array, buffer, this.rows).set(weights);
  }

  /**
   * Adds the block partial sums and weights in block order (reduceBlocks' order, the same bits),
   * by SIMD on every thread, each a range of the values; `continued`: onto the running totals in
   * `sums` and `clusterWeights` (see assignAndSum).
   */
  reduceSums(
    blocks: number,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
    continued = false,
  ): void {
    const room = this.room();
    const length = k * this.cols;
    if (continued) {
      this.view(Float64Array, room.reduced, length).set(sums.subarray(0, length));
      this.view(Float64Array, room.reduced + length * 8, k).set(clusterWeights.subarray(0, k));
    }
    const chunk = Math.max(64, Math.floor(LIGHT_WORK_PER_CALL / blocks));
    const reduce = (values: number, count: number, out: number) =>
      this.runtime.run('reduceBlocksF64', count, chunk, {
        values,
        blocks,
        length: count,
        out,
        accumulate: continued ? 1 : 0,
      });
    reduce(room.sums, length, room.reduced);
    reduce(room.clusterWeights, k, room.reduced + length * 8);
    sums.set(this.view(Float64Array, room.reduced, length));
    clusterWeights.set(this.view(Float64Array, room.reduced + length * 8, k));
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lastWeights = undefined;
    this.matrix.release();
  }

  /** A view of the kernels memory (made anew: memory that grows gets a new buffer). */
  view<T extends Float64Array | Float32Array | Int32Array>(
    type: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T,
    at: number,
    length: number,
  ): T {
    return new type(this.runtime.memory.buffer, at, length);
  }

  /**
   * Runs a kernel that adds to the sum blocks: one chunk per block, so each block's partial sums
   * are written by one thread only, called in pieces of about WORK_PER_CALL (an even number of
   * rows, as the scans take rows in pairs).
   */
  runBlocks<K extends Parameters<KernelRuntime['run']>[0]>(
    kernel: K,
    workPerRow: number,
    frame: FrameArgs<K>,
  ): number {
    const callRows = 2 * Math.max(8, Math.floor(WORK_PER_CALL / (2 * Math.max(1, workPerRow))));
    return this.runtime.run(kernel, this.rows, this.blockRows, frame, callRows);
  }

  /**
   * Runs a kernel over every row in chunks of about WORK_PER_CALL; returns what the chunks
   * return, summed (a bounded pass's label changes).
   */
  run<K extends Parameters<KernelRuntime['run']>[0]>(
    kernel: K,
    workPerRow: number,
    frame: FrameArgs<K>,
  ): number {
    const chunkRows = Math.max(16, Math.floor(WORK_PER_CALL / Math.max(1, workPerRow)));
    return this.runtime.run(kernel, this.rows, chunkRows, frame);
  }

  /**
   * Loads the centres and returns the frame fields every scanning pass reads: X, d, the centres
   * (float32 for the fast scan, float64 for exact distances), their squared norms, k and the
   * largest norm, the rows' norms, the rounding margin and the panels.
   */
  loadScan(centers: Float64Array, k: number): ScanFrame {
    this.cnMax = this.loadCenters(centers, k);
    const room = this.room();
    return {
      x: this.matrix.buffers.x,
      d: this.cols,
      centres32: room.centres32,
      centres64: room.centres64,
      centreNorms: room.centreNorms,
      k,
      maxCentreNorm: this.cnMax,
      rowNorms: this.matrix.buffers.rowNorms,
      margin: this.margin,
      panels: room.panels,
      halfNorms: room.halfNorms,
      panelK: this.panelK,
    };
  }

  /**
   * Whether float32 data is beyond the fast scan's range (values past 2^40, where float32
   * products overflow) for the centres last loaded: such passes take the reference's exact path.
   * Float64 kernels check row by row themselves.
   */
  beyondFloat32(): boolean {
    return this.f32 && (this.maxRowNorm > FAST_FORM_LIMIT || this.cnMax > FAST_FORM_LIMIT);
  }

  /** Copies centres in as float64 only: what the exact passes read (the scans need loadCenters). */
  private loadCentres64(centers: Float64Array, k: number): void {
    const room = this.layout(k);
    this.view(Float64Array, room.centres64, k * this.cols).set(centers.subarray(0, k * this.cols));
  }

  /** Copies centres in (float64, a float32 copy for the fast scan, their squared norms); returns the largest norm. */
  private loadCenters(centers: Float64Array, k: number): number {
    const room = this.layout(k);
    const d = this.cols;
    this.view(Float64Array, room.centres64, k * d).set(centers.subarray(0, k * d));
    // Float64 data is scanned in float32 too, within a wider rounding bound (see assembly/scan.ts).
    this.view(Float32Array, room.centres32, k * d).set(centers.subarray(0, k * d));
    const norms = this.view(Float64Array, room.centreNorms, k);
    const largest = centreSquaredNorms(centers, k, d, norms);
    this.runtime.centresChanged();
    this.panelK = usePanels(k, d) ? paddedClusters(k) : 0;
    if (this.panelK > 0) {
      const panels = this.view(Float32Array, room.panels, this.panelK * d);
      for (let j = 0; j < this.panelK; j++) {
        const base = (j >> 2) * d * 4 + (j & 3);
        for (let t = 0; t < d; t++) panels[base + t * 4] = j < k ? centers[j * d + t] : 0;
      }
      const half = this.view(Float32Array, room.halfNorms, this.panelK);
      for (let j = 0; j < this.panelK; j++)
        half[j] = j < k ? norms[j] / 2 : Number.POSITIVE_INFINITY;
    }
    return largest;
  }

  /** The buffers that depend on k, as laid out (a pass lays them out first). */
  room(): CentreBuffers {
    if (!this.centreRoom) throw new Error('lloyd: the centre buffers are not laid out');
    return this.centreRoom;
  }

  /** Lays out the buffers that depend on k, growing memory when needed, unless room for k is there. */
  layout(k: number): CentreBuffers {
    if (this.centreRoom && k <= this.centreRoom.k) return this.centreRoom;
    const room = centreBuffers(
      this.matrix.buffers.end,
      this.matrix.capacity,
      this.cols,
      k,
      this.blockRows,
      this.runtime.threads,
      this.elkanRoom,
    );
    try {
      this.runtime.reserve(room.pairwiseOut);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const gib = (room.pairwiseOut / 2 ** 30).toFixed(1);
      throw this.elkanRoom
        ? new ValidationError(
            'algorithm',
            `Elkan's bounds for k = ${k} take ${gib} GiB with X, more than one WebAssembly memory holds; use algorithm 'hamerly' (O(n) bounds)`,
          )
        : new ValidationError(
            'nClusters',
            `k = ${k} takes ${gib} GiB of working memory with X, more than one WebAssembly memory holds; use fewer clusters or dtype 'float32'`,
          );
    }
    this.runtime.setScratch(room.scratch, room.scratchStride);
    this.centreRoom = room;
    this.sumsCurrent = false;
    return room;
  }
}
