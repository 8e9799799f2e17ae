import { allocateMatrix, type Matrix, type MatrixAllocator } from '../matrix.js';
import type { LoadedData } from './table.js';

/**
 * The columns of X that look like row ids rather than features: whole numbers, strictly
 * increasing or strictly decreasing down the rows (so unique per row), over three rows or more.
 * Such a column dominates every distance and says nothing about the rows' likeness.
 */
export function idLikeColumns(X: Matrix): number[] {
  const { data, rows, cols } = X;
  if (rows < 3) return [];
  const found: number[] = [];
  for (let j = 0; j < cols; j++) {
    const direction = Math.sign(data[cols + j] - data[j]);
    let monotonic = direction !== 0 && Number.isInteger(data[j]);
    for (let i = 1; monotonic && i < rows; i++) {
      const v = data[i * cols + j];
      monotonic = Number.isInteger(v) && Math.sign(v - data[(i - 1) * cols + j]) === direction;
    }
    if (monotonic) found.push(j);
  }
  return found;
}

/** The data without the feature columns `drop` (0-based in X), X copied once into a new matrix. */
export function dropColumns(
  data: LoadedData,
  drop: readonly number[],
  allocate?: MatrixAllocator,
): LoadedData {
  const { X } = data;
  const keep = Array.from({ length: X.cols }, (_, j) => j).filter((j) => !drop.includes(j));
  const dtype = X.data instanceof Float32Array ? 'float32' : 'float64';
  const out = allocateMatrix(X.rows, keep.length, dtype, allocate);
  for (let i = 0; i < X.rows; i++)
    for (let t = 0; t < keep.length; t++)
      out.data[i * keep.length + t] = X.data[i * X.cols + keep[t]];
  return { ...data, X: out, columnNames: keep.map((j) => data.columnNames[j]) };
}
