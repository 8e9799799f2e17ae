import type { Matrix } from '../../matrix.js';
import { referenceBackend } from '../reference/index.js';
import type { BoundKernels, DistanceKind, KernelBackend } from '../types.js';
import { KERNELS_WASM_BASE64 } from './kernels-binary.generated.js';

/** The exports of the kernels module (see assembly/index.ts). Pointers are byte offsets. */
interface KernelExports {
  rowSqNormsF32(x: number, start: number, end: number, d: number, out: number): void;
  rowSqNormsF64(x: number, start: number, end: number, d: number, out: number): void;
  assignF32(
    x: number,
    start: number,
    end: number,
    d: number,
    c32: number,
    c64: number,
    cn: number,
    k: number,
    cnMax: number,
    xn: number,
    labels: number,
    dist: number,
    margin: number,
  ): number;
  assignF64(
    x: number,
    start: number,
    end: number,
    d: number,
    c64: number,
    cn: number,
    k: number,
    cnMax: number,
    xn: number,
    labels: number,
    dist: number,
    margin: number,
  ): number;
  assignedDistF32(
    x: number,
    start: number,
    end: number,
    d: number,
    c64: number,
    labels: number,
    dist: number,
  ): void;
  assignedDistF64(
    x: number,
    start: number,
    end: number,
    d: number,
    c64: number,
    labels: number,
    dist: number,
  ): void;
  pairwiseF32(
    x: number,
    start: number,
    end: number,
    d: number,
    c64: number,
    k: number,
    out: number,
  ): void;
  pairwiseF64(
    x: number,
    start: number,
    end: number,
    d: number,
    c64: number,
    k: number,
    out: number,
  ): void;
  sumByClusterF32(
    x: number,
    start: number,
    end: number,
    d: number,
    weights: number,
    labels: number,
    k: number,
    sums: number,
    cw: number,
  ): void;
  sumByClusterF64(
    x: number,
    start: number,
    end: number,
    d: number,
    weights: number,
    labels: number,
    k: number,
    sums: number,
    cw: number,
  ): void;
}

const PAGE = 65536;
/** Multiply-adds per kernel call: small enough that V8 tiers the function up within a pass. */
const WORK_PER_CALL = 4_000_000;

let compiled: WebAssembly.Module | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether this engine runs the SIMD128 kernels (every current browser and Node >= 16 does). */
export function wasmSimdSupported(): boolean {
  try {
    return kernelsModule() !== undefined;
  } catch {
    return false;
  }
}

