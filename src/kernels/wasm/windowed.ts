/**
 * Kernels over more rows than one WebAssembly memory holds, or than memory holds at all: X is
 * read from a row source a window at a time into one kernels memory, and every pass runs window
 * after window. The windows are whole sum blocks of the full matrix (its sumBlockRows), and each
 * window's block sums continue the fold of the windows before it in block order, so labels,
 * sums, distances and inertia are the same bits as one pass over X held whole. A source that
 * fits one window is read once and stays.
 */

import { describeValue, ValidationError } from '../../errors.js';
import type { DType, FloatArray } from '../../matrix.js';
import type { RowSource } from '../../row-source.js';
import { sumBlockRows } from '../blocks.js';
import type { NativeKernels } from '../native/loader.js';
import type { BindOptions, BoundKernels, DistanceKind } from '../types.js';
import { acquireRuntime } from './runtime.js';
import { WasmKernels } from './wasm-kernels.js';
import { WasmMatrix } from './wasm-matrix.js';

/** A window's bytes of X by default: large enough that a pass's fixed costs vanish. */
const DEFAULT_WINDOW_BYTES = 256 * 2 ** 20;

export class WindowedKernels implements BoundKernels {
  readonly rows: number;
  readonly cols: number;
  /** Rows a window holds (whole sum blocks). */
  readonly windowRows: number;
  private readonly kernels: WasmKernels;
  private readonly window: FloatArray;
  /** The first row of the window loaded now (-1: none yet). */
  private loadedStart = -1;

  /** `dtype`: the type rows are read as (a source's own dtype is only its natural one). */
  constructor(
    private readonly source: RowSource,
    dtype: DType,
    options: BindOptions & { threads: number },
    native?: NativeKernels,
  ) {
    this.rows = source.rows;
    this.cols = source.cols;
    const f32 = dtype === 'float32';
    const blockRows = sumBlockRows(source.rows);
    const rowBytes = source.cols * (f32 ? 4 : 8);
    const wanted = options.windowRows ?? Math.floor(DEFAULT_WINDOW_BYTES / rowBytes);
    const blocks = Math.max(1, Math.floor(wanted / blockRows));
    this.windowRows = Math.min(source.rows, blocks * blockRows);
    const matrix = new WasmMatrix(
      this.windowRows,
      source.cols,
      f32,
      acquireRuntime(options.threads, native),
      undefined,
      blockRows,
    );
    this.window = matrix.matrix().data;
    this.kernels = new WasmKernels(matrix, matrix.matrix());
  }

  /** Runs `pass` on each window in row order: its kernels, first row and row count. */
  private forEachWindow(pass: (kernels: WasmKernels, start: number, count: number) => void): void {
    for (let start = 0; start < this.rows; start += this.windowRows) {
      const count = Math.min(this.windowRows, this.rows - start);
      if (start !== this.loadedStart) this.load(start, count);
      pass(this.kernels, start, count);
    }
  }

  /** Reads rows [start, start + count) into the window and checks them. */
  private load(start: number, count: number): void {
    this.loadedStart = -1;
    const values = this.window.subarray(0, count * this.cols);
    this.source.read(start, count, values);
    this.kernels.reload(count);
    if (!this.kernels.matrix.allFinite()) this.checkFinite(values, start);
    this.loadedStart = start;
  }

  /** Names the first value that is not finite, by its row in the whole source. */
  private checkFinite(values: FloatArray, start: number): void {
    for (let v = 0; v < values.length; v++) {
      if (Number.isFinite(values[v])) continue;
      const row = start + Math.floor(v / this.cols);
      throw new ValidationError(
        this.source.name,
        `row ${row}, column ${v % this.cols} is ${describeValue(values[v])}; every value must be finite`,
      );
    }
  }

  assign(
    kind: DistanceKind,
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    this.forEachWindow((kernels, start, count) =>
      kernels.assign(
        kind,
        centers,
        k,
        labels.subarray(start, start + count),
        distances.subarray(start, start + count),
      ),
    );
  }

  distancesToAssigned(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    this.forEachWindow((kernels, start, count) =>
      kernels.distancesToAssigned(
        kind,
        centers,
        labels.subarray(start, start + count),
        distances.subarray(start, start + count),
      ),
    );
  }

  assignedDistanceSum(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    weights: Float64Array,
  ): number {
    // The running sum and its compensation carried from window to window, in row order.
    const carried = new Float64Array(2);
    let total = 0;
    this.forEachWindow((kernels, start, count) => {
      total = kernels.assignedDistanceSum(
        kind,
        centers,
        labels.subarray(start, start + count),
        weights.subarray(start, start + count),
        carried,
      );
    });
    return total;
  }

  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void {
    this.forEachWindow((kernels, start, count) =>
      kernels.pairwise(kind, centers, k, out.subarray(start * k, (start + count) * k)),
    );
  }

  pairwiseFast(centers: Float64Array, k: number, out: Float64Array): void {
    this.forEachWindow((kernels, start, count) =>
      kernels.pairwiseFast(centers, k, out.subarray(start * k, (start + count) * k)),
    );
  }

  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    this.forEachWindow((kernels, start, count) =>
      kernels.sumByCluster(
        weights.subarray(start, start + count),
        labels.subarray(start, start + count),
        k,
        sums,
        clusterWeights,
        start > 0,
      ),
    );
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
    this.forEachWindow((kernels, start, count) =>
      kernels.assignAndSum(
        centers,
        k,
        weights.subarray(start, start + count),
        labels.subarray(start, start + count),
        distances ? distances.subarray(start, start + count) : null,
        sums,
        clusterWeights,
        start > 0,
      ),
    );
  }

  release(): void {
    this.kernels.release();
  }
}
