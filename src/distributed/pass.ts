/**
 * The map of a distributed fit: a pass over a shard of rows (whole blocks of the whole matrix),
 * and the relocation pass that re-sums the blocks holding rows moved into empty clusters.
 */

import { ValidationError } from '../errors.js';
import { sumBlockRows } from '../kernels/blocks.js';
import { referenceBackend } from '../kernels/reference/index.js';
import { resolveBackend } from '../kernels/select.js';
import { continueCompensatedSum } from '../kernels/summation.js';
import type { BoundKernels, KernelBackend } from '../kernels/types.js';
import type { Matrix } from '../matrix.js';
import {
  blockCount,
  compareFar,
  type FarRow,
  fingerprintCentres,
  type PassPartial,
} from './format.js';
import type { RelocationPlan } from './update.js';

/** Where a shard lies in the whole matrix, and how its rows are read. */
export interface ShardOptions {
  /** The row of the whole matrix that the shard's first row is: a multiple of the block rows. */
  firstRow: number;
  /** Rows of the whole matrix. */
  totalRows: number;
  /** Each row's weight (default 1). */
  weights?: Float64Array;
  /** The kernels (default: 'auto', WebAssembly where it runs; every backend gives the same bits). */
  backend?: KernelBackend;
  /** Threads for backends that use them. */
  threads?: number;
}

/** What a pass over a shard needs beyond where it lies. */
export interface PassOptions extends ShardOptions {
  /** The centres, k x d float64, row-major. */
  centres: Float64Array;
  k: number;
  /** The shard's labels from the previous pass, to count the changes; none on a first pass. */
  previousLabels?: Int32Array;
}

/**
 * A shard's pass: its partial, its rows' labels (for the next pass's changed count), and each
 * row's squared distance to its centre (the terms of a single fit's inertia, in row order).
 */
export interface PassResult {
  partial: PassPartial;
  labels: Int32Array;
  distances: Float64Array;
}

/**
 * Checks that `rows` rows from `firstRow` are whole blocks of a `totalRows` matrix (the last
 * shard may end anywhere at its end); returns the block rows and the shard's first block.
 */
export function shardBlocks(
  rows: number,
  firstRow: number,
  totalRows: number,
): { blockRows: number; firstBlock: number } {
  if (!Number.isSafeInteger(totalRows) || totalRows < 1)
    throw new ValidationError('totalRows', `must be a whole number >= 1; got ${totalRows}`);
  const blockRows = sumBlockRows(totalRows);
  if (!Number.isSafeInteger(firstRow) || firstRow < 0 || firstRow % blockRows !== 0)
    throw new ValidationError(
      'firstRow',
      `must be a multiple of ${blockRows} (the rows per block of ${totalRows} rows), so a shard holds whole blocks; got ${firstRow}`,
    );
  const end = firstRow + rows;
  if (end > totalRows)
    throw new ValidationError(
      'totalRows',
      `the shard's rows ${firstRow}..${end - 1} run past the ${totalRows} rows of the whole`,
    );
  if (end < totalRows && rows % blockRows !== 0)
    throw new ValidationError(
      'firstRow',
      `a shard that does not end the matrix must hold a multiple of ${blockRows} rows (whole blocks); rows ${firstRow}..${end - 1} end inside block ${Math.floor(end / blockRows)}`,
    );
  return { blockRows, firstBlock: firstRow / blockRows };
}

/** The weights a shard's rows carry: given (checked), or 1 each. */
function shardWeights(weights: Float64Array | undefined, rows: number): Float64Array {
  if (weights === undefined) return new Float64Array(rows).fill(1);
  if (weights.length !== rows)
    throw new ValidationError(
      'weights',
      `must hold one weight a row (${rows}); got ${weights.length}`,
    );
  return weights;
}

/** The shard's rows bound with the whole matrix's blocks. */
function bindShard(X: Matrix, blockRows: number, options: ShardOptions): BoundKernels {
  const backend = options.backend ?? resolveBackend('auto');
  return backend.bind(X, { blockRows, threads: options.threads });
}

/** Block sums of `labels` over the bound shard: the backend's own, else the reference's. */
function shardBlockSums(
  kernels: BoundKernels,
  X: Matrix,
  blockRows: number,
  weights: Float64Array,
  labels: Int32Array,
  k: number,
  sums: Float64Array,
  clusterWeights: Float64Array,
): void {
  if (kernels.blockSums) {
    kernels.blockSums(weights, labels, k, sums, clusterWeights);
    return;
  }
  const reference = referenceBackend.bind(X, { blockRows });
  reference.blockSums?.(weights, labels, k, sums, clusterWeights);
}

/**
 * Assigns a shard's rows to `centres` and returns what the merge and the update need (see
 * PassPartial). Labels and block sums are those a single fit's pass gives these rows, bit for
 * bit: a row's label depends on the row alone, and each block is summed in row order.
 */
