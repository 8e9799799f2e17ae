import { ValidationError } from '../errors.js';
import { allocateMatrix, type Matrix, type MatrixAllocator } from '../matrix.js';

const READERS: Record<
  string,
  { size: number; read: (v: DataView, o: number, little: boolean) => number }
> = {
  f8: { size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  i2: { size: 2, read: (v, o, le) => v.getInt16(o, le) },
  u2: { size: 2, read: (v, o, le) => v.getUint16(o, le) },
  i4: { size: 4, read: (v, o, le) => v.getInt32(o, le) },
  u4: { size: 4, read: (v, o, le) => v.getUint32(o, le) },
  i8: { size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u8: { size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  b1: { size: 1, read: (v, o) => v.getUint8(o) },
};

/** An NPY file's header: its shape, where its values start, and how to read one. */
export interface NpyHeader {
  rows: number;
  cols: number;
  /** The byte offset of the first value. */
  dataStart: number;
  /** Bytes per value. */
  size: number;
  /** numpy's type code without the byte order, e.g. 'f4'. */
  type: string;
  little: boolean;
  read: (view: DataView, offset: number, little: boolean) => number;
}

/**
 * Parses the header of a NumPy .npy file (format 1.0-3.0) from its first bytes: float32/64 and
 * integer types, C order, 1-D (one column) or 2-D. Fortran order is rejected: save with
 * `np.ascontiguousarray` first. Errors name `source`.
 */
export function parseNpyHeader(bytes: Uint8Array, source = 'NPY data'): NpyHeader {
  const fail = (message: string): never => {
    throw new ValidationError('file', `${source}: ${message}`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b))
    fail('not an NPY file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart + headerLength) fail('its header is cut short');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  const descr = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) return fail('its header is not understood');
  if (fortran[1] === 'True')
    fail('Fortran-ordered arrays are not supported; save a C-ordered copy (np.ascontiguousarray)');
  const type = `${descr[2]}${descr[3]}`;
  const reader = READERS[type];
  if (!reader)
    return fail(
      `dtype '${descr[1]}${type}' is not supported; use float32, float64 or an integer type`,
    );
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (dims.length < 1 || dims.length > 2)
    fail(`expected a 1-D or 2-D array; got shape (${dims.join(', ')})`);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 1))
    fail(`its shape must be whole numbers >= 1; got (${shape[1].trim()})`);
  return {
    rows: dims[0],
    cols: dims.length === 2 ? dims[1] : 1,
    dataStart: headerStart + headerLength,
    size: reader.size,
    type,
    little: descr[1] !== '>',
    read: reader.read,
  };
}

/**
 * Parses a NumPy .npy file (see parseNpyHeader for what it reads). `allocate` makes the matrix
 * (e.g. `sharedMatrix`, so fits use it where it lies).
 */
export function parseNpy(
  bytes: Uint8Array,
  source = 'NPY data',
  dtype: 'float64' | 'float32' = 'float64',
  allocate?: MatrixAllocator,
): Matrix {
  const { rows, cols, dataStart, size, little, read } = parseNpyHeader(bytes, source);
  if (bytes.length - dataStart < rows * cols * size)
    throw new ValidationError(
      'file',
      `${source}: holds fewer values than its shape ${rows} x ${cols}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const matrix = allocateMatrix(rows, cols, dtype, allocate);
  const { data } = matrix;
  for (let i = 0; i < rows * cols; i++) data[i] = read(view, dataStart + i * size, little);
  return matrix;
}

/** Encodes a matrix as a version 1.0 .npy file (float64 or float32, little-endian, C order). */
export function encodeNpy(matrix: Matrix): Uint8Array {
  const f32 = matrix.data instanceof Float32Array;
  let header = `{'descr': '<f${f32 ? 4 : 8}', 'fortran_order': False, 'shape': (${matrix.rows}, ${matrix.cols}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const size = f32 ? 4 : 8;
  const out = new Uint8Array(10 + header.length + matrix.rows * matrix.cols * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const start = 10 + header.length;
  for (let i = 0; i < matrix.data.length; i++) {
    if (f32) view.setFloat32(start + i * 4, matrix.data[i], true);
    else view.setFloat64(start + i * 8, matrix.data[i], true);
  }
  return out;
}
