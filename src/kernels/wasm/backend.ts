import { positiveInteger } from '../../errors.js';
import { checkDType, type DType, type Matrix, zerosMatrix } from '../../matrix.js';
import { availableCores, type CallerKernel } from '../../parallel/pool.js';
import { paddedClusters, sumBlockRows } from '../blocks.js';
import { centreSquaredNorms, FAST_FORM_LIMIT } from '../reference/fast-distances.js';
import { referenceBackend } from '../reference/index.js';
import { compensatedWeightedSum } from '../summation.js';
import type {
  AllocatedMatrix,
  BindOptions,
  BoundKernels,
  BoundsMethod,
  DistanceKind,
  KernelBackend,
} from '../types.js';
import { acquireRuntime, type KernelRuntime, newSharedMemory, runtimeOver } from './runtime.js';

export { wasmSimdSupported } from './runtime.js';

const PAGE = 65536;
/** Where X starts in a runtime's memory (page 0 is left to the module). */
const X_OFFSET = PAGE;
/** Multiply-adds per kernel call: small enough that V8 tiers a function up early in a pass. */
const WORK_PER_CALL = 4_000_000;
/**
 * Multiply-adds (or adds) per call of the light passes: the assigned distances (O(d) a row),
 * which run about once a fit, so mostly cold, and the block sums' reduction. A first call runs
 * unoptimised, and a sixteenth of WORK_PER_CALL keeps it short.
 * A fresh process's final distances on 1M x 16 float32, 2 threads: 26-42 -> 20-22 ms. The row
 * norms keep WORK_PER_CALL: they are the pool's first run, while its workers start, and smaller
 * calls made them slower (24-30 -> 32-66 ms).
 */
const LIGHT_WORK_PER_CALL = WORK_PER_CALL / 16;
/** Rows per call of the kernels that run on the caller's thread only (see callInPieces). */
const CALLER_PIECE_ROWS = 1 << 16;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The smallest float32 not below v (v >= 0), as the kernels' roundUp. */
function float32Above(v: number): number {
  const r = Math.fround(v);
  return r >= v ? r : Math.fround(v + v * 2 ** -22 + 1e-44);
}

/**
 * The largest k for which Hamerly's passes keep each centre's nearest others (see nearScan): k x
 * nearListLength(k) entries, 12 bytes each (3 MB at k = 1024).
 */
const NEAR_SCAN_MAX_K = 1024;

/**
 * How many of each centre's nearest others Hamerly's passes keep: a row with as many within reach
 * waits for the full scan (scanNear), since one row at a time costs more a centre than the
 * panels' four rows or the pair scan's two (every row so, 1M x 16 k = 64: bounded passes slower
 * by half; a quarter of k measured best there).
 */
function nearListLength(k: number): number {
  return Math.ceil(k / 4);
}

/**
 * Whether Lloyd's and Hamerly's passes scan by panels (four centres to a vector; panelScores4 in
 * the kernels) rather than by pairs of rows (four dimensions to a vector). Measured one pass at a
 * time on one thread (float32, then float64 rows): d = 16, k = 64 235 -> 147 ms; d = 16, k = 16
 * 73 -> 52; d = 32, k = 64 64 -> 52; d = 64, k = 64 55 -> 47; from d = 128 the pair scan is as
 * fast or faster (Fashion-MNIST, d = 784, k = 256: slower by a fifth), and for k = 4 too.
 */
function usePanels(k: number, d: number): boolean {
  return k >= 8 && d <= 96 && 4 * k > d;
}

/**
 * Bounded passes (Hamerly's, Elkan's) redo only the changed block sums when the share of (block,
 * cluster) sums the previous pass's changes would touch is below this; otherwise they add every
 * row as they go.
 */
const INCREMENTAL_SUMS_BELOW = 0.5;

/** Below this many values in X a pass takes well under a millisecond, and hand-offs cost more than they save. */
const THREADS_MIN_VALUES = 1 << 18;

/**
 * The WebAssembly SIMD backend. X is copied into the module's memory once per `bind` and every
 * euclidean pass runs there, on `threads` threads (a worker pool over shared memory). Assignment
 * scores centres with the fast ||c||² - 2x·c form and settles any row whose two best centres are
 * within rounding distance by exact distances, computed in the reference backend's order: labels,
 * distances and sums are the reference backend's, bit for bit. Manhattan uses the reference kernels.
 */
