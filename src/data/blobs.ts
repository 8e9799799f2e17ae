import { describeValue, positiveInteger, ValidationError } from '../errors.js';
import { allocateMatrix, type DType, type Matrix, type MatrixAllocator } from '../matrix.js';
import { checkSeed, Random } from '../random.js';

/** Options of {@link makeBlobs}. */
export interface BlobsOptions {
  /** Rows. Default 1000. */
  nSamples?: number;
  /** Columns. Default 2. */
  nFeatures?: number;
  /** Number of blobs. Default 3. */
  centers?: number;
  /** Standard deviation of each blob. Default 1. */
  clusterStd?: number;
  /** Blob centres are drawn uniformly in [-box, box] per feature. Default 10. */
  centerBox?: number;
  /** Seed, in [0, 2^32 - 1]. Default 0, so a bare call is reproducible. */
  randomState?: number;
  /** Element type of X (float32 holds the float64 draws rounded). Default float64. */
  dtype?: DType;
  /** Makes X (default: a new matrix); `sharedMatrix` lets fits use it where it lies. */
  allocate?: MatrixAllocator;
}

/** Synthetic data and the blob each row came from. */
export interface Blobs {
  X: Matrix;
  y: Int32Array;
  centers: Matrix;
}

/**
 * Isotropic Gaussian blobs, seeded: scikit-learn's `make_blobs(n_samples, n_features, centers,
 * cluster_std, center_box=(-box, box), random_state)`, drawing from numpy's stream as it does
 * (centres uniform, then each blob's rows in turn, n / centers each and one more for the first
 * n % centers, then the rows shuffled). Normal draws take a logarithm, so values agree with
 * scikit-learn's to about 1e-15 rather than bit for bit.
 */
export function makeBlobs(options: BlobsOptions = {}): Blobs {
  const {
    nSamples = 1000,
    nFeatures = 2,
    centers: nCenters = 3,
    clusterStd = 1,
    centerBox = 10,
    randomState = 0,
  } = options;
  for (const [name, value] of Object.entries({ nSamples, nFeatures, centers: nCenters }))
    positiveInteger(name, value);
  for (const [name, value] of Object.entries({ clusterStd, centerBox })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ValidationError(name, `must be a finite number >= 0; got ${describeValue(value)}`);
    }
  }
  const rng = new Random(checkSeed('randomState', randomState));
  const centers = new Float64Array(nCenters * nFeatures);
  for (let i = 0; i < centers.length; i++) centers[i] = rng.uniform(-centerBox, centerBox);
  // Blob i holds rows [starts[i], starts[i + 1]): n / centers each, one more for the first n % centers.
  const starts = new Int32Array(nCenters + 1);
  for (let c = 0; c < nCenters; c++)
    starts[c + 1] = starts[c] + Math.floor(nSamples / nCenters) + (c < nSamples % nCenters ? 1 : 0);
  const X = allocateMatrix(nSamples, nFeatures, options.dtype, options.allocate);
  const { data } = X;
  for (let c = 0; c < nCenters; c++) {
    for (let i = starts[c]; i < starts[c + 1]; i++)
      for (let t = 0; t < nFeatures; t++)
        data[i * nFeatures + t] = rng.normal(centers[c * nFeatures + t], clusterStd);
  }
  // Row i of the result is drawn row order[i]: gathered in place, cycle by cycle, so X is
  // never held twice.
  const order = rng.permutation(nSamples);
  const y = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) y[i] = upperBound(starts, order[i]) - 1;
  gatherRows(data, nFeatures, order);
  return {
    X,
    y,
    centers: { data: centers, rows: nCenters, cols: nFeatures },
  };
}

/** Reorders the rows of `data` (cols wide) in place so that row i becomes the old row order[i]. */
function gatherRows(data: Matrix['data'], cols: number, order: Int32Array): void {
  const done = new Uint8Array(order.length);
  const held = new Float64Array(cols);
  for (let start = 0; start < order.length; start++) {
    if (done[start]) continue;
    held.set(data.subarray(start * cols, (start + 1) * cols));
    let to = start;
    for (;;) {
      done[to] = 1;
      const from = order[to];
      if (from === start) {
        data.set(held, to * cols);
        break;
      }
      data.copyWithin(to * cols, from * cols, (from + 1) * cols);
      to = from;
    }
  }
}

/** Index of the first entry of the ascending `values` greater than `x`. */
function upperBound(values: Int32Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
