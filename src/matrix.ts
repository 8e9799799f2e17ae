import { describeValue, ValidationError } from './errors.js';

/** The typed arrays lloyd computes on. */
export type FloatArray = Float64Array | Float32Array;

/** Element type of a {@link Matrix}. float64 is the default, as scikit-learn keeps float64 input. */
export type DType = 'float64' | 'float32';

/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  data: FloatArray;
  rows: number;
  cols: number;
}

/**
 * What the public API accepts as data: rows of numbers, a {@link Matrix}, or one number per row
 * (a plain array or a 1-D typed array: n values are an n x 1 matrix).
 */
export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

/** `value` when it is a {@link DType}; else a {@link ValidationError} naming `dtype`. */
export function checkDType(value: unknown): DType {
  if (value !== 'float64' && value !== 'float32')
    throw new ValidationError(
      'dtype',
      `must be 'float64' or 'float32'; got ${describeValue(value)}`,
    );
  return value;
}

/** True when `value` has the shape of a {@link Matrix}. */
export function isMatrix(value: unknown): value is Matrix {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<Matrix>;
  return (
    (m.data instanceof Float64Array || m.data instanceof Float32Array) &&
    typeof m.rows === 'number' &&
    typeof m.cols === 'number'
  );
}

/** The element type of a matrix's values. */
export function dtypeOf(m: Matrix): DType {
  return m.data instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * Makes the zeroed matrix a loader fills: `zerosMatrix` by default, or `sharedMatrix`, so
 * that fits use the loaded X where it lies (no copy).
 */
export type MatrixAllocator = (rows: number, cols: number, dtype: DType) => Matrix;

/** The most values one matrix holds: a typed array's longest length. */
export const MAX_MATRIX_VALUES = 2 ** 32 - 1;

/**
 * A zeroed rows x cols matrix of `dtype` from `allocate` (default `zerosMatrix`), checked to
 * be what was asked for, so a loader never fills a matrix of another shape or type.
 */
export function allocateMatrix(
  rows: number,
  cols: number,
  dtype: DType = 'float64',
  allocate: MatrixAllocator = zerosMatrix,
): Matrix {
  checkDType(dtype);
  const values = rows * cols;
  if (values > MAX_MATRIX_VALUES)
    throw new ValidationError(
      'X',
      `${rows} x ${cols} is ${values} values; at most ${MAX_MATRIX_VALUES} fit in one matrix`,
    );
  const matrix: unknown = allocateOrExplain(allocate, rows, cols, dtype);
  const type = dtype === 'float32' ? Float32Array : Float64Array;
  const fits =
    isMatrix(matrix) &&
    matrix.data instanceof type &&
    matrix.rows === rows &&
    matrix.cols === cols &&
    matrix.data.length === rows * cols;
  if (!fits) {
    throw new ValidationError(
      'allocate',
      `must return a zeroed ${rows} x ${cols} ${dtype} Matrix; got ${isMatrix(matrix) ? `${matrix.rows} x ${matrix.cols} ${matrix.data.constructor.name} (${matrix.data.length} values)` : describe(matrix)}`,
    );
  }
  return matrix;
}

/** `allocate(rows, cols, dtype)`, with running out of memory as a clear error, not a bare RangeError. */
function allocateOrExplain(
  allocate: MatrixAllocator,
  rows: number,
  cols: number,
  dtype: DType,
): unknown {
  try {
    return allocate(rows, cols, dtype);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ValidationError(
      'X',
      `${rows} x ${cols} ${dtype} values do not fit in memory (${error.message})`,
    );
  }
}

/** Allocates a zeroed matrix. */
export function zerosMatrix(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  return { data, rows, cols };
}

/** Options for {@link toMatrix}. */
export interface ToMatrixOptions {
  /** Name used in error messages, e.g. `X` or `init`. */
  name?: string;
  /** Element type of the copy. Defaults to float64. */
  dtype?: DType;
  /** Require exactly this many columns. */
  cols?: number;
  /** Require exactly this many rows. */
  rows?: number;
  /** Supplies the (zeroed) matrix to fill, e.g. one in a backend's memory; default: a new one. */
  into?: (rows: number, cols: number) => Matrix;
  /**
   * Offered a Matrix input once its shape is checked: returns it when it may be used as is (read,
   * never written: a shared matrix the backend binds where it lies), or undefined to copy it.
   */
  adopt?: (input: Matrix) => Matrix | undefined;
  /**
   * Whether to check that every value is finite (default true). A caller that turns it off must
   * check itself (then `assertFinite` for the message), as `fit` does with a backend's fast pass.
   */
  checkFinite?: boolean;
}

/**
 * Validates `input` and copies it once into a fresh {@link Matrix} (unless `adopt` takes a Matrix
 * as is): the caller's data is never modified. Rejects empty input, ragged rows and any value that
 * is not a finite number, naming the row and column.
 */
export function toMatrix(input: MatrixLike, options: ToMatrixOptions = {}): Matrix {
  const name = options.name ?? 'X';
  const dtype = options.dtype ?? 'float64';
  const checkShape = (rows: number, cols: number): void => {
    if (rows === 0 || cols === 0) {
      throw new ValidationError(
        name,
        `must have at least one row and one column; got ${rows} x ${cols}`,
      );
    }
    if (options.rows !== undefined && rows !== options.rows) {
      throw new ValidationError(name, `must have ${options.rows} rows; got ${rows}`);
    }
    if (options.cols !== undefined && cols !== options.cols) {
      throw new ValidationError(name, `must have ${options.cols} columns; got ${cols}`);
    }
  };
  const create = (rows: number, cols: number): Matrix =>
    options.into ? options.into(rows, cols) : zerosMatrix(rows, cols, dtype);
  let result: Matrix;
  if (isMatrix(input)) {
    const { rows, cols } = input;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ValidationError(
        name,
        `rows and cols must be non-negative integers; got ${rows} x ${cols}`,
      );
    }
    if (input.data.length !== rows * cols) {
      throw new ValidationError(
        name,
        `data has ${input.data.length} values but rows x cols = ${rows} x ${cols} = ${rows * cols}`,
      );
    }
    checkShape(rows, cols);
    const adopted = options.adopt?.(input);
    if (adopted) {
      result = adopted;
    } else {
      result = create(rows, cols);
      result.data.set(input.data);
    }
  } else {
    if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
      throw new ValidationError(
        name,
        'must be an array of rows (number[][]) or a Matrix {data, rows, cols}',
      );
    }
    const rows = input.length;
    const first: unknown = rows > 0 ? input[0] : undefined;
    if (typeof first === 'number' || isOneDimensionalTypedArray(input)) {
      checkShape(rows, rows > 0 ? 1 : 0);
      result = create(rows, 1);
      copyColumn(input as ArrayLike<unknown>, result.data, name);
      if (options.checkFinite !== false) assertFinite(result, name);
      return result;
    }
    const table = input as ArrayLike<ArrayLike<number>>;
    const firstRow = first as Partial<ArrayLike<number>> | null | undefined;
    if (
      rows > 0 &&
      (firstRow === null || typeof firstRow !== 'object' || typeof firstRow.length !== 'number')
    ) {
      throw new ValidationError(name, 'row 0 is not an array of numbers');
    }
    const cols = rows > 0 ? table[0].length : 0;
    checkShape(rows, cols);
    result = create(rows, cols);
    const data = result.data;
    for (let i = 0; i < rows; i++) {
      const row = table[i];
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new ValidationError(name, `row ${i} is not an array of numbers`);
      }
      if (row.length !== cols) {
        throw new ValidationError(
          name,
          `rows must all have the same length: row 0 has ${cols} values, row ${i} has ${row.length}`,
        );
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') {
          throw new ValidationError(
            name,
            `row ${i}, column ${j} is ${describe(v)}; every value must be a finite number`,
          );
        }
        data[i * cols + j] = v;
      }
    }
  }
  if (options.checkFinite !== false) assertFinite(result, name);
  return result;
}