function kernelsModule(): WebAssembly.Module {
  if (!compiled) {
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    if (!WebAssembly.validate(bytes))
      throw new Error('WebAssembly SIMD128 is not supported by this engine');
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The WebAssembly SIMD backend. X is copied into the module's memory once per `bind`; euclidean
 * passes run there. Assignment uses the fast ||c||² - 2x·c form and settles any row whose two
 * best centres are within rounding distance with the reference arithmetic, so labels are the
 * reference backend's. Manhattan distances use the reference kernels.
 */
export const wasmBackend: KernelBackend = {
  name: 'wasm',
  bind(X: Matrix): BoundKernels {
    return new WasmKernels(X);
  },
};

class WasmKernels implements BoundKernels {
  readonly rows: number;
  readonly cols: number;
  private readonly f32: boolean;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private readonly fallback: BoundKernels;
  private readonly xPtr: number;
  private readonly normsPtr: number;
  private readonly labelsPtr: number;
  private readonly distPtr: number;
  private readonly weightsPtr: number;
  private readonly dynamicStart: number;
  private lastWeights: Float64Array | undefined;
  private layoutFor = { k: -1, pairRows: 0 };
  private c32 = 0;
  private c64 = 0;
  private cn = 0;
  private sums = 0;
  private cw = 0;
  private pairOut = 0;

  constructor(X: Matrix) {
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
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(at / PAGE) + 1 });
    const instance = new WebAssembly.Instance(kernelsModule(), { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    const view = this.f32
      ? new Float32Array(this.memory.buffer, this.xPtr, X.data.length)
      : new Float64Array(this.memory.buffer, this.xPtr, X.data.length);
    view.set(X.data);
    this.forChunks(this.cols, (start, end) => {
      if (this.f32) this.exports.rowSqNormsF32(this.xPtr, start, end, this.cols, this.normsPtr);
      else this.exports.rowSqNormsF64(this.xPtr, start, end, this.cols, this.normsPtr);
    });
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
    this.loadCenters(centers, k);
    const d = this.cols;
    const f64 = new Float64Array(this.memory.buffer);
    let cnMax = 0;
    for (let j = 0; j < k; j++) cnMax = Math.max(cnMax, f64[this.cn / 8 + j]);
    const eps = this.f32 ? 2 ** -23 : 2 ** -52;
    const margin = (d + 16) * eps;
    this.forChunks(k * d, (start, end) => {
      if (this.f32) {
        this.exports.assignF32(
          this.xPtr,
          start,
          end,
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
        );
      } else {
        this.exports.assignF64(
          this.xPtr,
          start,
          end,
          d,
          this.c64,
          this.cn,
          k,
          cnMax,
          this.normsPtr,
          this.labelsPtr,
          this.distPtr,
          margin,
        );
      }
    });
    labels.set(new Int32Array(this.memory.buffer, this.labelsPtr, this.rows));
    distances.set(new Float64Array(this.memory.buffer, this.distPtr, this.rows));
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
    new Int32Array(this.memory.buffer, this.labelsPtr, this.rows).set(labels);
    this.forChunks(this.cols, (start, end) => {
      const run = this.f32 ? this.exports.assignedDistF32 : this.exports.assignedDistF64;
      run(this.xPtr, start, end, this.cols, this.c64, this.labelsPtr, this.distPtr);
    });
    distances.set(new Float64Array(this.memory.buffer, this.distPtr, this.rows));
  }

  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void {
    if (kind !== 'sqeuclidean') {
      this.fallback.pairwise(kind, centers, k, out);
      return;
    }
    this.loadCenters(centers, k);
    this.forChunks(k * this.cols, (start, end) => {
      const run = this.f32 ? this.exports.pairwiseF32 : this.exports.pairwiseF64;
      run(this.xPtr, start, end, this.cols, this.c64, k, this.pairOut);
      out.set(new Float64Array(this.memory.buffer, this.pairOut, (end - start) * k), start * k);
    });
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
    if (weights !== this.lastWeights) {
      new Float64Array(this.memory.buffer, this.weightsPtr, this.rows).set(weights);
      this.lastWeights = weights;
    }
    new Int32Array(this.memory.buffer, this.labelsPtr, this.rows).set(labels);
    new Float64Array(this.memory.buffer, this.sums, k * d).fill(0);
    new Float64Array(this.memory.buffer, this.cw, k).fill(0);
    this.forChunks(d, (start, end) => {
      const run = this.f32 ? this.exports.sumByClusterF32 : this.exports.sumByClusterF64;
      run(this.xPtr, start, end, d, this.weightsPtr, this.labelsPtr, k, this.sums, this.cw);
    });
    sums.set(new Float64Array(this.memory.buffer, this.sums, k * d));
    clusterWeights.set(new Float64Array(this.memory.buffer, this.cw, k));
  }

  release(): void {
    this.lastWeights = undefined;
  }

  /** Copies centres in (float64, a float32 copy for the fast scan, and their squared norms). */
  private loadCenters(centers: Float64Array, k: number): void {
    this.layout(k);
    const d = this.cols;
    new Float64Array(this.memory.buffer, this.c64, k * d).set(centers.subarray(0, k * d));
    if (this.f32)
      new Float32Array(this.memory.buffer, this.c32, k * d).set(centers.subarray(0, k * d));
    const norms = new Float64Array(this.memory.buffer, this.cn, k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += centers[j * d + t] * centers[j * d + t];
      norms[j] = s;
    }
  }

  /** Lays out the buffers that depend on k, growing memory when they need more room. */
  private layout(k: number): void {
    if (k <= this.layoutFor.k) return;
    const d = this.cols;
    const pairRows = this.chunkRows(k * d);
    let at = this.dynamicStart;
    const take = (bytes: number) => {
      const ptr = at;
      at += align(bytes);
      return ptr;
    };
    this.c32 = take(k * d * 4);
    this.c64 = take(k * d * 8);
    this.cn = take(k * 8);
    this.sums = take(k * d * 8);
    this.cw = take(k * 8);
    this.pairOut = take(pairRows * k * 8);
    const needed = Math.ceil(at / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (needed > have) this.memory.grow(needed - have);
    this.layoutFor = { k, pairRows };
  }

  private chunkRows(workPerRow: number): number {
    return Math.max(16, Math.floor(WORK_PER_CALL / Math.max(1, workPerRow)));
  }

  private forChunks(workPerRow: number, run: (start: number, end: number) => void): void {
    const step = this.chunkRows(workPerRow);
    for (let start = 0; start < this.rows; start += step)
      run(start, Math.min(this.rows, start + step));
  }
}