export const wasmBackend: KernelBackend = {
  name: 'wasm',
  bind(X: Matrix, options: BindOptions = {}): BoundKernels {
    const f32 = X.data instanceof Float32Array;
    const threads = threadsFor(X.rows, X.cols, options);
    const layout = new WasmLayout(X.rows, X.cols, f32, acquireRuntime(threads));
    layout.matrix().data.set(X.data);
    return new WasmKernels(layout, X);
  },
  allocate(
    rows: number,
    cols: number,
    dtype: DType,
    options: BindOptions = {},
  ): AllocatedMatrix | undefined {
    const runtime = acquireRuntime(threadsFor(rows, cols, options));
    const layout = new WasmLayout(rows, cols, dtype === 'float32', runtime);
    // Only shared memory keeps views valid when it grows; without it the caller must copy. A page
    // that is not cross-origin isolated has no SharedArrayBuffer global at all.
    const shared =
      typeof SharedArrayBuffer !== 'undefined' &&
      runtime.memory.buffer instanceof SharedArrayBuffer;
    if (!shared) {
      layout.release();
      return undefined;
    }
    return layout.allocated(layout.matrix());
  },
  adopt(X: Matrix, dtype: DType, options: BindOptions = {}): AllocatedMatrix | undefined {
    const home = sharedHomes.get(X.data.buffer);
    const f32 = dtype === 'float32';
    const fits =
      home !== undefined &&
      !home.busy &&
      X.data instanceof (f32 ? Float32Array : Float64Array) &&
      X.data.byteOffset === X_OFFSET &&
      X.data.byteLength === home.bytes;
    const runtime = fits
      ? runtimeOver(home.memory, threadsFor(X.rows, X.cols, options))
      : undefined;
    if (!home || !runtime) return undefined;
    home.busy = true;
    const layout = new WasmLayout(X.rows, X.cols, f32, runtime, () => {
      home.busy = false;
    });
    return layout.allocated(X);
  },
};

/** The memory each shared matrix lives in (by its data's buffer), and whether a fit holds it. */
const sharedHomes = new WeakMap<
  ArrayBufferLike,
  { memory: WebAssembly.Memory; bytes: number; busy: boolean }
>();

/**
 * A zeroed rows x cols matrix in memory the WebAssembly kernels run over in place: fitting it
 * (or predicting, scoring, transforming it) with the same dtype copies nothing, so a fit holds X
 * once. Fill `data` before fitting, and leave it alone while a fit runs. Loaders take it as their
 * `allocate` option. Where shared WebAssembly memory cannot be had (a page that is not
 * cross-origin isolated), or past 4 GiB, it is an ordinary matrix, which fits copy as usual.
 * In a browser, a fit with threads copies it into the prepared pool's memory as usual (a pool of
 * its own could not start while the fit blocks); a one-thread fit reads it where it lies. Its
 * memory keeps the working room fits took after X (O(n + k·d); Elkan's bounds n x k) while the
 * matrix lives: shared memory cannot shrink. In Node the worker threads of a fit over it idle ten
 * seconds after the fit for the next one (they never keep a process alive).
 */
export function sharedMatrix(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  positiveInteger('rows', rows);
  positiveInteger('cols', cols);
  checkDType(dtype);
  const bytes = rows * cols * (dtype === 'float32' ? 4 : 8);
  const memory = newSharedMemory(X_OFFSET + bytes);
  if (!memory) return zerosMatrix(rows, cols, dtype);
  const { buffer } = memory;
  const data =
    dtype === 'float32'
      ? new Float32Array(buffer, X_OFFSET, rows * cols)
      : new Float64Array(buffer, X_OFFSET, rows * cols);
  sharedHomes.set(buffer, { memory, bytes, busy: false });
  return { data, rows, cols };
}

/**
 * Calls a kernel of the caller's thread over rows [0, rows) in pieces of CALLER_PIECE_ROWS
 * (`kernel(...head, start, end, ...tail)`) and adds up what the calls return.
 */
function callInPieces(
  runtime: KernelRuntime,
  rows: number,
  kernel: CallerKernel,
  head: number[],
  ...tail: number[]
): number {
  let total = 0;
  for (let start = 0; start < rows; start += CALLER_PIECE_ROWS) {
    const end = Math.min(rows, start + CALLER_PIECE_ROWS);
    total += runtime.call(kernel, [...head, start, end, ...tail]) ?? 0;
  }
  return total;
}

/** Squared euclidean distance between centre a of `A` and centre b of `B`. */
function squaredGap(A: Float64Array, a: number, B: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = A[a * d + t] - B[b * d + t];
    s += diff * diff;
  }
  return s;
}

function threadsFor(rows: number, cols: number, options: BindOptions): number {
  if (rows * cols < THREADS_MIN_VALUES) return 1;
  return Math.max(1, Math.floor(options.threads ?? availableCores()));
}

