/**
 * A file's rows read on demand, from its layout (file-rows: where the values are and how to read
 * them). Node only in practice, but safe to import anywhere: the file system is reached through
 * process.getBuiltinModule, so a browser bundle (the fit worker's) never sees a Node import. A
 * fit worker reads a caller's file this way from the layout alone (openRows makes layouts).
 */

import { ValidationError } from '../errors.js';
import type { DType, FloatArray } from '../matrix.js';
import { nodeBuiltin } from '../platform.js';
import type { RowSource } from '../row-source.js';

interface FileSystem {
  openSync(path: string, flags: string): number;
  readSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  closeSync(fd: number): void;
  statSync(path: string): { size: number };
}

/** Node's file system, or an error where there is none. */
function fileSystem(): FileSystem {
  const fs = nodeBuiltin<FileSystem>('node:fs');
  if (!fs) throw new Error('lloyd: files are read pass by pass in Node only');
  return fs;
}

/**
 * Where a file's values are and how to read them: everything a reader in another thread needs
 * to read the same rows (see `fileRowsFrom`).
 */
export interface FileRowsLayout {
  /** The file named in errors: the one the caller gave. */
  name: string;
  /** The file read: the caller's, or its decompressed copy. */
  readPath: string;
  rows: number;
  cols: number;
  /** The byte offset of the first value. */
  dataStart: number;
  /** 'raw': float64 values and nothing else (a CSV file's rows, converted once). */
  format: 'npy' | 'idx' | 'raw';
  /** NPY: numpy's type code ('f4', 'u1', ...); IDX: the type code, as a string. */
  type: string;
  /** Bytes per value. */
  size: number;
  little: boolean;
  /** The factor each value is multiplied by (IDX pixels: 1/255 with `scale`). */
  factor: number;
  /** The file's size when opened, in bytes: a file that changes size is an error. */
  bytes: number;
}

/** The rows of a file laid out as `layout` says, read with synchronous file reads. */
export function fileRowsFrom(layout: FileRowsLayout): RowSource & { layout: FileRowsLayout } {
  const { name, readPath, rows, cols, dataStart, size, little, factor } = layout;
  const natural: DType = layout.type === 'f4' || layout.type === '13' ? 'float32' : 'float64';
  let scratch = new Uint8Array(0);
  const readValue = layout.format === 'idx' ? idxReader(layout.type) : npyReader(layout.type);
  return {
    rows,
    cols,
    dtype: natural,
    name,
    layout,
    read(start: number, count: number, into: FloatArray) {
      const values = count * cols;
      const length = values * size;
      const offset = dataStart + start * cols * size;
      if (start === 0 && fileSystem().statSync(readPath).size !== layout.bytes)
        throw new ValidationError('file', `${name}: changed size while it was being read`);
      // Values already in the window's type and byte order are read straight into it.
      const direct =
        little &&
        factor === 1 &&
        ((layout.type === 'f4' && into instanceof Float32Array) ||
          (layout.type === 'f8' && into instanceof Float64Array));
      if (!direct && scratch.length < length) scratch = new Uint8Array(length);
      const target = direct
        ? new Uint8Array(into.buffer, into.byteOffset, length)
        : scratch.subarray(0, length);
      readFully(readPath, target, offset, name, start, cols * size);
      if (direct) return;
      const view = new DataView(target.buffer, target.byteOffset, length);
      if (layout.type === '8') {
        for (let v = 0; v < values; v++) into[v] = target[v] * factor;
        return;
      }
      for (let v = 0; v < values; v++) into[v] = readValue(view, v * size, little) * factor;
    },
  };
}

/** Reads `target.length` bytes from `offset`, or fails naming the row where the file ends. */
function readFully(
  path: string,
  target: Uint8Array,
  offset: number,
  name: string,
  firstRow: number,
  rowBytes: number,
): void {
  const fs = fileSystem();
  const fd = openForReading(path, name);
  try {
    let done = 0;
    while (done < target.length) {
      const read = fs.readSync(fd, target, done, target.length - done, offset + done);
      if (read === 0)
        throw new ValidationError(
          'file',
          `${name}: ends at row ${firstRow + Math.floor(done / rowBytes)}, before the rows its header promises`,
        );
      done += read;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A file descriptor for reading `path`, or an error naming the file as `name`. */
export function openForReading(path: string, name: string): number {
  try {
    return fileSystem().openSync(path, 'r');
  } catch (error) {
    throw new ValidationError(
      'file',
      `${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

type ValueReader = (view: DataView, offset: number, little: boolean) => number;

function npyReader(type: string): ValueReader {
  const readers: Record<string, ValueReader> = {
    f8: (v, o, le) => v.getFloat64(o, le),
    f4: (v, o, le) => v.getFloat32(o, le),
    i1: (v, o) => v.getInt8(o),
    u1: (v, o) => v.getUint8(o),
    b1: (v, o) => v.getUint8(o),
    i2: (v, o, le) => v.getInt16(o, le),
    u2: (v, o, le) => v.getUint16(o, le),
    i4: (v, o, le) => v.getInt32(o, le),
    u4: (v, o, le) => v.getUint32(o, le),
    i8: (v, o, le) => Number(v.getBigInt64(o, le)),
    u8: (v, o, le) => Number(v.getBigUint64(o, le)),
  };
  return readers[type];
}

function idxReader(code: string): ValueReader {
  const readers: Record<string, ValueReader> = {
    '8': (v, o) => v.getUint8(o),
    '9': (v, o) => v.getInt8(o),
    '11': (v, o) => v.getInt16(o),
    '12': (v, o) => v.getInt32(o),
    '13': (v, o) => v.getFloat32(o),
    '14': (v, o) => v.getFloat64(o),
  };
  return readers[code];
}
