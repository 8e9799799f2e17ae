import type { BoundKernels, KernelBackend } from '../../kernels/types.js';
import { type DType, isMatrix, type Matrix } from '../../matrix.js';
import type { Random } from '../../random.js';
import type { RowSource } from '../../row-source.js';
import { withGathered } from '../centroid-queries.js';
import { randint } from '../draws.js';
import type { InitStrategy } from '../init.js';
import { metricStrategy } from '../metric-strategies.js';

/** What choosing a mini-batch fit's starting centres needs. */
export interface MiniBatchInit {
  /** The rows: in memory, or a source whose sample is read row by row (initSize < its rows). */
  X: Matrix | RowSource;
  /** The element type the sample is gathered as: the model's. */
  dtype: DType;
  /**
   * Kernels over all of X, for an init on all rows: the caller's (kept) on partialFit's first
   * batch, or bound for the init and released after it.
   */
  bindWhole(): BoundKernels;
  /** Whether the kernels bindWhole gives are released after the init. */
  releaseWhole?: boolean;
  weights: Float64Array;
  k: number;
  strategy: InitStrategy;
  /** Rows to initialise from: fewer than X's rows draws that many with replacement first. */
  initSize: number;
  rng: Random;
  backend: KernelBackend;
  threads: number;
}

const euclidean = metricStrategy('euclidean');

/**
 * scikit-learn's `_init_centroids` with `init_size`: when initSize < n, the strategy runs on
 * initSize rows drawn uniformly with replacement (and their weights); otherwise on X. Returns
 * k x cols float64 centres.
 */
export function initialMiniBatchCenters(init: MiniBatchInit): Float64Array {
  const { X, weights, rng } = init;
  if (init.initSize >= X.rows) {
    // MiniBatchKMeans reads such a source whole first (an init on every row needs them at hand).
    if (!isMatrix(X)) throw new Error('unreachable: an init on every row of a source');
    const kernels = init.bindWhole();
    try {
      return chooseOn(init, X, kernels, weights);
    } finally {
      if (init.releaseWhole) kernels.release();
    }
  }
  const indices = randint(rng, X.rows, init.initSize);
  const sampleWeights = Float64Array.from(indices, (i) => weights[i]);
  return withGathered(
    X,
    indices,
    init,
    (sample, kernels) => chooseOn(init, sample, kernels, sampleWeights),
    init.dtype,
  );
}

/** The strategy's k centres for `sample`, bound as `kernels`. */
function chooseOn(
  init: MiniBatchInit,
  sample: Matrix,
  kernels: BoundKernels,
  sampleWeights: Float64Array,
): Float64Array {
  const { k, rng, backend, threads } = init;
  const bind = (matrix: Matrix): BoundKernels => backend.bind(matrix, { threads });
  const { cols } = sample;
  return init.strategy.choose({
    X: sample,
    readRows: (indices) => {
      const out = new Float64Array(indices.length * cols);
      indices.forEach((row, j) => {
        out.set(sample.data.subarray(row * cols, (row + 1) * cols), j * cols);
      });
      return out;
    },
    kernels,
    k,
    weights: sampleWeights,
    rng,
    metric: euclidean,
    bind,
  });
}

/**
 * scikit-learn's default init size: 3 x batch size, at least 3k; an explicit one below k is
 * raised to 3k; never more than the rows.
 */
export function resolveInitSize(
  initSize: number | undefined,
  batchSize: number,
  k: number,
  rows: number,
): number {
  let size = initSize ?? 3 * batchSize;
  if (size < k) size = 3 * k;
  return Math.min(size, rows);
}