/** Where a bound matrix's fixed buffers sit in a runtime's memory. */
class WasmLayout {
  readonly xPtr: number;
  readonly normsPtr: number;
  readonly labelsPtr: number;
  readonly distPtr: number;
  readonly weightsPtr: number;
  readonly upperPtr: number;
  readonly lowerPtr: number;
  readonly pendingPtr: number;
  readonly sumsLabelsPtr: number;
  /** The running sum and compensation of weightedSumF64 (two float64). */
  readonly sumStatePtr: number;
  readonly dynamicStart: number;
  /** Whether normsPtr holds the squared norms of X as it is now. */
  private normsReady = false;
  private released = false;

  /** `onRelease`: called once the runtime is released. */
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly f32: boolean,
    readonly runtime: KernelRuntime,
    private readonly onRelease?: () => void,
  ) {
    let at = X_OFFSET;
    const take = (bytes: number) => {
      const ptr = at;
      at += align(bytes);
      return ptr;
    };
    this.xPtr = take(rows * cols * (f32 ? 4 : 8));
    this.normsPtr = take(rows * 8);
    this.labelsPtr = take(rows * 4);
    this.distPtr = take(rows * 8);
    this.weightsPtr = take(rows * 8);
    this.upperPtr = take(rows * 8);
    this.lowerPtr = take(rows * 8);
    this.pendingPtr = take(rows * 4);
    this.sumsLabelsPtr = take(rows * 4);
    this.sumStatePtr = take(16);
    this.dynamicStart = at;
    runtime.reserve(at);
  }

  /** `matrix` (X, in this layout's memory) to check and bind, or release unbound. */
  allocated(matrix: Matrix): AllocatedMatrix {
    return {
      matrix,
      allFinite: () => this.allFinite(),
      bind: (unchanged = false) => {
        if (!unchanged) this.normsReady = false;
        return new WasmKernels(this, matrix);
      },
      release: () => this.release(),
    };
  }

  /** Hands the runtime back; once only. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.runtime.release();
    this.onRelease?.();
  }

  /**
   * Whether every value of X is finite, from its rows' squared norms (a SIMD pass on every
   * thread, which binding needs anyway): a NaN or infinity makes its row's norm non-finite. So
   * can float64 values past 1e154 (their squares overflow): then it answers false, and the
   * caller's exact check finds them finite.
   */
  allFinite(): boolean {
    this.rowNorms();
    return callInPieces(this.runtime, this.rows, 'anyNonFiniteF64', [this.normsPtr]) === 0;
  }

  /** The squared norm of each row of X, computed on first use. */
  rowNorms(): Float64Array {
    const { rows, cols } = this;
    if (!this.normsReady) {
      const chunkRows = Math.max(16, Math.floor(WORK_PER_CALL / cols));
      const kernel = this.f32 ? 'rowSqNormsF32' : 'rowSqNormsF64';
      this.runtime.run(kernel, rows, chunkRows, [this.xPtr, cols, this.normsPtr]);
      this.normsReady = true;
    }
    return new Float64Array(this.runtime.memory.buffer, this.normsPtr, rows);
  }

  /** X as a matrix viewing the module's memory. */
  matrix(): Matrix {
    const { buffer } = this.runtime.memory;
    const length = this.rows * this.cols;
    const data = this.f32
      ? new Float32Array(buffer, this.xPtr, length)
      : new Float64Array(buffer, this.xPtr, length);
    return { data, rows: this.rows, cols: this.cols };
  }
}

