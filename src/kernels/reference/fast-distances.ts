import type { Matrix } from '../../matrix.js';
import { rowCenterDistance } from './distances.js';

/**
 * Squared norms whose float32 products cannot overflow: past this (values beyond 2^40), the fast
 * form falls back to exact distances. The WebAssembly kernels use the same limit.
 */
export const FAST_FORM_LIMIT = 2 ** 80;

/**
 * Squared euclidean distances by the fast form ||x||² + (||c||² − 2 x·c), with x·c in float32
 * products summed as the WebAssembly SIMD kernels sum them (four float32 lanes over t mod 4, the
 * lanes added in float32 as (l0 + l2) + (l1 + l3), then the tail in float64), so every backend gets the same bits. Rows or
 * centres too large for float32 products get exact distances instead. Used where distances only
 * weigh a random draw (k-means++), as scikit-learn uses its fast euclidean distances there.
 */
export function fastSquaredDistances(
  X: Matrix['data'],
  rows: number,
  d: number,
  centers: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const c32 = Float32Array.from(centers.subarray(0, k * d));
  const cn = new Float64Array(k);
  const cnMax = centreSquaredNorms(centers, k, d, cn);
  const row = new Float32Array(d);
  const d4 = d & ~3;
  for (let i = 0; i < rows; i++) {
    const xn = rowSquaredNorm(X, i, d);
    if (xn > FAST_FORM_LIMIT || cnMax > FAST_FORM_LIMIT) {
      for (let j = 0; j < k; j++)
        out[i * k + j] = rowCenterDistance('sqeuclidean', X, i, centers, j, d);
      continue;
    }
    for (let t = 0; t < d; t++) row[t] = X[i * d + t];
    for (let j = 0; j < k; j++) {
      const c = j * d;
      let l0 = 0;
      let l1 = 0;
      let l2 = 0;
      let l3 = 0;
      for (let t = 0; t < d4; t += 4) {
        l0 = Math.fround(l0 + Math.fround(row[t] * c32[c + t]));
        l1 = Math.fround(l1 + Math.fround(row[t + 1] * c32[c + t + 1]));
        l2 = Math.fround(l2 + Math.fround(row[t + 2] * c32[c + t + 2]));
        l3 = Math.fround(l3 + Math.fround(row[t + 3] * c32[c + t + 3]));
      }
      let s = Math.fround(Math.fround(l0 + l2) + Math.fround(l1 + l3));
      for (let t = d4; t < d; t++) s += row[t] * c32[c + t];
      out[i * k + j] = Math.max(0, xn + (cn[j] - 2 * s));
    }
  }
}

/** A row's squared norm as the WebAssembly kernels sum it: even and odd positions apart, then the tail. */
export function rowSquaredNorm(X: Matrix['data'], i: number, d: number): number {
  let even = 0;
  let odd = 0;
  let t = 0;
  for (; t + 2 <= d; t += 2) {
    even += X[i * d + t] * X[i * d + t];
    odd += X[i * d + t + 1] * X[i * d + t + 1];
  }
  let s = even + odd;
  for (; t < d; t++) s += X[i * d + t] * X[i * d + t];
  return s;
}

/**
 * The squared norm of each centre into `out`, summed in order (the scores' ||c||², the same in
 * every backend); returns the largest.
 */
export function centreSquaredNorms(
  centers: Float64Array,
  k: number,
  d: number,
  out: Float64Array,
): number {
  let largest = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += centers[j * d + t] * centers[j * d + t];
    out[j] = s;
    largest = Math.max(largest, s);
  }
  return largest;
}
