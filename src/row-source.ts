import type { DType, FloatArray, Matrix } from './matrix.js';

/**
 * Rows read on demand instead of held in one array: a file streamed pass by pass, or a matrix
 * read a window at a time. Every read of the same rows gives the same values (a source whose
 * rows change between passes is an error where it can be told: its row count or width).
 */
export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  /** The element type rows are read as. */
  readonly dtype: DType;
  /** What errors name: a file's path, or the parameter ('X'). */
  readonly name: string;
  /** Writes rows [start, start + count) into `into` (count x cols values, row-major). */
  read(start: number, count: number, into: FloatArray): void;
}

/** True when `value` has the shape of a {@link RowSource}. */
export function isRowSource(value: unknown): value is RowSource {
  if (typeof value !== 'object' || value === null) return false;
  const source = value as Partial<RowSource>;
  return (
    typeof source.read === 'function' &&
    typeof source.rows === 'number' &&
    typeof source.cols === 'number' &&
    (source.dtype === 'float32' || source.dtype === 'float64')
  );
}

/** The rows of an in-memory matrix as a source (each read copies them). */
export function matrixRows(X: Matrix, name = 'X'): RowSource {
  return {
    rows: X.rows,
    cols: X.cols,
    dtype: X.data instanceof Float32Array ? 'float32' : 'float64',
    name,
    read(start, count, into) {
      into.set(X.data.subarray(start * X.cols, (start + count) * X.cols));
    },
  };
}