class WasmKernels implements BoundKernels {
  readonly rows: number;
  readonly cols: number;
  private readonly f32: boolean;
  private readonly runtime: KernelRuntime;
  private readonly home: WasmLayout;
  private readonly fallback: BoundKernels;
  private readonly xPtr: number;
  private readonly normsPtr: number;
  private readonly labelsPtr: number;
  private readonly distPtr: number;
  private readonly weightsPtr: number;
  private readonly upperPtr: number;
  private readonly lowerPtr: number;
  private readonly pendingPtr: number;
  /** The labels the block partial sums were last made from (see refreshSumsF32). */
  private readonly sumsLabelsPtr: number;
  private readonly sumStatePtr: number;
  private readonly dynamicStart: number;
  /** Rounding bound of the fast scores, relative to (||x|| + max ||c||)² (see nearestF32). */
  private readonly margin: number;
  /** Rows per block of the cluster sums (see blocks.ts). */
  private readonly blockRows: number;
  /** The centres of the previous bounded pass, to measure how far each moved. */
  private previousCenters: Float64Array | undefined;
  private lastWeights: Float64Array | undefined;
  /** The weights the kernels read: weightsPtr, or 0 for weights that are all 1 (see loadWeights). */
  private weightsAt = 0;
  private laidOutK = -1;
  private c32 = 0;
  /** The centres in panels, for Lloyd's and Hamerly's scans when k is large against d (see usePanels). */
  private panels = 0;
  /** Half the centres' squared norms in float32, +Infinity past k, beside the panels. */
  private halfNorms = 0;
  /** Centres in the panels as laid out for the last centres loaded (k rounded up to 4), or 0 for none. */
  private panelK = 0;
  private c64 = 0;
  private cn = 0;
  private sums = 0;
  private cw = 0;
  /** The block sums reduced: k x cols sums, then k weights (reduceSums). */
  private reduced = 0;
  private pairOut = 0;
  private halfPtr = 0;
  private movePtr = 0;
  /** k bytes per sum block: refreshSumsF32's flags. */
  private dirtyPtr = 0;
  /**
   * Whether the block partial sums are those of the labels at sumsLabelsPtr, with the weights
   * last copied in and `sumsK` clusters: then bounded passes may redo only the blocks and
   * clusters whose rows changed.
   */
  private sumsCurrent = false;
  private sumsK = -1;
  /** How many labels the previous bounded pass changed. */
  private lastChanges = Number.POSITIVE_INFINITY;
  private released = false;
  /** Which bounds the previous bounded pass kept. */
  private lastMethod: BoundsMethod = 'hamerly';
  private elkanLaidOut = false;
  private elkanLowerPtr = 0;
  private gapsPtr = 0;
  private moveUpPtr = 0;
  /** Each centre's nearest other centres, nearest first, and their half gaps (nearCentresF64). */
  private orderPtr = 0;
  private sortedHalfPtr = 0;
  /** The largest squared norm of a row of X. */
  private maxRowNorm = 0;
  /** The largest squared norm of the centres last loaded. */
  private cnMax = 0;

  /** `source`: the same values as X in memory, readable from JS for as long as this is bound. */
  constructor(layout: WasmLayout, source: Matrix) {
    this.rows = layout.rows;
    this.cols = layout.cols;
    this.f32 = layout.f32;
    this.runtime = layout.runtime;
    this.home = layout;
    this.xPtr = layout.xPtr;
    this.normsPtr = layout.normsPtr;
    this.labelsPtr = layout.labelsPtr;
    this.distPtr = layout.distPtr;
    this.weightsPtr = layout.weightsPtr;
    this.upperPtr = layout.upperPtr;
    this.lowerPtr = layout.lowerPtr;
    this.pendingPtr = layout.pendingPtr;
    this.sumsLabelsPtr = layout.sumsLabelsPtr;
    this.sumStatePtr = layout.sumStatePtr;
    this.dynamicStart = layout.dynamicStart;
    this.margin = (this.cols + 16) * (this.f32 ? 2 ** -23 : 2 ** -52);
    this.blockRows = sumBlockRows(this.rows);
    const norms = layout.rowNorms();
    for (let i = 0; i < this.rows; i++) this.maxRowNorm = Math.max(this.maxRowNorm, norms[i]);
    // The manhattan passes use it, and float32 passes whose products could overflow.
    this.fallback = referenceBackend.bind(source);
  }

  assign(
    kind: DistanceKind,
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    if (kind !== 'sqeuclidean') {
      this.fallback.assign(kind, centers, k, labels, distances);
      return;
    }
    const head = this.scanArgs(centers, k);
    if (this.beyondFloat32()) {
      this.fallback.assign(kind, centers, k, labels, distances);
      return;
    }
    // The iterations' kernel without sums (0 pointers), so a run's final pass finds it optimised.
    const tail = [this.normsPtr, this.labelsPtr, this.distPtr, this.margin, 0, 0, 0, 1];
    this.run(this.f32 ? 'assignSumF32' : 'assignSumF64', k * this.cols, [
      ...head,
      ...tail,
      ...this.panelArgs(),
    ]);
    labels.set(new Int32Array(this.buffer, this.labelsPtr, this.rows));
    distances.set(new Float64Array(this.buffer, this.distPtr, this.rows));
  }

  assignAndSum(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    distances: Float64Array | null,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    const head = this.scanArgs(centers, k);
    if (this.beyondFloat32()) {
      this.exactAssignAndSum(centers, k, weights, labels, distances, sums, clusterWeights);
      return;
    }
    const blocks = this.prepareSums(weights, k);
    const dist = distances ? this.distPtr : 0;
    const tail = [
      this.normsPtr,
      this.labelsPtr,
      dist,
      this.margin,
      this.weightsAt,
      this.sums,
      this.cw,
      this.blockRows,
      ...this.panelArgs(),
    ];
    this.runBlocks(this.f32 ? 'assignSumF32' : 'assignSumF64', k * this.cols, [...head, ...tail]);
    labels.set(new Int32Array(this.buffer, this.labelsPtr, this.rows));
    if (distances) distances.set(new Float64Array(this.buffer, this.distPtr, this.rows));
    this.reduceSums(blocks, k, sums, clusterWeights);
  }

