import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ValidationError } from '../../errors.js';
import { type MatrixLike, toMatrix } from '../../matrix.js';
import type { RowSource } from '../../row-source.js';
import { type FileRowsLayout, fileRowsFrom, openForReading } from '../file-rows.js';
import { parseIdxHeader } from '../idx.js';
import { parseNpyHeader } from '../npy.js';
import { dataFileKind } from '../parse-file.js';
import type { TextLayout } from '../sniff.js';
import { type CsvOptions, TableBuilder } from '../table.js';
import { forEachCsvRecord } from './files.js';

/** Bytes read to find a header: NPY headers are padded to 64-byte multiples, IDX's are small. */
const HEADER_BYTES = 1 << 16;

/** Options of {@link openRows} (the CSV ones for CSV and TSV files). */
export interface OpenRowsOptions
  extends Pick<
    CsvOptions,
    'delimiter' | 'skipRows' | 'comment' | 'header' | 'columns' | 'labelColumn' | 'maxRecordSize'
  > {
  /** IDX files: divide byte values by 255, so pixels land in [0, 1] (as the datasets load them). */
  scale?: boolean;
  /**
   * Where a gzipped file is decompressed, or a CSV file's rows converted, once (default: the
   * system's temporary folder).
   */
  tempDir?: string;
}

/** A file's rows, read on every pass instead of held (see {@link openRows}). */
export type { FileRowsLayout } from '../file-rows.js';

export interface FileRows extends RowSource {
  readonly layout: FileRowsLayout;
  /** Removes the decompressed copy of a gzipped file, if any; the source must not be read after. */
  close(): void;
  /** CSV and TSV files: the delimiter read and the lines skipped before the table. */
  readonly textLayout?: TextLayout;
  /** CSV and TSV files: the feature columns' names (from the header, or "0", "1", ...). */
  readonly columnNames?: string[];
}

const GZIP = [0x1f, 0x8b];

/**
 * Opens a file's rows for a fit that reads them pass by pass instead of holding them (`fit`,
 * `predict`, `transform` and `score` take the result as X): an NPY file (float32, float64 or an
 * integer type, C order, 1-D or 2-D), an IDX file (the first dimension is the rows), or a CSV or
 * TSV file (by its name, as loadFile reads one: header detected, `columns`, `labelColumn` left
 * out). Working memory is then a window of rows, whatever the file's size. A gzipped file is
 * decompressed once, streaming, and a CSV file's rows converted once to float64, into a temporary
 * file that every pass reads; `close()` removes it (so does the process's exit). Errors name the
 * file, and the line or row. Chunks of rows from an async iterable (a stream of batches, say)
 * are written as they come into such a file too, read once: the source is never asked again.
 */
export async function openRows(
  path: string | AsyncIterable<MatrixLike>,
  options: OpenRowsOptions = {},
): Promise<FileRows> {
  if (typeof path !== 'string') return spoolRows(path, options);
  if (dataFileKind(path) === 'csv') return openCsvRows(path, options);
  let readPath = path;
  let temporary: string | undefined;
  const first = readHead(path, 2);
  if (first[0] === GZIP[0] && first[1] === GZIP[1]) {
    const folder = temporaryFolder(options.tempDir);
    temporary = folder;
    readPath = join(folder, 'rows.bin');
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(readPath));
    } catch (error) {
      removeTemporary(folder);
      throw new ValidationError(
        'file',
        `${path}: cannot be decompressed (${(error as Error).message})`,
      );
    }
  }
  try {
    const layout = readLayout(path, readPath, options);
    const source = fileRowsFrom(layout);
    return {
      ...source,
      layout,
      close: () => {
        if (temporary) removeTemporary(temporary);
      },
    };
  } catch (error) {
    if (temporary) removeTemporary(temporary);
    throw error;
  }
}

/** Rows of CSV text converted a batch at a time (bounded memory, any file size). */
const CSV_BATCH_VALUES = 1 << 20;

