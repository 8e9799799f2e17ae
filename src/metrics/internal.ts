import { ValidationError } from '../errors.js';
import { type Matrix, type MatrixLike, toMatrix } from '../matrix.js';
import { checkSeed, Random } from '../random.js';
import { encodeLabels, type Label } from './labels.js';

/** Distances the silhouette can use. */
export type SilhouetteMetric = 'euclidean' | 'manhattan' | 'cosine';

/** Options of {@link silhouetteScore} and {@link silhouetteSamples}. */
export interface SilhouetteOptions {
  /** Distance between samples. Default 'euclidean'. */
  metric?: SilhouetteMetric;
  /** Score a random subset of this many samples (faster on large data). */
  sampleSize?: number;
  /** Seed for choosing the subset, in [0, 2^32 - 1]: scikit-learn's rows (numpy's `permutation`). */
  randomState?: number;
}

interface LabelledData {
  X: Matrix;
  codes: Int32Array;
  nLabels: number;
}

function labelledData(X: MatrixLike, labels: ArrayLike<Label>): LabelledData {
  const data = toMatrix(X, { name: 'X' });
  const { codes, values } = encodeLabels(labels, 'labels');
  if (codes.length !== data.rows) {
    throw new ValidationError(
      'labels',
      `must have one label per row of X (${data.rows}); got ${codes.length}`,
    );
  }
  if (values.length < 2 || values.length > data.rows - 1) {
    throw new ValidationError(
      'labels',
      `has ${values.length} distinct labels; valid values are 2 to n_samples - 1 (${data.rows - 1}) inclusive`,
    );
  }
  return { X: data, codes, nLabels: values.length };
}

function distanceFunction(metric: SilhouetteMetric, X: Matrix): (i: number, j: number) => number {
  const { data, cols } = X;
  if (metric === 'euclidean') {
    return (i, j) => {
      let s = 0;
      for (let t = 0; t < cols; t++) {
        const diff = data[i * cols + t] - data[j * cols + t];
        s += diff * diff;
      }
      return Math.sqrt(s);
    };
  }
  if (metric === 'manhattan') {
    return (i, j) => {
      let s = 0;
      for (let t = 0; t < cols; t++) s += Math.abs(data[i * cols + t] - data[j * cols + t]);
      return s;
    };
  }
  if (metric === 'cosine') {
    const norms = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let t = 0; t < cols; t++) s += data[i * cols + t] ** 2;
      norms[i] = Math.sqrt(s);
    }
    return (i, j) => {
      let s = 0;
      for (let t = 0; t < cols; t++) s += data[i * cols + t] * data[j * cols + t];
      const denominator = norms[i] * norms[j];
      return denominator === 0 ? 1 : Math.max(0, Math.min(2, 1 - s / denominator));
    };
  }
  throw new ValidationError(
    'metric',
    `must be 'euclidean', 'manhattan' or 'cosine'; got ${JSON.stringify(metric)}`,
  );
}

/**
 * Silhouette coefficient of each sample: (b - a) / max(a, b), with a the mean distance to its own
 * cluster and b the mean distance to the nearest other cluster; 0 for a sample alone in its cluster.
 * Memory stays O(n) + O(rows per block x clusters): distances are summed per cluster, never stored.
 */
export function silhouetteSamples(
  X: MatrixLike,
  labels: ArrayLike<Label>,
  options: SilhouetteOptions = {},
): Float64Array {
  const { X: data, codes, nLabels } = labelledData(X, labels);
  return silhouetteOf(data, codes, nLabels, options.metric ?? 'euclidean');
}

function silhouetteOf(
  data: Matrix,
  codes: Int32Array,
  nLabels: number,
  metric: SilhouetteMetric,
): Float64Array {
  const n = data.rows;
  const distance = distanceFunction(metric, data);
  const sizes = new Float64Array(nLabels);
  for (const c of codes) sizes[c]++;
  const out = new Float64Array(n);
  const sums = new Float64Array(nLabels);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[codes[j]] += distance(i, j);
    const own = codes[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < nLabels; c++)
      if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    const denominator = Math.max(a, b);
    out[i] = denominator === 0 ? 0 : (b - a) / denominator;
  }
  return out;
}