  assignAndSumBounded(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    sums: Float64Array,
    clusterWeights: Float64Array,
    reset: boolean,
    method: BoundsMethod = 'hamerly',
  ): number {
    return this.boundedPass(centers, k, labels, { weights, sums, clusterWeights }, reset, method);
  }

  assignBounded(
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    method: BoundsMethod = 'hamerly',
  ): void {
    this.boundedPass(centers, k, labels, undefined, false, method);
  }

  /**
   * A pass with Hamerly's or Elkan's bounds: labels, and with `into` the cluster sums of those
   * weights. Without it the block sums are left as they were (they still match sumsLabels).
   * Returns how many labels changed.
   */
  private boundedPass(
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    into: { weights: Float64Array; sums: Float64Array; clusterWeights: Float64Array } | undefined,
    reset: boolean,
    method: BoundsMethod,
  ): number {
    const d = this.cols;
    const previous = this.previousCenters;
    const restart = reset || !previous || previous.length !== k * d || method !== this.lastMethod;
    this.lastMethod = method;
    if (method === 'elkan' && !this.elkanLaidOut) {
      this.elkanLaidOut = true;
      this.laidOutK = -1; // lay out again, with room for Elkan's bounds
    }
    const head = this.scanArgs(centers, k);
    if (this.beyondFloat32()) {
      const before = labels.slice();
      if (into)
        this.exactAssignAndSum(
          centers,
          k,
          into.weights,
          labels,
          null,
          into.sums,
          into.clusterWeights,
        );
      else this.fallback.assign('sqeuclidean', centers, k, labels, new Float64Array(this.rows));
      this.previousCenters = undefined; // the bounds were not kept: the next pass starts afresh
      return labels.reduce((changes, label, i) => changes + (label !== before[i] ? 1 : 0), 0);
    }
    // Late in a run few labels change: a pass then redoes only the sums of the blocks and clusters
    // that changed (refreshSums), which reads those rows again; early on, when most do, every row
    // is added as the pass goes (while it is in cache).
    const blocks = Math.ceil(this.rows / this.blockRows);
    const changedShare = 1 - Math.exp((-2 * this.lastChanges) / (blocks * k));
    const incremental =
      into !== undefined &&
      this.sumsCurrent &&
      k === this.sumsK &&
      into.weights === this.lastWeights &&
      changedShare < INCREMENTAL_SUMS_BELOW;
    const addSums = into !== undefined && !incremental;
    if (addSums) this.prepareSums(into.weights, k);
    const move = new Float64Array(this.buffer, this.movePtr, k);
    const gapChunk = Math.max(1, Math.floor(WORK_PER_CALL / (k * d)));
    // Half the gap from each centre to its nearest other one (and for Elkan to every other one;
    // for Hamerly's scans of near centres, each centre's nearest others in order): k² distances
    // (Elkan's each pair once), on every thread.
    const nearScan = method === 'hamerly' && this.nearScan(k);
    if (method === 'elkan') {
      this.runtime.run('centreGapsF64', k, gapChunk, [this.c64, d, k, this.gapsPtr]);
      this.runtime.run('nearestGapsF64', k, Math.max(1, Math.floor(WORK_PER_CALL / k)), [
        this.gapsPtr,
        k,
        this.halfPtr,
      ]);
    } else {
      this.runtime.run('nearCentresF64', k, gapChunk, [
        this.c64,
        d,
        k,
        nearScan ? nearListLength(k) : 0,
        this.orderPtr,
        this.sortedHalfPtr,
        this.halfPtr,
      ]);
    }
    let max1 = 0;
    let max2 = 0;
    let arg1 = -1;
    for (let j = 0; j < k; j++) {
      const moved = restart || !previous ? 0 : Math.sqrt(squaredGap(centers, j, previous, j, d));
      move[j] = moved;
      if (moved > max1) {
        max2 = max1;
        max1 = moved;
        arg1 = j;
      } else if (moved > max2) {
        max2 = moved;
      }
    }
    // The pass counts the rows whose label it changes from these (a restart's too).
    new Int32Array(this.buffer, this.labelsPtr, this.rows).set(labels);
    let changes: number;
    if (method === 'elkan') {
      const moveUp = new Float32Array(this.buffer, this.moveUpPtr, paddedClusters(k));
      for (let j = 0; j < moveUp.length; j++) moveUp[j] = j < k ? float32Above(move[j]) : 0;
      changes = this.runBlocks(this.f32 ? 'elkanF32' : 'elkanF64', k * d, [
        ...head,
        this.normsPtr,
        this.labelsPtr,
        this.upperPtr,
        this.elkanLowerPtr,
        this.gapsPtr,
        this.halfPtr,
        this.movePtr,
        this.moveUpPtr,
        this.margin,
        this.weightsAt,
        addSums ? this.sums : 0,
        this.cw,
        this.blockRows,
        restart ? 1 : 0,
        this.sumsLabelsPtr,
        ...this.panelArgs(),
      ]);
    } else {
      changes = this.hamerlyPass(head, k, max1, max2, arg1, restart, addSums, nearScan);
    }
    // A pass with sums keeps each row's label in sumsLabels: the sums are current either way. A
    // pass without leaves sums and sumsLabels as they were, still matching each other.
    if (incremental) this.refreshSums(k);
    if (into) {
      this.sumsCurrent = true;
      this.sumsK = k;
    }
    this.lastChanges = changes;
    labels.set(new Int32Array(this.buffer, this.labelsPtr, this.rows));
    if (into) this.reduceSums(blocks, k, into.sums, into.clusterWeights);
    this.previousCenters = centers.slice(0, k * d);
    return this.lastChanges;
  }

