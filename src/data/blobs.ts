import { describeValue, positiveInteger, ValidationError } from '../errors.js';
import { allocateMatrix, type DType, type Matrix, type MatrixAllocator } from '../matrix.js';
import { Random } from '../random.js';

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
  /** Seed. Default 0, so a bare call is reproducible. */
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

/** Isotropic Gaussian blobs, seeded: rows are dealt to blobs in turn, as evenly as possible. */
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
  const rng = new Random(randomState);
  const centers = new Float64Array(nCenters * nFeatures);
  for (let i = 0; i < centers.length; i++) centers[i] = (rng.nextFloat() * 2 - 1) * centerBox;
  const X = allocateMatrix(nSamples, nFeatures, options.dtype, options.allocate);
  const { data } = X;
  const y = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const c = i % nCenters;
    y[i] = c;
    for (let t = 0; t < nFeatures; t++)
      data[i * nFeatures + t] = centers[c * nFeatures + t] + clusterStd * gaussian(rng);
  }
  return {
    X,
    y,
    centers: { data: centers, rows: nCenters, cols: nFeatures },
  };
}

/** A standard normal draw (Box-Muller). */
function gaussian(rng: Random): number {
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
