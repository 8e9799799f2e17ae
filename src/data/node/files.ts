import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse';
import { ValidationError } from '../../errors.js';
import type { Matrix, MatrixAllocator } from '../../matrix.js';
import { SNIFF_BYTES } from '../csv-text.js';
import { type IdxMatrixOptions, idxToMatrix, parseIdx } from '../idx.js';
import { parseNpy } from '../npy.js';
import {
  dataFileKind,
  isGzip,
  type LoadFileOptions,
  parseDataFile,
  parseJsonRows,
} from '../parse-file.js';
import { sniffLayout, type TextLayout, WHITESPACE } from '../sniff.js';
import {
  type CsvOptions,
  DEFAULT_MAX_RECORD_SIZE,
  type LoadedData,
  TableBuilder,
} from '../table.js';

/** Reads a whole file, gunzipping it when it is gzip data. */
export async function readBytes(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ValidationError(
      'file',
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new ValidationError('file', `${path}: not valid gzip data (${(error as Error).message})`);
  }
}

/** Streams a delimited text file (optionally .gz) into a matrix, with an optional label column. */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<LoadedData> {
  const builder = new TableBuilder(path, options);
  const layout = await forEachCsvRecord(path, options, (record, line) => builder.add(record, line));
  return { ...builder.finish(), layout };
}

/** The file's first text (gunzipped), up to `bytes` bytes, for sniffing its layout. */
async function readHeadText(path: string, bytes: number): Promise<string> {
  const handle = await open(path).catch((error: NodeJS.ErrnoException) => {
    throw new ValidationError('file', `${path}: cannot be read (${error.code ?? error.message})`);
  });
  const file = handle.createReadStream({ end: /\.gz$/i.test(path) ? undefined : bytes - 1 });
  const input: Readable = /\.gz$/i.test(path) ? file.pipe(createGunzip()) : file;
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) break;
    }
  } catch {
    // A file that cannot be read or gunzipped fails with its line when it is parsed.
  } finally {
    file.destroy();
    await handle.close().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, bytes));
}

/**
 * Streams the records of a delimited text file (optionally .gz) to `visit`, with each record's
 * 1-based line; errors name the file and line. Returns the layout read (see `sniffLayout`).
 */
export async function forEachCsvRecord(
  path: string,
  options: CsvOptions,
  visit: (record: string[], line: number) => void,
): Promise<TextLayout> {
  const layout = sniffLayout(await readHeadText(path, SNIFF_BYTES), path, options);
  const whitespace = layout.delimiter === WHITESPACE;
  const handle = await open(path).catch((error: NodeJS.ErrnoException) => {
    throw new ValidationError('file', `${path}: cannot be read (${error.code ?? error.message})`);
  });
  const maxRecordSize = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
  const parser = parse({
    // Runs of blanks: each blank splits, and the empty fields between them are dropped below.
    delimiter: whitespace ? [' ', '\t'] : layout.delimiter,
    from_line: layout.skipRows + 1,
    ...(options.comment === undefined ? {} : { comment: options.comment, comment_no_infix: true }),
    max_record_size: maxRecordSize,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    bom: true,
  });
  const file = handle.createReadStream();
  const input: Readable = /\.gz$/i.test(path) ? file.pipe(createGunzip()) : file;
  // pipe() does not forward errors: hand read and gunzip failures to the parser being iterated.
  for (const stream of new Set([file, input]))
    stream.on('error', (error: Error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const fields = whitespace ? record.filter((field) => field !== '') : record;
      if (fields.length > 0) visit(fields, info.lines);
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const e = error as Error & { lines?: number; code?: string };
    const message =
      e.code === 'CSV_MAX_RECORD_SIZE'
        ? `longer than ${maxRecordSize} characters (the most one record may hold; is this a CSV file?)`
        : e.message;
    throw new ValidationError('file', `${path}${e.lines ? `, line ${e.lines}` : ''}: ${message}`);
  } finally {
    file.destroy();
    await handle.close().catch(() => undefined);
  }
  return layout;
}

/** Reads an IDX file (plain or gzipped) as a matrix; `scale` divides bytes by 255. */
export async function readIdx(path: string, options: IdxMatrixOptions = {}): Promise<Matrix> {
  return idxToMatrix(parseIdx(await readBytes(path), path), options);
}

/** Reads IDX values as plain numbers (e.g. a labels file). */
export async function readIdxValues(path: string): Promise<number[]> {
  return Array.from(parseIdx(await readBytes(path), path).data);
}

/** Reads a .npy file (plain or gzipped); `allocate` makes the matrix (see {@link MatrixAllocator}). */
export async function readNpy(
  path: string,
  dtype: 'float64' | 'float32' = 'float64',
  allocate?: MatrixAllocator,
): Promise<Matrix> {
  return parseNpy(await readBytes(path), path, dtype, allocate);
}

/** Reads a JSON file holding an array of rows. */
export async function readJsonRows(
  path: string,
  dtype: 'float64' | 'float32' = 'float64',
  allocate?: MatrixAllocator,
): Promise<Matrix> {
  return parseJsonRows(new TextDecoder().decode(await readBytes(path)), path, dtype, allocate);
}

/**
 * Reads data by file extension: .csv/.tsv/.txt (CSV, streamed), .npy, .json, .idx and *-ubyte
 * (IDX), each optionally .gz.
 */
export async function loadFile(path: string, options: LoadFileOptions = {}): Promise<LoadedData> {
  if (dataFileKind(path) === 'csv') return readCsv(path, options);
  return parseDataFile(path, await readBytes(path), options);
}

// Written by output.ts (which plans and writes outputs without losing data); still exported from
// here, where it was, for the modules that import it from files.js.
export { writeFileAtomic } from './output.js';
