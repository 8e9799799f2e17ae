/**
 * A matrix in a kernels memory: its runtime (the memory and the threads that run over it), its
 * row buffers, and the passes that need nothing but X (row norms, the finite check). It is what
 * `bind` binds, and it hands the runtime back once.
 */

import type { Matrix } from '../../matrix.js';
import type { CallerKernel } from '../../parallel/pool.js';
import { sumBlockRows } from '../blocks.js';
import type { FrameArgs } from './frame.js';
import { type RowBuffers, rowBuffers } from './layout.js';
import type { KernelRuntime } from './runtime.js';

/** Multiply-adds per kernel call: small enough that V8 tiers a function up early in a pass. */
export const WORK_PER_CALL = 4_000_000;
/**
 * Multiply-adds (or adds) per call of the light passes: the assigned distances (O(d) a row),
 * which run about once a fit, so mostly cold, and the block sums' reduction. A first call runs
 * unoptimised; a sixteenth of WORK_PER_CALL keeps it short. The row norms keep WORK_PER_CALL:
 * they are the pool's first run, while its workers start, and smaller calls made them slower.
 */
export const LIGHT_WORK_PER_CALL = WORK_PER_CALL / 16;
/** Rows per call of the kernels that run on the caller's thread only (see callInPieces). */
const CALLER_PIECE_ROWS = 1 << 16;

/**
 * Calls a kernel of the caller's thread over rows [0, rows) in pieces of CALLER_PIECE_ROWS, in
 * row order, and adds up what the calls return.
 */
export function callInPieces<K extends CallerKernel>(
  runtime: KernelRuntime,
  rows: number,
  kernel: K,
  frame: FrameArgs<K>,
): number {
  let total = 0;
  for (let start = 0; start < rows; start += CALLER_PIECE_ROWS) {
    const end = Math.min(rows, start + CALLER_PIECE_ROWS);
    total += runtime.call(kernel, frame, start, end) ?? 0;
  }
  return total;
}

export class WasmMatrix {
  readonly buffers: RowBuffers;
  /** The rows the buffers hold room for; `rows` may be fewer (a window's last rows). */
  readonly capacity: number;
  /** Rows per block of the cluster sums (see blocks.ts). */
  readonly blockRows: number;
  /** Whether buffers.rowNorms holds the squared norms of X as it is now. */
  private normsReady = false;
  private released = false;

  /**
   * `onRelease`: called once the runtime is released. `blockRows`: the sum blocks' rows, when
   * these rows are part of a larger matrix (a window) whose blocks they must keep; by default
   * this matrix's own (sumBlockRows).
   */
  constructor(
    public rows: number,
    readonly cols: number,
    readonly f32: boolean,
    readonly runtime: KernelRuntime,
    private readonly onRelease?: () => void,
    blockRows = sumBlockRows(rows),
  ) {
    this.capacity = rows;
    this.blockRows = blockRows;
    this.buffers = rowBuffers(rows, cols, f32);
    runtime.reserve(this.buffers.end);
  }

  /**
   * Makes X its first `rows` rows (at most the capacity), whose values the caller has just
   * written: what was computed from the old ones (row norms) is computed again.
   */
  setRows(rows: number): void {
    if (rows > this.capacity)
      throw new Error(`lloyd: ${rows} rows in a matrix of ${this.capacity}`);
    this.rows = rows;
    this.normsReady = false;
  }

  /** Hands the runtime back; once only. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.runtime.release();
    this.onRelease?.();
  }

  /** Forgets the row norms: X changed since they were computed. */
  invalidateNorms(): void {
    this.normsReady = false;
  }

  /**
   * Whether every value of X is finite, from its rows' squared norms (a SIMD pass on every
   * thread, which binding needs anyway): a NaN or infinity makes its row's norm non-finite. So
   * can float64 values past 1e154 (their squares overflow): then it answers false, and the
   * caller's exact check finds them finite.
   */
  allFinite(): boolean {
    this.rowNorms();
    const values = this.buffers.rowNorms;
    return callInPieces(this.runtime, this.rows, 'anyNonFiniteF64', { values }) === 0;
  }

  /** The squared norm of each row of X, computed on first use. */
  rowNorms(): Float64Array {
    const { rows, cols, buffers } = this;
    if (!this.normsReady) {
      const chunkRows = Math.max(16, Math.floor(WORK_PER_CALL / cols));
      this.runtime.run(this.f32 ? 'rowSqNormsF32' : 'rowSqNormsF64', rows, chunkRows, {
        x: buffers.x,
        d: cols,
        out: buffers.rowNorms,
      });
      this.normsReady = true;
    }
    return new Float64Array(this.runtime.memory.buffer, buffers.rowNorms, rows);
  }

  /** X as a matrix viewing the kernels memory. */
  matrix(): Matrix {
    const { buffer } = this.runtime.memory;
    const length = this.rows * this.cols;
    const data = this.f32
      ? new Float32Array(buffer, this.buffers.x, length)
      : new Float64Array(buffer, this.buffers.x, length);
    return { data, rows: this.rows, cols: this.cols };
  }
}
