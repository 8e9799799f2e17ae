/**
 * Kernels for small data, and the backend 'auto' resolves to: below a few thousand values of X
 * (smallEnough) a pass takes a few microseconds in plain TypeScript, less than a WebAssembly or native
 * pass's fixed costs (a kernels memory, copying X and the centres in, writing a frame), so a fit
 * of a few thousand points binds these. They compute what the reference backend computes, in
 * the same order, so every result is the same bits whichever backend a fit binds.
 */

import type { DType, FloatArray, Matrix } from '../matrix.js';
import type { RowSource } from '../row-source.js';
import { sumBlockRows } from './blocks.js';
import { rowCenterDistance } from './reference/distances.js';
import { referenceBackend } from './reference/index.js';
import type {
  AllocatedMatrix,
  BindOptions,
  BoundKernels,
  DistanceKind,
  KernelBackend,
} from './types.js';

/**
 * The most values of X (rows x cols) that 'auto' binds to the small-data kernels: for d <= 3,
 * whose distances are written out, and for wider rows, whose distances are the reference's loop.
 * Below these a fit's passes in TypeScript cost less than the fixed costs of a pass in a kernels
 * memory. Measured on the loaded 2-core VM, whole fits small-data / native (one process, rounds
 * interleaved): 200 x 2 k = 3 0.39, 2,000 x 2 k = 5 0.63, 2,000 x 3 k = 5 0.80, 4,000 x 2 k = 8
 * 0.90, 4,000 x 3 k = 8 1.39, 8,000 x 2 k = 8 1.84; 100 x 32 k = 8 0.90, 200 x 16 k = 8 1.62,
 * 500 x 6 k = 8 2.38 (from k = 8 the native passes keep Hamerly's bounds).
 */
export const SMALL_DATA_MAX_VALUES = 1 << 13;
export const SMALL_DATA_MAX_VALUES_WIDE = 1 << 11;

/** One block's running sums: w·x per cluster (k x d) and w per cluster (k), and the weights. */
interface BlockSums {
  weights: Float64Array;
  sums: Float64Array;
  clusterWeights: Float64Array;
}

/**
 * Labels rows [start, end) of X (d columns) with their nearest of `k` centres, ties to the lowest
 * index, and their squared euclidean distances into `distances` where given, each distance as
 * rowCenterDistance computes it: for d < 4 its four partial sums stay 0 and its tail adds the
 * squared differences in column order onto (0 + 0) + (0 + 0) = 0, and 0 + s = s for s >= 0, so
 * the sums written out below for d = 1, 2, 3 are the same bits; from d = 4 it is
 * rowCenterDistance itself. With `block`, each row's w·x and w are added to its cluster's sums as
 * it is labelled: per cluster, rows in row order, as a pass over the labels afterwards adds them.
 */
function assignRows(
  X: FloatArray,
  d: number,
  start: number,
  end: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  distances: Float64Array | null,
  block: BlockSums | null = null,
): void {
  if (d === 2) {
    for (let i = start; i < end; i++) {
      const x0 = X[2 * i];
      const x1 = X[2 * i + 1];
      const e0 = x0 - centers[0];
      const e1 = x1 - centers[1];
      let bestDistance = e0 * e0 + e1 * e1;
      let best = 0;
      for (let j = 1; j < k; j++) {
        const f0 = x0 - centers[2 * j];
        const f1 = x1 - centers[2 * j + 1];
        const distance = f0 * f0 + f1 * f1;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = j;
        }
      }
      labels[i] = best;
      if (distances) distances[i] = bestDistance;
      if (block) {
        const w = block.weights[i];
        block.clusterWeights[best] += w;
        block.sums[2 * best] += x0 * w;
        block.sums[2 * best + 1] += x1 * w;
      }
    }
    return;
  }
  if (d === 3) {
    for (let i = start; i < end; i++) {
      const x0 = X[3 * i];
      const x1 = X[3 * i + 1];
      const x2 = X[3 * i + 2];
      const e0 = x0 - centers[0];
      const e1 = x1 - centers[1];
      const e2 = x2 - centers[2];
      let bestDistance = e0 * e0 + e1 * e1 + e2 * e2;
      let best = 0;
      for (let j = 1; j < k; j++) {
        const f0 = x0 - centers[3 * j];
        const f1 = x1 - centers[3 * j + 1];
        const f2 = x2 - centers[3 * j + 2];
        const distance = f0 * f0 + f1 * f1 + f2 * f2;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = j;
        }
      }
      labels[i] = best;
      if (distances) distances[i] = bestDistance;
      if (block) {
        const w = block.weights[i];
        block.clusterWeights[best] += w;
        block.sums[3 * best] += x0 * w;
        block.sums[3 * best + 1] += x1 * w;
        block.sums[3 * best + 2] += x2 * w;
      }
    }
    return;
  }
  if (d === 1) {
    for (let i = start; i < end; i++) {
      const x0 = X[i];
      const e0 = x0 - centers[0];
      let bestDistance = e0 * e0;
      let best = 0;
      for (let j = 1; j < k; j++) {
        const f0 = x0 - centers[j];
        const distance = f0 * f0;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = j;
        }
      }
      labels[i] = best;
      if (distances) distances[i] = bestDistance;
      if (block) {
        const w = block.weights[i];
        block.clusterWeights[best] += w;
        block.sums[best] += x0 * w;
      }
    }
    return;
  }
  for (let i = start; i < end; i++) {
    let bestDistance = rowCenterDistance('sqeuclidean', X, i, centers, 0, d);
    let best = 0;
    for (let j = 1; j < k; j++) {
      const distance = rowCenterDistance('sqeuclidean', X, i, centers, j, d);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    labels[i] = best;
    if (distances) distances[i] = bestDistance;
    if (block) {
      const w = block.weights[i];
      block.clusterWeights[best] += w;
      const so = best * d;
      const xo = i * d;
      for (let t = 0; t < d; t++) block.sums[so + t] += X[xo + t] * w;
    }
  }
}

