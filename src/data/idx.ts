import { ValidationError } from '../errors.js';
import { allocateMatrix, type Matrix, type MatrixAllocator } from '../matrix.js';

/** A parsed IDX file: its dimensions and values in file order (byte types: a view of the file's bytes). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const IDX_TYPES: Record<
  number,
  {
    size: number;
    read: (view: DataView, offset: number) => number;
    make: (n: number) => IdxArray['data'];
  }
> = {
  8: { size: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  9: { size: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  11: { size: 2, read: (v, o) => v.getInt16(o), make: (n) => new Int16Array(n) },
  12: { size: 4, read: (v, o) => v.getInt32(o), make: (n) => new Int32Array(n) },
  13: { size: 4, read: (v, o) => v.getFloat32(o), make: (n) => new Float32Array(n) },
  14: { size: 8, read: (v, o) => v.getFloat64(o), make: (n) => new Float64Array(n) },
};

/** An IDX file's header: its dimensions, where its values start, and how to read one. */
export interface IdxHeader {
  dims: number[];
  /** The byte offset of the first value. */
  dataStart: number;
  /** Bytes per value. */
  size: number;
  /** The IDX type code (0x08 unsigned bytes, ... 0x0e float64). */
  code: number;
  /** Reads the value at a byte offset (big-endian). */
  read: (view: DataView, offset: number) => number;
}

/** Parses the header of an IDX file from its first bytes; errors name `source`. */
export function parseIdxHeader(bytes: Uint8Array, source = 'IDX data'): IdxHeader {
  const fail = (message: string): never => {
    throw new ValidationError('file', `${source}: ${message}`);
  };
  if (bytes.length < 4) fail('too short to be an IDX file');
  if (bytes[0] !== 0 || bytes[1] !== 0) fail('not an IDX file (its first two bytes must be zero)');
  const type = IDX_TYPES[bytes[2]];
  if (!type) return fail(`unknown IDX value type 0x${bytes[2].toString(16)}`);
  const ndim = bytes[3];
  if (ndim < 1) fail('an IDX file needs at least one dimension');
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) fail('the header is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, dataStart, size: type.size, code: bytes[2], read: type.read };
}

/** Parses the IDX format of MNIST (already decompressed): big-endian header, then values. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const fail = (message: string): never => {
    throw new ValidationError('file', `${source}: ${message}`);
  };
  if (bytes.length < 4) fail('too short to be an IDX file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail('not an IDX file (its first two bytes must be zero)');
  const type = IDX_TYPES[bytes[2]];
  if (!type) return fail(`unknown IDX value type 0x${bytes[2].toString(16)}`);
  const ndim = bytes[3];
  if (ndim < 1) fail('an IDX file needs at least one dimension');
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) fail('the header is cut short');
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerSize + count * type.size) {
    fail(
      `expected ${count} values (${dims.join(' x ')}) but the file holds ${(bytes.length - headerSize) / type.size}`,
    );
  }
  if (type.size === 1) {
    // Bytes are their own values: a view of them (read only), not a copy, since images are large.
    const values = bytes.subarray(headerSize, headerSize + count);
    const data = bytes[2] === 8 ? values : new Int8Array(values.buffer, values.byteOffset, count);
    return { dims, data };
  }
  const data = type.make(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, headerSize + i * type.size);
  return { dims, data };
}

/** Options of {@link idxToMatrix}. */
export interface IdxMatrixOptions {
  /** Divide byte values by 255, so pixels land in [0, 1]. */
  scale?: boolean;
  dtype?: 'float64' | 'float32';
  /** Makes the matrix (default: a new one); `sharedMatrix` lets fits use it where it lies. */
  allocate?: MatrixAllocator;
}

/** IDX values as a matrix: the first dimension is the rows, the others are flattened (28x28 images -> 784 columns). */
export function idxToMatrix(idx: IdxArray, options: IdxMatrixOptions = {}): Matrix {
  const rows = idx.dims[0];
  const cols = idx.dims.slice(1).reduce((a, b) => a * b, 1);
  const matrix = allocateMatrix(rows, cols, options.dtype, options.allocate);
  const { data } = matrix;
  const factor = options.scale ? 1 / 255 : 1;
  for (let i = 0; i < data.length; i++) data[i] = idx.data[i] * factor;
  return matrix;
}