/** Mean silhouette coefficient over all samples (or a seeded random subset of `sampleSize`). */
export function silhouetteScore(
  X: MatrixLike,
  labels: ArrayLike<Label>,
  options: SilhouetteOptions = {},
): number {
  let { X: data, codes } = labelledData(X, labels);
  if (options.sampleSize !== undefined) {
    const size = options.sampleSize;
    if (!Number.isInteger(size) || size < 2 || size > data.rows) {
      throw new ValidationError(
        'sampleSize',
        `must be an integer in [2, ${data.rows}]; got ${size}`,
      );
    }
    // scikit-learn's rows: the first sampleSize of numpy's permutation(n).
    const rng = Random.fromSeed(
      options.randomState === undefined ? undefined : checkSeed('randomState', options.randomState),
    );
    const order = rng.permutation(data.rows);
    const picked = order.subarray(0, size);
    const sub = new Float64Array(size * data.cols);
    picked.forEach((row, i) => {
      sub.set(data.data.subarray(row * data.cols, (row + 1) * data.cols), i * data.cols);
    });
    const subLabels = Array.from(picked, (row) => codes[row]);
    const encoded = encodeLabels(subLabels, 'labels');
    data = { data: sub, rows: size, cols: data.cols };
    codes = encoded.codes;
    if (encoded.values.length < 2 || encoded.values.length > size - 1) {
      throw new ValidationError(
        'sampleSize',
        `the subset holds ${encoded.values.length} labels; it needs 2 to ${size - 1}`,
      );
    }
  }
  const nLabels = Math.max(...codes) + 1;
  const samples = silhouetteOf(data, codes, nLabels, options.metric ?? 'euclidean');
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

function clusterMeans(
  data: Matrix,
  codes: Int32Array,
  nLabels: number,
): { means: Float64Array; sizes: Float64Array } {
  const { cols } = data;
  const means = new Float64Array(nLabels * cols);
  const sizes = new Float64Array(nLabels);
  for (let i = 0; i < data.rows; i++) {
    sizes[codes[i]]++;
    for (let t = 0; t < cols; t++) means[codes[i] * cols + t] += data.data[i * cols + t];
  }
  for (let c = 0; c < nLabels; c++) for (let t = 0; t < cols; t++) means[c * cols + t] /= sizes[c];
  return { means, sizes };
}

/**
 * Davies-Bouldin index: the mean over clusters of the worst ratio of summed within-cluster
 * scatter to centroid separation. Lower is better; 0 is the minimum.
 */
export function daviesBouldinScore(X: MatrixLike, labels: ArrayLike<Label>): number {
  const { X: data, codes, nLabels } = labelledData(X, labels);
  const { cols } = data;
  const { means, sizes } = clusterMeans(data, codes, nLabels);
  const scatter = new Float64Array(nLabels);
  for (let i = 0; i < data.rows; i++) {
    let s = 0;
    for (let t = 0; t < cols; t++) s += (data.data[i * cols + t] - means[codes[i] * cols + t]) ** 2;
    scatter[codes[i]] += Math.sqrt(s);
  }
  for (let c = 0; c < nLabels; c++) scatter[c] /= sizes[c];
  const separation = (a: number, b: number): number => {
    let s = 0;
    for (let t = 0; t < cols; t++) s += (means[a * cols + t] - means[b * cols + t]) ** 2;
    return Math.sqrt(s);
  };
  const allNearZero = (values: number[]) => values.every((v) => Math.abs(v) <= 1e-8);
  const separations: number[] = [];
  for (let a = 0; a < nLabels; a++)
    for (let b = 0; b < nLabels; b++) separations.push(separation(a, b));
  if (allNearZero(Array.from(scatter)) || allNearZero(separations)) return 0;
  let total = 0;
  for (let a = 0; a < nLabels; a++) {
    let worst = 0;
    for (let b = 0; b < nLabels; b++) {
      const sep = separations[a * nLabels + b];
      const ratio = (scatter[a] + scatter[b]) / (sep === 0 ? Number.POSITIVE_INFINITY : sep);
      worst = Math.max(worst, ratio);
    }
    total += worst;
  }
  return total / nLabels;
}

/**
 * Calinski-Harabasz index (variance ratio criterion): between-cluster dispersion over
 * within-cluster dispersion, each divided by its degrees of freedom. Higher is better.
 */
export function calinskiHarabaszScore(X: MatrixLike, labels: ArrayLike<Label>): number {
  const { X: data, codes, nLabels } = labelledData(X, labels);
  const { cols, rows } = data;
  const { means, sizes } = clusterMeans(data, codes, nLabels);
  const overall = clusterMeans(data, new Int32Array(rows), 1).means;
  let between = 0;
  for (let c = 0; c < nLabels; c++) {
    let s = 0;
    for (let t = 0; t < cols; t++) s += (means[c * cols + t] - overall[t]) ** 2;
    between += sizes[c] * s;
  }
  let within = 0;
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < cols; t++)
      within += (data.data[i * cols + t] - means[codes[i] * cols + t]) ** 2;
  }
  return within === 0 ? 1 : (between * (rows - nLabels)) / (within * (nLabels - 1));
}
