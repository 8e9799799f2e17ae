import { ValidationError } from '../../errors.js';
import type { DType } from '../../matrix.js';
import type { MiniBatchState } from './state.js';

/** The JSON form of a fitted MiniBatchKMeans, as written by its `toJSON`. */
export interface MiniBatchKMeansJSON {
  format: 'lloyd.minibatch-kmeans';
  version: 1;
  dtype: DType;
  nClusters: number;
  nFeatures: number;
  centroids: number[][];
  /** Accumulated weight of each centre, so partialFit can continue a loaded model. */
  counts: number[];
  labels: number[] | null;
  inertia: number | null;
  nIter: number;
  nSteps: number;
  batchSize: number;
  rowsSinceReassign: number;
}

/** The JSON form of a state. */
export function miniBatchToJSON(state: MiniBatchState): MiniBatchKMeansJSON {
  if (!state.centers.every(Number.isFinite))
    throw new ValidationError('centroids', 'must be finite numbers; got NaN or Infinity');
  const centroids: number[][] = [];
  for (let j = 0; j < state.k; j++)
    centroids.push(Array.from(state.centers.subarray(j * state.cols, (j + 1) * state.cols)));
  return {
    format: 'lloyd.minibatch-kmeans',
    version: 1,
    dtype: state.dtype,
    nClusters: state.k,
    nFeatures: state.cols,
    centroids,
    counts: Array.from(state.counts),
    labels: state.labels ? Array.from(state.labels) : null,
    inertia: state.inertia ?? null,
    nIter: state.nIter,
    nSteps: state.nSteps,
    batchSize: state.batchSize,
    rowsSinceReassign: state.rowsSinceReassign,
  };
}

function fail(message: string): never {
  throw new ValidationError('json', `not a lloyd MiniBatchKMeans model: ${message}`);
}

function isCount(v: unknown, least = 1): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= least;
}

/** Checks a parsed model (or its JSON text) field by field and rebuilds the state. */
export function miniBatchFromJSON(input: unknown): MiniBatchState {
  let json = input;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (error) {
      fail(`the text is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof json !== 'object' || json === null) fail('expected an object');
  const m = json as Record<string, unknown>;
  if (m.format !== 'lloyd.minibatch-kmeans')
    fail(`format must be "lloyd.minibatch-kmeans"; got ${JSON.stringify(m.format)}`);
  if (m.version !== 1) fail(`version must be 1; got ${JSON.stringify(m.version)}`);
  if (m.dtype !== 'float64' && m.dtype !== 'float32') fail('dtype must be "float64" or "float32"');
  if (!isCount(m.nClusters)) fail('nClusters must be a positive integer');
  if (!isCount(m.nFeatures)) fail('nFeatures must be a positive integer');
  const k = m.nClusters;
  const cols = m.nFeatures;
  if (!Array.isArray(m.centroids) || m.centroids.length !== k) fail(`centroids must be ${k} rows`);
  const centers = new Float64Array(k * cols);
  m.centroids.forEach((row: unknown, j: number) => {
    if (!Array.isArray(row) || row.length !== cols) fail(`centroid ${j} must have ${cols} values`);
    row.forEach((v: unknown, t: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`centroid ${j}, value ${t} is not a finite number`);
      centers[j * cols + t] = v;
    });
  });
  if (!Array.isArray(m.counts) || m.counts.length !== k) fail(`counts must be ${k} numbers`);
  const counts = Float64Array.from(m.counts as unknown[], (v, j) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      fail(`count ${j} is not a finite number >= 0`);
    return v;
  });
  let labels: Int32Array | undefined;
  if (m.labels !== null) {
    if (!Array.isArray(m.labels)) fail('labels must be an array or null');
    labels = Int32Array.from(m.labels as unknown[], (v, i) => {
      if (!isCount(v, 0) || v >= k) fail(`label ${i} is not in [0, ${k})`);
      return v;
    });
  }
  if (
    m.inertia !== null &&
    (typeof m.inertia !== 'number' || !Number.isFinite(m.inertia) || m.inertia < 0)
  )
    fail('inertia must be a finite number >= 0 or null');
  if (!isCount(m.nIter, 0)) fail('nIter must be an integer >= 0');
  if (!isCount(m.nSteps, 0)) fail('nSteps must be an integer >= 0');
  if (!isCount(m.batchSize)) fail('batchSize must be a positive integer');
  if (!isCount(m.rowsSinceReassign, 0)) fail('rowsSinceReassign must be an integer >= 0');
  return {
    k,
    cols,
    dtype: m.dtype,
    centers,
    counts,
    labels,
    inertia: m.inertia === null ? undefined : (m.inertia as number),
    nIter: m.nIter,
    nSteps: m.nSteps,
    batchSize: m.batchSize,
    rowsSinceReassign: m.rowsSinceReassign,
  };
}
