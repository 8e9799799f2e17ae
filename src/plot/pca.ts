import type { Matrix } from '../matrix.js';
import { Random } from '../random.js';

/**
 * The first two principal components of X: each row's coordinates along them (`scores`, n x 2)
 * and the variance along each, by subspace iteration on the centred data without forming the
 * covariance: each step costs two passes over X.
 */
export function pca2(
  X: Matrix,
  iterations = 40,
): { scores: Float64Array; variances: [number, number] } {
  const { data, rows, cols } = X;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let t = 0; t < cols; t++) mean[t] += data[i * cols + t];
  for (let t = 0; t < cols; t++) mean[t] /= rows;
  const rng = new Random(0);
  let basis = [
    Float64Array.from({ length: cols }, () => rng.nextFloat() - 0.5),
    Float64Array.from({ length: cols }, () => rng.nextFloat() - 0.5),
  ];
  const project = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let t = 0; t < cols; t++) s += (data[i * cols + t] - mean[t]) * v[t];
      out[i] = s;
    }
  };
  const scores = [new Float64Array(rows), new Float64Array(rows)];
  const norms: [number, number] = [0, 0];
  for (let it = 0; it < iterations; it++) {
    const next = basis.map((v, c) => {
      project(v, scores[c]);
      const w = new Float64Array(cols);
      for (let i = 0; i < rows; i++) {
        const s = scores[c][i];
        for (let t = 0; t < cols; t++) w[t] += (data[i * cols + t] - mean[t]) * s;
      }
      return w;
    });
    // Gram-Schmidt keeps the two directions orthonormal.
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, t) => s + v * b[t], 0);
    norms[0] = Math.sqrt(dot(next[0], next[0]));
    for (let t = 0; t < cols; t++) next[0][t] /= norms[0] || 1;
    const along = dot(next[1], next[0]);
    for (let t = 0; t < cols; t++) next[1][t] -= along * next[0][t];
    norms[1] = Math.sqrt(dot(next[1], next[1]));
    for (let t = 0; t < cols; t++) next[1][t] /= norms[1] || 1;
    basis = next;
  }
  const out = new Float64Array(rows * 2);
  for (let c = 0; c < 2; c++) {
    project(basis[c], scores[c]);
    for (let i = 0; i < rows; i++) out[i * 2 + c] = scores[c][i];
  }
  // At convergence each norm is an eigenvalue of the scatter matrix: n times the variance along it.
  return { scores: out, variances: [norms[0] / rows, norms[1] / rows] };
}