  /** Hamerly's pass: one lower bound per row, against every other centre. Returns the label changes. */
  private hamerlyPass(
    head: number[],
    k: number,
    max1: number,
    max2: number,
    arg1: number,
    restart: boolean,
    withSums: boolean,
    nearScan: boolean,
  ): number {
    const bounds = [
      this.normsPtr,
      this.labelsPtr,
      this.upperPtr,
      this.lowerPtr,
      this.halfPtr,
      this.movePtr,
      max1,
      max2,
      arg1,
    ];
    // Without sums (a null pointer), refreshSums brings them up to date after the pass, or they
    // are left (a run's final assignment).
    const tail = [
      this.margin,
      this.weightsAt,
      withSums ? this.sums : 0,
      this.cw,
      this.blockRows,
      restart ? 1 : 0,
      this.pendingPtr,
      this.sumsLabelsPtr,
      ...this.panelArgs(),
      nearScan ? this.orderPtr : 0,
      this.sortedHalfPtr,
      nearListLength(k),
    ];
    return this.runBlocks(this.f32 ? 'hamerlyF32' : 'hamerlyF64', k * this.cols, [
      ...head,
      ...bounds,
      ...tail,
    ]);
  }

  distancesToAssigned(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    if (kind !== 'sqeuclidean') {
      this.fallback.distancesToAssigned(kind, centers, labels, distances);
      return;
    }
    this.assignedDistances(centers, labels);
    distances.set(new Float64Array(this.buffer, this.distPtr, this.rows));
  }

  assignedDistanceSum(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    weights: Float64Array,
  ): number {
    if (kind !== 'sqeuclidean') {
      const distances = new Float64Array(this.rows);
      this.fallback.distancesToAssigned(kind, centers, labels, distances);
      return compensatedWeightedSum(distances, weights);
    }
    this.assignedDistances(centers, labels);
    this.loadWeights(weights);
    // On this thread, in row order: compensatedWeightedSum's sum, bit for bit, with the 8 MB of
    // distances (1M rows) left where they are.
    new Float64Array(this.buffer, this.sumStatePtr, 2).fill(0);
    callInPieces(
      this.runtime,
      this.rows,
      'weightedSumF64',
      [this.distPtr, this.weightsAt],
      this.sumStatePtr,
    );
    const [sum, compensation] = new Float64Array(this.buffer, this.sumStatePtr, 2);
    return sum + compensation;
  }

  /** Each row's squared distance to its labelled centre, into distPtr. */
  private assignedDistances(centers: Float64Array, labels: Int32Array): void {
    this.loadCenters(centers, centers.length / this.cols);
    new Int32Array(this.buffer, this.labelsPtr, this.rows).set(labels);
    this.runLight(this.f32 ? 'assignedDistF32' : 'assignedDistF64', [
      this.xPtr,
      this.cols,
      this.c64,
      this.labelsPtr,
      this.distPtr,
    ]);
  }

  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void {
    if (kind !== 'sqeuclidean') {
      this.fallback.pairwise(kind, centers, k, out);
      return;
    }
    this.loadCenters(centers, k);
    this.runtime.reserve(this.pairOut + this.rows * k * 8);
    this.run(this.f32 ? 'pairwiseF32' : 'pairwiseF64', k * this.cols, [
      this.xPtr,
      this.cols,
      this.c64,
      k,
      this.pairOut,
    ]);
    out.set(new Float64Array(this.buffer, this.pairOut, this.rows * k));
  }

