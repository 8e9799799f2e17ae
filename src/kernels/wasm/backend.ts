import type { Matrix } from '../../matrix.js';
import { availableCores } from '../../parallel/pool.js';
import { reduceBlocks, SUM_BLOCK_ROWS } from '../blocks.js';
import { referenceBackend } from '../reference/index.js';
import type { BindOptions, BoundKernels, DistanceKind, KernelBackend } from '../types.js';
import { acquireRuntime, type KernelRuntime } from './runtime.js';

export { wasmSimdSupported } from './runtime.js';

const PAGE = 65536;
/** Multiply-adds per kernel call: small enough that V8 tiers a function up early in a pass. */
const WORK_PER_CALL = 4_000_000;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

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
    const threads =
      X.rows * X.cols < THREADS_MIN_VALUES ? 1 : (options.threads ?? availableCores());
    return new WasmKernels(X, threads);
  },
};

class WasmKernels implements BoundKernels {
  readonly rows: number;
  readonly cols: number;
  private readonly f32: boolean;
  private readonly runtime: KernelRuntime;
  private readonly fallback: BoundKernels;
  private readonly xPtr: number;
  private readonly normsPtr: number;
  private readonly labelsPtr: number;
  private readonly distPtr: number;
  private readonly weightsPtr: number;
  private readonly dynamicStart: number;
  private lastWeights: Float64Array | undefined;
  private laidOutK = -1;
  private c32 = 0;
  private c64 = 0;
  private cn = 0;
  private sums = 0;
  private cw = 0;
  private pairOut = 0;
  private released = false;

  constructor(X: Matrix, threads: number) {
    this.rows = X.rows;
    this.cols = X.cols;
    this.f32 = X.data instanceof Float32Array;
    const n = X.rows;
    let at = PAGE;
    const take = (bytes: number) => {
      const ptr = at;
      at += align(bytes);
      return ptr;
    };
    this.xPtr = take(X.data.byteLength);
    this.normsPtr = take(n * 8);
    this.labelsPtr = take(n * 4);
    this.distPtr = take(n * 8);
    this.weightsPtr = take(n * 8);
    this.dynamicStart = at;
    this.runtime = acquireRuntime(Math.max(1, Math.floor(threads)));
    this.runtime.reserve(at);
    const buffer = this.runtime.memory.buffer;
    if (this.f32) new Float32Array(buffer, this.xPtr, X.data.length).set(X.data);
    else new Float64Array(buffer, this.xPtr, X.data.length).set(X.data);
    this.run(this.f32 ? 'rowSqNormsF32' : 'rowSqNormsF64', this.cols, [
      this.xPtr,
      this.cols,
      this.normsPtr,
    ]);
    // Only the manhattan passes use it; it reads the caller's matrix, which the model owns.
    this.fallback = referenceBackend.bind(X);
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
    const cnMax = this.loadCenters(centers, k);
    const d = this.cols;
    const margin = (d + 16) * (this.f32 ? 2 ** -23 : 2 ** -52);
    if (this.f32) {
      this.run('assignF32', k * d, [
        this.xPtr,
        d,
        this.c32,
        this.c64,
        this.cn,
        k,
        cnMax,
        this.normsPtr,
        this.labelsPtr,
        this.distPtr,
        margin,
      ]);
    } else {
      this.run('assignF64', k * d, [
        this.xPtr,
        d,
        this.c64,
        this.cn,
        k,
        cnMax,
        this.normsPtr,
        this.labelsPtr,
        this.distPtr,
        margin,
      ]);
    }
    labels.set(new Int32Array(this.buffer, this.labelsPtr, this.rows));
    distances.set(new Float64Array(this.buffer, this.distPtr, this.rows));
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
    this.loadCenters(centers, centers.length / this.cols);
    new Int32Array(this.buffer, this.labelsPtr, this.rows).set(labels);
    this.run(this.f32 ? 'assignedDistF32' : 'assignedDistF64', this.cols, [
      this.xPtr,
      this.cols,
      this.c64,
      this.labelsPtr,
      this.distPtr,
    ]);
    distances.set(new Float64Array(this.buffer, this.distPtr, this.rows));
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

  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    this.layout(k);
    const d = this.cols;
    const blocks = Math.ceil(this.rows / SUM_BLOCK_ROWS);
    if (weights !== this.lastWeights) {
      new Float64Array(this.buffer, this.weightsPtr, this.rows).set(weights);
      this.lastWeights = weights;
    }
    new Int32Array(this.buffer, this.labelsPtr, this.rows).set(labels);
    new Float64Array(this.buffer, this.sums, blocks * k * d).fill(0);
    new Float64Array(this.buffer, this.cw, blocks * k).fill(0);
    const args = [
      this.xPtr,
      d,
      this.weightsPtr,
      this.labelsPtr,
      k,
      this.sums,
      this.cw,
      SUM_BLOCK_ROWS,
    ];
    this.runtime.run(this.f32 ? 'sumBlocksF32' : 'sumBlocksF64', this.rows, SUM_BLOCK_ROWS, args);
    reduceBlocks(new Float64Array(this.buffer, this.sums, blocks * k * d), blocks, k * d, sums);
    reduceBlocks(new Float64Array(this.buffer, this.cw, blocks * k), blocks, k, clusterWeights);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lastWeights = undefined;
    this.runtime.release();
  }

  private get buffer(): ArrayBufferLike {
    return this.runtime.memory.buffer;
  }

  private run(
    kernel: Parameters<KernelRuntime['run']>[0],
    workPerRow: number,
    args: number[],
  ): void {
    const chunkRows = Math.max(16, Math.floor(WORK_PER_CALL / Math.max(1, workPerRow)));
    this.runtime.run(kernel, this.rows, chunkRows, args);
  }

  /** Copies centres in (float64, a float32 copy for the fast scan, their squared norms); returns the largest norm. */
  private loadCenters(centers: Float64Array, k: number): number {
    this.layout(k);
    const d = this.cols;
    new Float64Array(this.buffer, this.c64, k * d).set(centers.subarray(0, k * d));
    if (this.f32) new Float32Array(this.buffer, this.c32, k * d).set(centers.subarray(0, k * d));
    const norms = new Float64Array(this.buffer, this.cn, k);
    let largest = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += centers[j * d + t] * centers[j * d + t];
      norms[j] = s;
      largest = Math.max(largest, s);
    }
    return largest;
  }

  /** Lays out the buffers that depend on k (the pairwise output goes last), growing memory when needed. */
  private layout(k: number): void {
    if (k <= this.laidOutK) return;
    const d = this.cols;
    const blocks = Math.ceil(this.rows / SUM_BLOCK_ROWS);
    let at = this.dynamicStart;
    const take = (bytes: number) => {
      const ptr = at;
      at += align(bytes);
      return ptr;
    };
    this.c32 = take(k * d * 4);
    this.c64 = take(k * d * 8);
    this.cn = take(k * 8);
    this.sums = take(blocks * k * d * 8);
    this.cw = take(blocks * k * 8);
    this.pairOut = at;
    this.runtime.reserve(at);
    this.laidOutK = k;
  }
}