/** Whether `input` is a typed array of numbers (a DataView or BigInt64Array is not). */
function isOneDimensionalTypedArray(input: unknown): boolean {
  return (
    ArrayBuffer.isView(input) &&
    !(input instanceof DataView) &&
    !(input instanceof BigInt64Array) &&
    !(input instanceof BigUint64Array)
  );
}

/** Copies one number per row into the n x 1 `data`, naming the first row that is not a number. */
function copyColumn(values: ArrayLike<unknown>, data: FloatArray, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      throw new ValidationError(
        name,
        `row ${i} is ${describe(v)}; a 1-D X holds one finite number per row (or pass rows of numbers)`,
      );
    }
    data[i] = v;
  }
}

/** A bad value for a message: never its whole text (a nested array could be deep or huge). */
function describe(v: unknown): string {
  return describeValue(v);
}

/** Throws naming the first non-finite value; checked after conversion so float32 overflow is caught too. */
export function assertFinite(m: Matrix, name: string): void {
  const { data, cols } = m;
  // v * 0 is 0 for every finite v and NaN otherwise, so one cheap pass finds whether to look closer.
  let probe = 0;
  for (let i = 0; i < data.length; i++) probe += data[i] * 0;
  if (probe === 0) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / cols);
      const col = i - row * cols;
      throw new ValidationError(
        name,
        `row ${row}, column ${col} is ${v}; every value must be a finite number`,
      );
    }
  }
}

/** Copies a matrix into plain rows. */
export function matrixToRows(m: Matrix): number[][] {
  const out: number[][] = new Array(m.rows);
  for (let i = 0; i < m.rows; i++)
    out[i] = Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  return out;
}

/** Copies flat row-major values into plain rows. */
export function flatToRows(data: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) row[j] = data[i * cols + j];
    out[i] = row;
  }
  return out;
}
