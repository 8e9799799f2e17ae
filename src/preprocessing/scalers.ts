import { describeValue, NotFittedError, ValidationError } from '../errors.js';
import {
  allocateMatrix,
  type DType,
  type Matrix,
  type MatrixAllocator,
  type MatrixLike,
  toMatrix,
} from '../matrix.js';

/** The scalings: `standardize` (zero mean, unit variance) and `minmax` (each column to [0, 1]). */
export const SCALINGS = ['standardize', 'minmax'] as const;

/** A scaling's name. */
export type Scaling = (typeof SCALINGS)[number];

/** The JSON form of a fitted scaler: x' = (x - offset) / scale, column by column. */
export interface ScalerJSON {
  scaling: Scaling;
  offset: number[];
  scale: number[];
}

/** Options of a scaler's transforms. */
export interface TransformOptions {
  /** Element type of the result. Default float64. */
  dtype?: DType;
  /** Makes the result (default: a new matrix); `sharedMatrix` lets fits use it where it lies. */
  allocate?: MatrixAllocator;
}

/**
 * A column scaling fitted to data: x' = (x - offset) / scale. A constant column keeps scale 1,
 * as scikit-learn's scalers do, so it maps to 0 rather than to NaN.
 */
export class Scaler {
  readonly scaling: Scaling;
  private fitted: { offset: Float64Array; scale: Float64Array } | undefined;

  constructor(scaling: Scaling) {
    if (!(SCALINGS as readonly string[]).includes(scaling))
      throw new ValidationError(
        'scaling',
        `must be one of ${SCALINGS.join(', ')}; got ${describeValue(scaling)}`,
      );
    this.scaling = scaling;
  }

  /** Learns each column's offset and scale from X (rows of numbers or a Matrix; never modified). */
  fit(X: MatrixLike): this {
    const m = toMatrix(X, { name: 'X' });
    this.fitted = this.scaling === 'standardize' ? meanAndDeviation(m) : minAndRange(m);
    return this;
  }

  /** Each column's offset: the mean (standardize) or the minimum (minmax). */
  get offset(): number[] {
    return Array.from(this.state('offset').offset);
  }

  /** Each column's scale: the standard deviation (standardize) or max - min (minmax); 1 when 0. */
  get scale(): number[] {
    return Array.from(this.state('scale').scale);
  }

  /** X scaled, in a new matrix: (x - offset) / scale. */
  transform(X: MatrixLike, options: TransformOptions = {}): Matrix {
    const { offset, scale } = this.state('transform');
    return mapColumns(X, offset.length, options, (v, j) => (v - offset[j]) / scale[j]);
  }

  /** Scaled rows back in the original units, in a new matrix: x * scale + offset. */
  inverseTransform(X: MatrixLike, options: TransformOptions = {}): Matrix {
    const { offset, scale } = this.state('inverseTransform');
    return mapColumns(X, offset.length, options, (v, j) => v * scale[j] + offset[j]);
  }

  /** Fit and transform in one call. */
  fitTransform(X: MatrixLike, options: TransformOptions = {}): Matrix {
    return this.fit(X).transform(X, options);
  }

  toJSON(): ScalerJSON {
    return { scaling: this.scaling, offset: this.offset, scale: this.scale };
  }

  /** A fitted scaler from its JSON form (or JSON text), checked field by field. */
  static fromJSON(input: unknown): Scaler {
    const json = typeof input === 'string' ? parseJson(input) : input;
    const fail = (message: string): never => {
      throw new ValidationError('json', `not a lloyd scaler: ${message}`);
    };
    if (typeof json !== 'object' || json === null) return fail('expected an object');
    const { scaling, offset, scale } = json as Record<string, unknown>;
    if (!(SCALINGS as readonly unknown[]).includes(scaling))
      fail(`scaling must be one of ${SCALINGS.join(', ')}; got ${describeValue(scaling)}`);
    const finite = (v: unknown, name: string, positive: boolean): Float64Array => {
      if (
        !Array.isArray(v) ||
        v.length === 0 ||
        !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))
      )
        fail(`${name} must be a non-empty array of finite numbers${positive ? ' > 0' : ''}`);
      return Float64Array.from(v as number[]);
    };
    const scaler = new Scaler(scaling as Scaling);
    scaler.fitted = {
      offset: finite(offset, 'offset', false),
      scale: finite(scale, 'scale', true),
    };
    if (scaler.fitted.offset.length !== scaler.fitted.scale.length)
      fail('offset and scale must have one value per column each');
    return scaler;
  }

  private state(what: string): { offset: Float64Array; scale: Float64Array } {
    if (!this.fitted) throw new NotFittedError(what);
    return this.fitted;
  }
}

/** Standardizes features: zero mean and unit variance (population), as scikit-learn's StandardScaler. */
export class StandardScaler extends Scaler {
  constructor() {
    super('standardize');
  }
}

/** Scales each feature to [0, 1] over the rows fitted, as scikit-learn's MinMaxScaler. */
export class MinMaxScaler extends Scaler {
  constructor() {
    super('minmax');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('json', `not valid JSON (${(error as Error).message})`);
  }
}

/** A constant column's scale (0, or rounding's dust) is 1: scikit-learn's `_handle_zeros_in_scale`. */
function guarded(scale: number): number {
  return scale < 10 * Number.EPSILON ? 1 : scale;
}

function meanAndDeviation(X: Matrix): { offset: Float64Array; scale: Float64Array } {
  const { data, rows, cols } = X;
  const offset = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) offset[j] += data[i * cols + j];
  for (let j = 0; j < cols; j++) offset[j] /= rows;
  // Two passes: squares of deviations from the mean, not a difference of large sums.
  const scale = new Float64Array(cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const d = data[i * cols + j] - offset[j];
      scale[j] += d * d;
    }
  for (let j = 0; j < cols; j++) scale[j] = guarded(Math.sqrt(scale[j] / rows));
  return { offset, scale };
}

function minAndRange(X: Matrix): { offset: Float64Array; scale: Float64Array } {
  const { data, rows, cols } = X;
  const offset = new Float64Array(cols).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(cols).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (v < offset[j]) offset[j] = v;
      if (v > max[j]) max[j] = v;
    }
  const scale = new Float64Array(cols);
  for (let j = 0; j < cols; j++) scale[j] = guarded(max[j] - offset[j]);
  return { offset, scale };
}

/** X checked to have `cols` columns and copied once, each value mapped by its column. */
function mapColumns(
  X: MatrixLike,
  cols: number,
  options: TransformOptions,
  map: (value: number, column: number) => number,
): Matrix {
  const out = toMatrix(X, {
    name: 'X',
    cols,
    dtype: options.dtype,
    into: (rows, width) => allocateMatrix(rows, width, options.dtype, options.allocate),
  });
  const { data } = out;
  for (let at = 0; at < data.length; at++) data[at] = map(data[at], at % cols);
  return out;
}
