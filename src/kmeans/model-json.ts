import { describeValue, ValidationError } from '../errors.js';
import type { DType } from '../matrix.js';
import type { FittedState } from './fitted-state.js';
import { METRIC_NAMES, type MetricName } from './metric-strategies.js';

/** The JSON form of a fitted model, as written by `KMeans#toJSON`. */
export interface KMeansJSON {
  format: 'lloyd.kmeans';
  version: 1;
  metric: MetricName;
  dtype: DType;
  nClusters: number;
  nFeatures: number;
  centroids: number[][];
  labels: number[];
  inertia: number;
  nIter: number;
  converged: boolean;
  warnings: string[];
}

/** The JSON form of a fitted state. */
export function stateToJSON(state: FittedState): KMeansJSON {
  // Never write what stateFromJSON rejects (JSON turns NaN and Infinity into null).
  if (!Number.isFinite(state.inertia) || state.inertia < 0)
    throw new ValidationError(
      'inertia',
      `must be a finite number >= 0; got ${describeValue(state.inertia)}`,
    );
  if (!state.centers.every(Number.isFinite))
    throw new ValidationError('centroids', 'must be finite numbers; got NaN or Infinity');
  const centroids: number[][] = [];
  for (let j = 0; j < state.k; j++)
    centroids.push(Array.from(state.centers.subarray(j * state.cols, (j + 1) * state.cols)));
  return {
    format: 'lloyd.kmeans',
    version: 1,
    metric: state.metric,
    dtype: state.dtype,
    nClusters: state.k,
    nFeatures: state.cols,
    centroids,
    labels: Array.from(state.labels),
    inertia: state.inertia,
    nIter: state.nIter,
    converged: state.converged,
    warnings: [...state.warnings],
  };
}

function fail(message: string): never {
  throw new ValidationError('json', `not a lloyd KMeans model: ${message}`);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

/** Checks a parsed model (or its JSON text) field by field and rebuilds the fitted state. */
export function stateFromJSON(input: unknown): FittedState {
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
  if (m.format !== 'lloyd.kmeans')
    fail(`format must be "lloyd.kmeans"; got ${JSON.stringify(m.format)}`);
  if (m.version !== 1) fail(`version must be 1; got ${JSON.stringify(m.version)}`);
  if (!METRIC_NAMES.includes(m.metric as MetricName))
    fail(`metric must be one of ${METRIC_NAMES.join(', ')}`);
  if (m.dtype !== 'float64' && m.dtype !== 'float32') fail('dtype must be "float64" or "float32"');
  if (!isCount(m.nClusters)) fail('nClusters must be a positive integer');
  if (!isCount(m.nFeatures)) fail('nFeatures must be a positive integer');
  const k = m.nClusters;
  const cols = m.nFeatures;
  if (!Array.isArray(m.centroids) || m.centroids.length !== k) fail(`centroids must be ${k} rows`);
  // Every row's length is checked before k x nFeatures values are allocated.
  m.centroids.forEach((row: unknown, j: number) => {
    if (!Array.isArray(row) || row.length !== cols) fail(`centroid ${j} must have ${cols} values`);
  });
  const centers = new Float64Array(k * cols);
  m.centroids.forEach((row: unknown, j: number) => {
    if (!Array.isArray(row) || row.length !== cols) fail(`centroid ${j} must have ${cols} values`);
    row.forEach((v: unknown, t: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`centroid ${j}, value ${t} is not a finite number`);
      centers[j * cols + t] = v;
    });
  });
  if (!Array.isArray(m.labels)) fail('labels must be an array');
  const labels = Int32Array.from(m.labels as unknown[], (v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= k)
      fail(`label ${i} is not in [0, ${k})`);
    return v;
  });
  if (typeof m.inertia !== 'number' || !Number.isFinite(m.inertia) || m.inertia < 0)
    fail('inertia must be a finite number >= 0');
  if (typeof m.nIter !== 'number' || !Number.isInteger(m.nIter) || m.nIter < 0)
    fail('nIter must be an integer >= 0');
  if (typeof m.converged !== 'boolean') fail('converged must be true or false');
  const warnings = m.warnings ?? [];
  if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === 'string'))
    fail('warnings must be strings');
  return {
    metric: m.metric as MetricName,
    dtype: m.dtype,
    k,
    cols,
    centers,
    labels,
    inertia: m.inertia,
    nIter: m.nIter,
    converged: m.converged,
    warnings: [...warnings],
  };
}
