import { type DType, dtypeOf, type FloatArray, type Matrix, zerosMatrix } from './matrix.js';

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

/**
 * Every row of `source` in memory as `dtype`, converted as a typed array's `set` converts (so as
 * `toMatrix` converts rows held in memory).
 */
export function readRows(source: RowSource, dtype: DType): Matrix {
  const { rows, cols } = source;
  const whole = zerosMatrix(rows, cols, dtype);
  if (source.dtype === dtype) source.read(0, rows, whole.data);
  else {
    const read = zerosMatrix(rows, cols, source.dtype);
    source.read(0, rows, read.data);
    whole.data.set(read.data);
  }
  return whole;
}

/** The rows of an in-memory matrix as a source (each read copies them). */
export function matrixRows(X: Matrix, name = 'X'): RowSource {
  return {
    rows: X.rows,
    cols: X.cols,
    dtype: dtypeOf(X),
    name,
    read(start, count, into) {
      into.set(X.data.subarray(start * X.cols, (start + count) * X.cols));
    },
  };
}
