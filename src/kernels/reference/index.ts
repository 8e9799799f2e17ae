import type { Matrix } from '../../matrix.js';
import { reduceBlocks, sumBlockRows } from '../blocks.js';
import type { BindOptions, BoundKernels, DistanceKind, KernelBackend } from '../types.js';
import { rowCenterDistance } from './distances.js';
import { fastSquaredDistances } from './fast-distances.js';

/**
 * The plain TypeScript backend: always available, written for clarity, and the oracle every
 * other backend is tested against.
 */
export const referenceBackend: KernelBackend = {
  name: 'reference',
  bind(X: Matrix, options: BindOptions = {}): BoundKernels {
    return new ReferenceKernels(X, options.blockRows);
  },
};

class ReferenceKernels implements BoundKernels {
  readonly rows: number;
  readonly cols: number;
  private readonly X: Matrix['data'];
  /** Rows per block of the cluster sums (see blocks.ts). */
  private readonly blockRows: number;

  constructor(X: Matrix, blockRows = sumBlockRows(X.rows)) {
    this.rows = X.rows;
    this.cols = X.cols;
    this.X = X.data;
    this.blockRows = blockRows;
  }

  assign(
    kind: DistanceKind,
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    const { X, rows, cols } = this;
    for (let i = 0; i < rows; i++) {
      let best = 0;
      let bestDistance = rowCenterDistance(kind, X, i, centers, 0, cols);
      for (let j = 1; j < k; j++) {
        const dist = rowCenterDistance(kind, X, i, centers, j, cols);
        if (dist < bestDistance) {
          bestDistance = dist;
          best = j;
        }
      }
      labels[i] = best;
      distances[i] = bestDistance;
    }
  }

  distancesToAssigned(
    kind: DistanceKind,
    centers: Float64Array,
    labels: Int32Array,
    distances: Float64Array,
  ): void {
    const { X, rows, cols } = this;
    for (let i = 0; i < rows; i++)
      distances[i] = rowCenterDistance(kind, X, i, centers, labels[i], cols);
  }

  pairwise(kind: DistanceKind, centers: Float64Array, k: number, out: Float64Array): void {
    const { X, rows, cols } = this;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) out[i * k + j] = rowCenterDistance(kind, X, i, centers, j, cols);
    }
  }

  pairwiseFast(centers: Float64Array, k: number, out: Float64Array): void {
    fastSquaredDistances(this.X, this.rows, this.cols, centers, k, out);
  }

  sumByCluster(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): void {
    const blocks = Math.ceil(this.rows / this.blockRows);
    const partialSums = new Float64Array(blocks * k * this.cols);
    const partialWeights = new Float64Array(blocks * k);
    this.blockSums(weights, labels, k, partialSums, partialWeights);
    reduceBlocks(partialSums, blocks, k * this.cols, sums);
    reduceBlocks(partialWeights, blocks, k, clusterWeights);
  }

  blockSums(
    weights: Float64Array,
    labels: Int32Array,
    k: number,
    partialSums: Float64Array,
    partialWeights: Float64Array,
  ): void {
    const { X, rows, cols, blockRows } = this;
    const blocks = Math.ceil(rows / blockRows);
    partialSums.fill(0, 0, blocks * k * cols);
    partialWeights.fill(0, 0, blocks * k);
    for (let i = 0; i < rows; i++) {
      const label = labels[i];
      if (label < 0 || label >= k) continue;
      const block = Math.floor(i / blockRows);
      const w = weights[i];
      partialWeights[block * k + label] += w;
      const so = (block * k + label) * cols;
      const xo = i * cols;
      for (let t = 0; t < cols; t++) partialSums[so + t] += X[xo + t] * w;
    }
  }

  release(): void {}
}
