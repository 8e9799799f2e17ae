import { ValidationError } from '../errors.js';
import {
  allocateMatrix,
  type DType,
  type Matrix,
  type MatrixAllocator,
  toMatrix,
} from '../matrix.js';
import { parseCsv } from './csv-text.js';
import { idxToMatrix, parseIdx } from './idx.js';
import { parseNpy } from './npy.js';
import type { CsvOptions, LoadedData } from './table.js';

/** Options of the file readers: CSV options, and for IDX files whether to divide bytes by 255. */
export interface LoadFileOptions extends CsvOptions {
  /** For IDX files: divide bytes by 255. */
  scale?: boolean;
}

/** The kinds of data file, told by name: .csv/.tsv/.txt, .npy, .json, .idx or *-ubyte, each optionally .gz. */
export type DataFileKind = 'csv' | 'npy' | 'json' | 'idx';

/** Which kind of data file a name is. */
export function dataFileKind(name: string): DataFileKind {
  const base = name.toLowerCase().replace(/\.gz$/, '');
  if (base.endsWith('.npy')) return 'npy';
  if (base.endsWith('.json')) return 'json';
  if (base.endsWith('.idx') || /-ubyte$/.test(base)) return 'idx';
  return 'csv';
}

/** Whether bytes are gzip data (by their magic number). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips bytes with the platform's DecompressionStream (browsers, Node >= 18); plain bytes pass
 * through. `maxBytes`: decompressing stops with an error past that many bytes (a gzip bomb: a
 * small file that expands to gigabytes), before they are held.
 */
export async function gunzip(
  bytes: Uint8Array,
  source = 'data',
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'))
      .getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new ValidationError(
          'file',
          `${source}: decompresses to more than ${formatBytes(maxBytes)}, more than this reader takes`,
        );
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(
      'file',
      `${source}: not valid gzip data (${(error as Error).message})`,
    );
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GiB`
    : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/**
 * Parses a data file held in memory (already gunzipped), by its name's kind. Browser-safe: this
 * is how a page reads a file the user dropped in.
 */
export function parseDataFile(
  name: string,
  bytes: Uint8Array,
  options: LoadFileOptions = {},
): LoadedData {
  const { dtype, allocate } = options;
  switch (dataFileKind(name)) {
    case 'npy':
      return withNames(parseNpy(bytes, name, dtype, allocate));
    case 'json':
      return withNames(parseJsonRows(new TextDecoder().decode(bytes), name, dtype, allocate));
    case 'idx': {
      const idx = parseIdx(bytes, name);
      return withNames(idxToMatrix(idx, { scale: options.scale, dtype, allocate }));
    }
    default:
      return parseCsv(new TextDecoder().decode(bytes), { ...options, source: name });
  }
}

/** Parses JSON text holding an array of rows. */
export function parseJsonRows(
  text: string,
  source: string,
  dtype: DType = 'float64',
  allocate?: MatrixAllocator,
): Matrix {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('file', `${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed))
    throw new ValidationError('file', `${source}: expected a JSON array of rows`);
  const into =
    allocate && ((rows: number, cols: number) => allocateMatrix(rows, cols, dtype, allocate));
  return toMatrix(parsed as number[][], { name: source, dtype, into });
}

function withNames(X: Matrix): LoadedData {
  return { X, columnNames: Array.from({ length: X.cols }, (_, j) => String(j)) };
}