  /** The reference's exact assignment and sums, for passes beyond the fast scan's range. */
  private exactAssignAndSum(
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
    const head = this.scanArgs(centers, k);
    this.runtime.reserve(this.pairOut + this.rows * k * 8);
    this.run(this.f32 ? 'pairwiseFastF32' : 'pairwiseFastF64', k * this.cols, [
      ...head,
      this.normsPtr,
      this.pairOut,
    ]);
    out.set(new Float64Array(this.buffer, this.pairOut, this.rows * k));
  }

  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    this.layout(k);
    const blocks = this.prepareSums(weights, k);
    new Int32Array(this.buffer, this.labelsPtr, this.rows).set(labels);
    const args = [
      this.xPtr,
      this.cols,
      this.weightsAt,
      this.labelsPtr,
      k,
      this.sums,
      this.cw,
      this.blockRows,
    ];
    this.runBlocks(this.f32 ? 'sumBlocksF32' : 'sumBlocksF64', this.cols, args);
    this.reduceSums(blocks, k, sums, clusterWeights);
  }

  /**
   * Brings the block partial sums up to date for the labels now in memory, block by block (one
   * call a block), redoing only the blocks and clusters whose rows changed since they were made.
   */
  private refreshSums(k: number): void {
    this.runtime.run(
      this.f32 ? 'refreshSumsF32' : 'refreshSumsF64',
      this.rows,
      this.blockRows,
      [
        this.xPtr,
        this.cols,
        this.weightsAt,
        this.labelsPtr,
        this.sumsLabelsPtr,
        k,
        this.sums,
        this.cw,
        this.blockRows,
        this.dirtyPtr,
      ],
      this.blockRows,
    );
  }

  /** Copies the weights in (once per array) and zeroes the block partial sums; returns the block count. */
  private prepareSums(weights: Float64Array, k: number): number {
    const blocks = Math.ceil(this.rows / this.blockRows);
    this.loadWeights(weights);
    new Float64Array(this.buffer, this.sums, blocks * k * this.cols).fill(0);
    new Float64Array(this.buffer, this.cw, blocks * k).fill(0);
    this.sumsCurrent = false;
    return blocks;
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
    this.weightsAt = unit ? 0 : this.weightsPtr;
    if (!unit) new Float64Array(this.buffer, this.weightsPtr, this.rows).set(weights);
  }

  /**
   * Adds the block partial sums and weights in block order (reduceBlocks' order, the same bits),
   * by SIMD on every thread, each a range of the values (at k = 256, d = 784, 15 blocks: 3M adds).
   */
  private reduceSums(
    blocks: number,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    const length = k * this.cols;
    const chunk = Math.max(64, Math.floor(LIGHT_WORK_PER_CALL / blocks));
    this.runtime.run('reduceBlocksF64', length, chunk, [this.sums, blocks, length, this.reduced]);
    this.runtime.run('reduceBlocksF64', k, chunk, [this.cw, blocks, k, this.reduced + length * 8]);
    sums.set(new Float64Array(this.buffer, this.reduced, length));
    clusterWeights.set(new Float64Array(this.buffer, this.reduced + length * 8, k));
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lastWeights = undefined;
    this.home.release();
  }

  private get buffer(): ArrayBufferLike {
    return this.runtime.memory.buffer;
  }

  /**
   * Runs a kernel that adds to the sum blocks: one chunk per block, so each block's partial sums
   * are written by one thread only, called in pieces of about WORK_PER_CALL (an even number of
   * rows, as the scans take rows in pairs).
   */
  private runBlocks(
    kernel: Parameters<KernelRuntime['run']>[0],
    workPerRow: number,
    args: number[],
  ): number {
    const callRows = 2 * Math.max(8, Math.floor(WORK_PER_CALL / (2 * Math.max(1, workPerRow))));
    return this.runtime.run(kernel, this.rows, this.blockRows, args, callRows);
  }

  /** Runs an O(d)-a-row pass in calls of LIGHT_WORK_PER_CALL. */
  private runLight(kernel: Parameters<KernelRuntime['run']>[0], args: number[]): void {
    const chunkRows = Math.max(16, Math.floor(LIGHT_WORK_PER_CALL / this.cols));
    this.runtime.run(kernel, this.rows, chunkRows, args);
  }

  private run(
    kernel: Parameters<KernelRuntime['run']>[0],
    workPerRow: number,
    args: number[],
  ): void {
    const chunkRows = Math.max(16, Math.floor(WORK_PER_CALL / Math.max(1, workPerRow)));
    this.runtime.run(kernel, this.rows, chunkRows, args);
  }

  /**
   * Loads the centres and returns the arguments every scanning kernel starts with: X, d, the
   * centres (float32 for the fast scan, float64 for exact distances), their squared norms, k and
   * the largest norm.
   */
  private scanArgs(centers: Float64Array, k: number): number[] {
    this.cnMax = this.loadCenters(centers, k);
    return [this.xPtr, this.cols, this.c32, this.c64, this.cn, k, this.cnMax];
  }

  /**
   * Whether float32 data is beyond the fast scan's range (values past 2^40, where float32
   * products overflow) for the centres last loaded: such passes take the reference's exact path.
   * Float64 kernels check row by row themselves.
   */
  private beyondFloat32(): boolean {
    return this.f32 && (this.maxRowNorm > FAST_FORM_LIMIT || this.cnMax > FAST_FORM_LIMIT);
  }

  /** Copies centres in (float64, a float32 copy for the fast scan, their squared norms); returns the largest norm. */
  private loadCenters(centers: Float64Array, k: number): number {
    this.layout(k);
    const d = this.cols;
    new Float64Array(this.buffer, this.c64, k * d).set(centers.subarray(0, k * d));
    // Float64 data is scanned in float32 too, within a wider rounding bound (see MIXED_LIMIT).
    new Float32Array(this.buffer, this.c32, k * d).set(centers.subarray(0, k * d));
    const norms = new Float64Array(this.buffer, this.cn, k);
    const largest = centreSquaredNorms(centers, k, d, norms);
    this.panelK = usePanels(k, d) ? paddedClusters(k) : 0;
    if (this.panelK > 0) {
      const panels = new Float32Array(this.buffer, this.panels, this.panelK * d);
      for (let j = 0; j < this.panelK; j++) {
        const base = (j >> 2) * d * 4 + (j & 3);
        for (let t = 0; t < d; t++) panels[base + t * 4] = j < k ? centers[j * d + t] : 0;
      }
      const half = new Float32Array(this.buffer, this.halfNorms, this.panelK);
      for (let j = 0; j < this.panelK; j++)
        half[j] = j < k ? norms[j] / 2 : Number.POSITIVE_INFINITY;
    }
    return largest;
  }

  /**
   * Whether Hamerly's passes scan a row the bounds cannot settle against the centres near its own
   * only, where few are (k at most NEAR_SCAN_MAX_K, for the lists of near centres).
   */
  private nearScan(k: number): boolean {
    return k > 1 && k <= this.laidOutK && this.laidOutK <= NEAR_SCAN_MAX_K;
  }

  /** The panel kernels' arguments (panels, half norms, their k; k 0 when the pair scan runs). */
  private panelArgs(): number[] {
    return [this.panels, this.halfNorms, this.panelK];
  }

  /** Lays out the buffers that depend on k (the pairwise output goes last), growing memory when needed. */
  private layout(k: number): void {
    if (k <= this.laidOutK) return;
    const d = this.cols;
    const blocks = Math.ceil(this.rows / this.blockRows);
    let at = this.dynamicStart;
    const take = (bytes: number) => {
      const ptr = at;
      at += align(bytes);
      return ptr;
    };
    this.c32 = take(k * d * 4);
    const paddedK = paddedClusters(k);
    this.panels = take(paddedK * d * 4);
    this.halfNorms = take(paddedK * 4);
    this.c64 = take(k * d * 8);
    this.cn = take(k * 8);
    this.sums = take(blocks * k * d * 8);
    this.cw = take(blocks * k * 8);
    this.reduced = take((k * d + k) * 8);
    this.halfPtr = take(k * 8);
    this.movePtr = take(k * 8);
    this.dirtyPtr = take(blocks * k);
    if (this.elkanLaidOut) {
      // Elkan's bounds: rows x k float32 lower bounds (k padded to four), the moves rounded up to
      // float32, and the k x k centre half gaps.
      this.elkanLowerPtr = take(this.rows * paddedK * 4);
      this.moveUpPtr = take(paddedK * 4);
      this.gapsPtr = take(k * k * 8);
    }
    // For Hamerly's near scans, each centre's nearest others (see nearScan).
    if (k <= NEAR_SCAN_MAX_K) {
      this.orderPtr = take(k * nearListLength(k) * 4);
      this.sortedHalfPtr = take(k * nearListLength(k) * 8);
    }
    // Per thread: float32 copies of rows, for the float32 scan of float64 data (two for the pair
    // scan, four for panels), and four rows' panel scores.
    const scratchStride = 4 * align(d * 4) + 4 * paddedK * 4;
    this.runtime.setScratch(take(this.runtime.threads * scratchStride), scratchStride);
    this.pairOut = at;
    this.runtime.reserve(at);
    this.laidOutK = k;
    this.sumsCurrent = false;
  }
}
