/**
 * Where a bound matrix's buffers sit in its kernels memory. Page 0 is the module's (the call frame
 * lives there, see frame.ts); X starts at page 1, followed by the buffers of n rows, then those
 * that depend on k (laid out again when k grows), the threads' scratch, and the pairwise output,
 * which is last so it can grow. Every buffer starts 16-byte aligned, for SIMD loads.
 */

import { paddedClusters } from '../blocks.js';

export const PAGE = 65536;
/** Where X starts in a kernels memory. */
export const X_OFFSET = PAGE;

/** `bytes` rounded up to 16. */
export const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The largest k for which Hamerly's passes keep each centre's nearest others (the near scans):
 * k x nearListLength(k) entries, 12 bytes each (3 MB at k = 1024).
 */
export const NEAR_SCAN_MAX_K = 1024;

/**
 * How many of each centre's nearest others Hamerly's passes keep: a row with as many within reach
 * waits for the full scan, since one row at a time costs more a centre than the panels' four rows
 * or the pair scan's two (a quarter of k measured best; docs/performance.md).
 */
export function nearListLength(k: number): number {
  return Math.ceil(k / 4);
}

/** Hands out aligned buffers from `start` on. */
class Allocator {
  constructor(public end: number) {}
  take(bytes: number): number {
    const at = this.end;
    this.end += align(bytes);
    return at;
  }
}

/** The buffers of a rows x cols matrix that do not depend on k. */
export interface RowBuffers {
  /** X: rows x cols float32 or float64. */
  readonly x: number;
  /** The rows' squared norms (float64). */
  readonly rowNorms: number;
  /** Labels (int32). */
  readonly labels: number;
  /** Squared distances to the assigned centres (float64). */
  readonly distances: number;
  /** Row weights when not all 1 (float64). */
  readonly weights: number;
  /** Hamerly's and Elkan's upper bounds (float64). */
  readonly upper: number;
  /** Hamerly's lower bounds (float64). */
  readonly lower: number;
  /** Rows a bounded pass scans in full (int32). */
  readonly pending: number;
  /** The labels the block sums were last made from (int32). */
  readonly sumsLabels: number;
  /** The running sum and compensation of weightedSumF64 (two float64). */
  readonly sumState: number;
  /** Where the buffers that depend on k start. */
  readonly end: number;
}

export function rowBuffers(rows: number, cols: number, f32: boolean): RowBuffers {
  const memory = new Allocator(X_OFFSET);
  return {
    x: memory.take(rows * cols * (f32 ? 4 : 8)),
    rowNorms: memory.take(rows * 8),
    labels: memory.take(rows * 4),
    distances: memory.take(rows * 8),
    weights: memory.take(rows * 8),
    upper: memory.take(rows * 8),
    lower: memory.take(rows * 8),
    pending: memory.take(rows * 4),
    sumsLabels: memory.take(rows * 4),
    sumState: memory.take(16),
    end: memory.end,
  };
}

/** The buffers that depend on k (each for up to `k` centres). */
export interface CentreBuffers {
  /** Centres they hold room for. */
  readonly k: number;
  /** The centres in float32, for the fast scans (k x cols). */
  readonly centres32: number;
  /** The centres in panels (paddedClusters(k) x cols float32). */
  readonly panels: number;
  /** Half the centres' squared norms beside the panels (float32). */
  readonly halfNorms: number;
  /** The centres in float64 (k x cols). */
  readonly centres64: number;
  /** Their squared norms (float64). */
  readonly centreNorms: number;
  /** Block partial sums (blocks x k x cols float64). */
  readonly sums: number;
  /** Block partial cluster weights (blocks x k float64). */
  readonly clusterWeights: number;
  /** The block sums reduced: k x cols sums, then k weights. */
  readonly reduced: number;
  /** Half the gap from each centre to its nearest other (float64). */
  readonly half: number;
  /** How far each centre moved (float64). */
  readonly move: number;
  /** k bytes per sum block: refreshSums' flags. */
  readonly dirty: number;
  /** Elkan's buffers, when laid out for them. */
  readonly elkan?: {
    /** rows x paddedClusters(k) float32 lower bounds. */
    readonly lower: number;
    /** The moves rounded up to float32. */
    readonly moveUp: number;
    /** k x k half gaps between centres. */
    readonly gaps: number;
  };
  /** Each centre's nearest others and their half gaps (Hamerly's near scans; k <= NEAR_SCAN_MAX_K). */
  readonly near?: { readonly order: number; readonly half: number };
  /** Each thread's scratch: `scratchStride` bytes from here per thread. */
  readonly scratch: number;
  readonly scratchStride: number;
  /** The pairwise output (rows x k float64), last: it grows memory as it needs. */
  readonly pairwiseOut: number;
}

/**
 * Lays out the buffers for `k` centres from `start`: for `rows` x `cols` data in sum blocks of
 * `blockRows`, scratch for `threads` threads, Elkan's bounds with `elkan`.
 */
export function centreBuffers(
  start: number,
  rows: number,
  cols: number,
  k: number,
  blockRows: number,
  threads: number,
  elkan: boolean,
): CentreBuffers {
  const memory = new Allocator(start);
  const blocks = Math.ceil(rows / blockRows);
  const paddedK = paddedClusters(k);
  const centres32 = memory.take(k * cols * 4);
  const panels = memory.take(paddedK * cols * 4);
  const halfNorms = memory.take(paddedK * 4);
  const centres64 = memory.take(k * cols * 8);
  const centreNorms = memory.take(k * 8);
  const sums = memory.take(blocks * k * cols * 8);
  const clusterWeights = memory.take(blocks * k * 8);
  const reduced = memory.take((k * cols + k) * 8);
  const half = memory.take(k * 8);
  const move = memory.take(k * 8);
  const dirty = memory.take(blocks * k);
  const elkanBuffers = elkan
    ? {
        lower: memory.take(rows * paddedK * 4),
        moveUp: memory.take(paddedK * 4),
        gaps: memory.take(k * k * 8),
      }
    : undefined;
  const listed = k * nearListLength(k);
  const near =
    k <= NEAR_SCAN_MAX_K
      ? { order: memory.take(listed * 4), half: memory.take(listed * 8) }
      : undefined;
  // Per thread: float32 copies of rows, for the float32 scan of float64 data (two for the pair
  // scan, four for panels), and four rows' panel scores (see assembly/scratch.ts).
  const scratchStride = 4 * align(cols * 4) + 4 * paddedK * 4;
  const scratch = memory.take(threads * scratchStride);
  return {
    k,
    centres32,
    panels,
    halfNorms,
    centres64,
    centreNorms,
    sums,
    clusterWeights,
    reduced,
    half,
    move,
    dirty,
    elkan: elkanBuffers,
    near,
    scratch,
    scratchStride,
    pairwiseOut: memory.end,
  };
}