/** openRows for a CSV or TSV file: its rows converted once to float64, streaming. */
async function openCsvRows(path: string, options: OpenRowsOptions): Promise<FileRows> {
  const folder = temporaryFolder(options.tempDir);
  const readPath = join(folder, 'rows.f64');
  try {
    const builder = new TableBuilder(path, options);
    const fd = openSync(readPath, 'w');
    let bytes = 0;
    const flush = () => {
      const values = builder.drain();
      const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      for (let at = 0; at < view.length; ) at += writeSync(fd, view, at, view.length - at);
      bytes += view.length;
    };
    let textLayout: TextLayout;
    try {
      let pending = 0;
      textLayout = await forEachCsvRecord(path, options, (record, line) => {
        builder.add(record, line);
        pending += record.length;
        if (pending >= CSV_BATCH_VALUES) {
          flush();
          pending = 0;
        }
      });
      flush();
    } finally {
      closeSync(fd);
    }
    const { rows, cols, columnNames } = builder.shape();
    const layout: FileRowsLayout = {
      name: path,
      readPath,
      rows,
      cols,
      dataStart: 0,
      format: 'raw',
      type: 'f8',
      size: 8,
      little: true,
      factor: 1,
      bytes,
    };
    return {
      ...fileRowsFrom(layout),
      layout,
      textLayout,
      columnNames,
      close: () => removeTemporary(folder),
    };
  } catch (error) {
    removeTemporary(folder);
    throw error;
  }
}

/** openRows for chunks of rows: each checked and appended as float64 to a temporary file. */
async function spoolRows(
  chunks: AsyncIterable<MatrixLike>,
  options: OpenRowsOptions,
): Promise<FileRows> {
  const folder = temporaryFolder(options.tempDir);
  const readPath = join(folder, 'rows.f64');
  try {
    const fd = openSync(readPath, 'w');
    let rows = 0;
    let cols: number | undefined;
    try {
      for await (const chunk of chunks) {
        const matrix = toMatrix(chunk, { name: `chunk at row ${rows}`, cols, dtype: 'float64' });
        cols = matrix.cols;
        const { data } = matrix;
        const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        for (let at = 0; at < view.length; ) at += writeSync(fd, view, at, view.length - at);
        rows += matrix.rows;
      }
    } finally {
      closeSync(fd);
    }
    if (cols === undefined || rows === 0) throw new ValidationError('X', 'the chunks held no rows');
    const layout: FileRowsLayout = {
      name: 'X',
      readPath,
      rows,
      cols,
      dataStart: 0,
      format: 'raw',
      type: 'f8',
      size: 8,
      little: true,
      factor: 1,
      bytes: rows * cols * 8,
    };
    return { ...fileRowsFrom(layout), layout, close: () => removeTemporary(folder) };
  } catch (error) {
    removeTemporary(folder);
    throw error;
  }
}

/** A new temporary folder, removed by its source's close() or at the process's exit. */
function temporaryFolder(tempDir: string | undefined): string {
  const folder = mkdtempSync(join(tempDir ?? tmpdir(), 'lloyd-rows-'));
  temporaries.add(folder);
  registerCleanup();
  return folder;
}

/** The layout of the NPY or IDX file at `readPath` (named `name` in errors). */
function readLayout(name: string, readPath: string, options: OpenRowsOptions): FileRowsLayout {
  const head = readHead(readPath, HEADER_BYTES);
  const bytes = statSync(readPath).size;
  const npy = head[0] === 0x93;
  let layout: FileRowsLayout;
  if (npy) {
    const header = parseNpyHeader(head, name);
    layout = {
      name,
      readPath,
      rows: header.rows,
      cols: header.cols,
      dataStart: header.dataStart,
      format: 'npy',
      type: header.type,
      size: header.size,
      little: header.little,
      factor: 1,
      bytes,
    };
  } else {
    const header = parseIdxHeader(head, name);
    const [rows, ...rest] = header.dims;
    layout = {
      name,
      readPath,
      rows,
      cols: rest.reduce((a, b) => a * b, 1),
      dataStart: header.dataStart,
      format: 'idx',
      type: String(header.code),
      size: header.size,
      little: false,
      factor: options.scale ? 1 / 255 : 1,
      bytes,
    };
  }
  if (layout.rows < 1 || layout.cols < 1)
    throw new ValidationError('file', `${name}: holds no rows (${layout.rows} x ${layout.cols})`);
  const needed = layout.dataStart + layout.rows * layout.cols * layout.size;
  if (bytes < needed)
    throw new ValidationError(
      'file',
      `${name}: holds fewer values than its shape ${layout.rows} x ${layout.cols} (cut short at row ${Math.floor((bytes - layout.dataStart) / (layout.cols * layout.size))})`,
    );
  return layout;
}

function readHead(path: string, length: number): Uint8Array {
  const fd = openForReading(path, path);
  try {
    const head = new Uint8Array(length);
    const read = readSync(fd, head, 0, length, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Decompressed copies not yet closed: removed when the process exits. */
const temporaries = new Set<string>();
let cleanupRegistered = false;

function removeTemporary(folder: string): void {
  temporaries.delete(folder);
  rmSync(folder, { recursive: true, force: true });
}

// Registered once, on first use: a library adds no handler until it makes a temporary file.
function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => {
    for (const folder of temporaries) rmSync(folder, { recursive: true, force: true });
  });
}