export function partialPass(X: Matrix, options: PassOptions): PassResult {
  const { centres, k, previousLabels } = options;
  const { rows, cols } = X;
  const { blockRows, firstBlock } = shardBlocks(rows, options.firstRow, options.totalRows);
  if (!Number.isInteger(k) || k < 1 || centres.length !== k * cols)
    throw new ValidationError(
      'centres',
      `must be k x ${cols} values (k = ${k}); got ${centres.length} values`,
    );
  if (previousLabels !== undefined && previousLabels.length !== rows)
    throw new ValidationError(
      'previousLabels',
      `must hold one label a row of the shard (${rows}); got ${previousLabels.length}`,
    );
  const weights = shardWeights(options.weights, rows);
  const blocks = Math.ceil(rows / blockRows);
  const labels = new Int32Array(rows);
  const distances = new Float64Array(rows);
  const sums = new Float64Array(blocks * k * cols);
  const clusterWeights = new Float64Array(blocks * k);
  const kernels = bindShard(X, blockRows, options);
  try {
    kernels.assign('sqeuclidean', centres, k, labels, distances);
    shardBlockSums(kernels, X, blockRows, weights, labels, k, sums, clusterWeights);
  } finally {
    kernels.release();
  }
  // Each block's Neumaier state over its rows in row order, as compensatedWeightedSum runs.
  const inertia = new Float64Array(2 * blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blockRows;
    const end = Math.min(rows, start + blockRows);
    const block = continueCompensatedSum(
      distances.subarray(start, end),
      weights.subarray(start, end),
    );
    inertia[2 * b] = block.sum;
    inertia[2 * b + 1] = block.compensation;
  }
  let changed = rows;
  if (previousLabels) {
    changed = 0;
    for (let i = 0; i < rows; i++) if (labels[i] !== previousLabels[i]) changed++;
  }
  const partial: PassPartial = {
    kind: 'assignment',
    k,
    d: cols,
    totalRows: options.totalRows,
    blockRows,
    fingerprint: fingerprintCentres(centres, k, cols),
    blocks: Uint32Array.from({ length: blocks }, (_, b) => firstBlock + b),
    sums,
    weights: clusterWeights,
    inertia,
    changed,
    farthest: farthestRows(distances, labels, k, options.firstRow),
    relocations: [],
  };
  return { partial, labels, distances };
}

/** The `count` rows farthest from their centres, farthest first, ties to the lower row. */
function farthestRows(
  distances: Float64Array,
  labels: Int32Array,
  count: number,
  firstRow: number,
): FarRow[] {
  const chosen: FarRow[] = [];
  for (let i = 0; i < distances.length; i++) {
    const distance = distances[i];
    if (chosen.length === count && distance <= chosen[count - 1].distance) continue;
    const far = { row: firstRow + i, distance, label: labels[i] };
    let at = chosen.length;
    while (at > 0 && compareFar(far, chosen[at - 1]) < 0) at--;
    chosen.splice(at, 0, far);
    if (chosen.length > count) chosen.pop();
  }
  return chosen;
}

/** What a relocation pass over a shard needs beyond where it lies. */
export interface RelocationPassOptions extends ShardOptions {
  /** The shard's labels from the assignment pass the plan was made from. */
  labels: Int32Array;
  plan: RelocationPlan;
}

/**
 * Re-sums the shard's blocks that hold a row the plan moves, with those rows relabelled: the
 * blocks a single fit's update re-sums differently. Its partial holds those blocks only (none
 * when no moved row is in the shard); the update puts them in place of the assignment's.
 */
export function relocationPass(X: Matrix, options: RelocationPassOptions): PassPartial {
  const { plan, labels } = options;
  const { rows, cols } = X;
  const { blockRows, firstBlock } = shardBlocks(rows, options.firstRow, options.totalRows);
  if (plan.totalRows !== options.totalRows || plan.d !== cols)
    throw new ValidationError(
      'plan',
      `is for ${plan.totalRows} x ${plan.d} rows; this shard is part of ${options.totalRows} x ${cols}`,
    );
  if (labels.length !== rows)
    throw new ValidationError(
      'labels',
      `must hold one label a row of the shard (${rows}); got ${labels.length}`,
    );
  const weights = shardWeights(options.weights, rows);
  const { k } = plan;
  const moved = labels.slice();
  const touched = new Set<number>();
  for (const { cluster, row } of plan.relocations) {
    const i = row - options.firstRow;
    if (i < 0 || i >= rows) continue;
    moved[i] = cluster;
    touched.add(Math.floor(i / blockRows));
  }
  const kept = [...touched].sort((a, b) => a - b);
  const sums = new Float64Array(kept.length * k * cols);
  const clusterWeights = new Float64Array(kept.length * k);
  if (kept.length > 0) {
    const blocks = Math.ceil(rows / blockRows);
    const allSums = new Float64Array(blocks * k * cols);
    const allWeights = new Float64Array(blocks * k);
    const kernels = bindShard(X, blockRows, options);
    try {
      shardBlockSums(kernels, X, blockRows, weights, moved, k, allSums, allWeights);
    } finally {
      kernels.release();
    }
    kept.forEach((b, i) => {
      sums.set(allSums.subarray(b * k * cols, (b + 1) * k * cols), i * k * cols);
      clusterWeights.set(allWeights.subarray(b * k, (b + 1) * k), i * k);
    });
  }
  return {
    kind: 'relocation',
    k,
    d: cols,
    totalRows: options.totalRows,
    blockRows,
    fingerprint: plan.fingerprint,
    blocks: Uint32Array.from(kept, (b) => firstBlock + b),
    sums,
    weights: clusterWeights,
    inertia: new Float64Array(2 * kept.length),
    changed: 0,
    farthest: [],
    relocations: plan.relocations.map(({ cluster, row }) => ({ cluster, row })),
  };
}

/** Whether the partial holds every block of the whole matrix. */
export function isComplete(partial: PassPartial): boolean {
  return partial.blocks.length === blockCount(partial);
}