/**
 * Kernels over a small matrix held where it lies (the caller's copy of X): assignment and the
 * cluster sums fused in one pass for squared euclidean distance, the reference kernels for the
 * rest. Labels go to the nearest centre, ties to the lowest index; sums are summed block by
 * block (sumBlockRows), each block in row order, and the blocks added in block order, as
 * sumByCluster does.
 */
class SmallDataKernels implements BoundKernels {
  readonly rows: number;
  readonly cols: number;
  private readonly X: FloatArray;
  private readonly blockRows: number;
  private readonly reference: BoundKernels;
  /** One block's sums, then its weights (k x cols + k), reused pass after pass. */
  private blockScratch: Float64Array | undefined;

  constructor(X: Matrix, blockRows = sumBlockRows(X.rows)) {
    this.rows = X.rows;
    this.cols = X.cols;
    this.X = X.data;
    this.blockRows = blockRows;
    this.reference = referenceBackend.bind(X, { blockRows });
  }

  assign(
    kind: DistanceKind,
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    if (kind !== 'sqeuclidean') {
      this.reference.assign(kind, centers, k, labels, distances);
      return;
    }
    assignRows(this.X, this.cols, 0, this.rows, centers, k, labels, distances);
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
    const { X, rows, cols, blockRows } = this;
    const width = k * cols;
    if (this.blockScratch === undefined || this.blockScratch.length < width + k)
      this.blockScratch = new Float64Array(width + k);
    const blockSums = this.blockScratch;
    const blockWeights = this.blockScratch.subarray(width, width + k);
    const block: BlockSums = { weights, sums: blockSums, clusterWeights: blockWeights };
    sums.fill(0, 0, width);
    clusterWeights.fill(0, 0, k);
    for (let start = 0; start < rows; start += blockRows) {
      const end = Math.min(rows, start + blockRows);
      blockSums.fill(0, 0, width);
      blockWeights.fill(0, 0, k);
      assignRows(X, cols, start, end, centers, k, labels, distances, block);
      // Blocks fold in block order onto zeros: reduceBlocks' sums.
      for (let t = 0; t < width; t++) sums[t] += blockSums[t];
      for (let j = 0; j < k; j++) clusterWeights[j] += blockWeights[j];
    }
  }

  distancesToAssigned(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    this.reference.distancesToAssigned(kind, centers, labels, distances);
  }

  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void {
    this.reference.pairwise(kind, centers, k, out);
  }

  pairwiseFast(centers: Float64Array, k: number, out: Float64Array): void {
    this.reference.pairwiseFast?.(centers, k, out);
  }

  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    this.reference.sumByCluster(weights, labels, k, sums, clusterWeights);
  }

  blockSums(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    this.reference.blockSums?.(weights, labels, k, sums, clusterWeights);
  }

  release(): void {}
}

/**
 * The small-data kernels as a backend of their own: any size binds, but they are meant for
 * matrices small enough for them (smallEnough; see {@link bySize}).
 */
export const smallDataBackend: KernelBackend = {
  name: 'small-data',
  bind(X: Matrix, options: BindOptions = {}): BoundKernels {
    return new SmallDataKernels(X, options.blockRows);
  },
};

/** Whether a rows x cols matrix is small enough for the small-data kernels. */
export function smallEnough(rows: number, cols: number): boolean {
  return rows * cols <= (cols <= 3 ? SMALL_DATA_MAX_VALUES : SMALL_DATA_MAX_VALUES_WIDE);
}

/**
 * A backend that binds matrices small enough (smallEnough) to the small-data kernels (where they lie: no copy into a kernels memory) and everything else to `large`, which
 * is resolved on first use only (so a process that fits small data never compiles WebAssembly
 * or loads native code). It goes by `large`'s name: that is the backend every pass that matters
 * runs on, and the small-data kernels give the same bits.
 */
export function bySize(large: () => KernelBackend): KernelBackend {
  let resolved: KernelBackend | undefined;
  const backend = (): KernelBackend => {
    resolved ??= large();
    return resolved;
  };
  return {
    get name(): string {
      return backend().name;
    },
    bind(X: Matrix, options?: BindOptions): BoundKernels {
      if (smallEnough(X.rows, X.cols) && options?.windowRows === undefined)
        return new SmallDataKernels(X, options?.blockRows);
      return backend().bind(X, options);
    },
    allocate(
      rows: number,
      cols: number,
      dtype: DType,
      options?: BindOptions,
    ): AllocatedMatrix | undefined {
      // Small X goes to an ordinary matrix, then `bind`.
      if (smallEnough(rows, cols)) return undefined;
      return backend().allocate?.(rows, cols, dtype, options);
    },
    adopt(X: Matrix, dtype: DType, options?: BindOptions): AllocatedMatrix | undefined {
      if (smallEnough(X.rows, X.cols)) return undefined;
      return backend().adopt?.(X, dtype, options);
    },
    bindRows(source: RowSource, dtype: DType, options?: BindOptions): BoundKernels {
      const large = backend();
      if (!large.bindRows) throw new Error(`lloyd: the ${large.name} backend cannot read rows`);
      return large.bindRows(source, dtype, options);
    },
  };
}
