import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { freemem } from 'node:os';
import type { LoadedData } from '../data/index.js';
import { loadDataset } from '../data/node/datasets.js';
import { loadFile } from '../data/node/files.js';
import { type FileRows, openRows } from '../data/node/row-files.js';
import { dataFileKind } from '../data/parse-file.js';
import { ValidationError } from '../errors.js';
import { sharedMatrix } from '../kernels/wasm/backend.js';

/** Where command output goes; tests swap these for buffers. */
export interface Streams {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Data named on the command line, with true labels when the source has them. */
export interface CliData extends LoadedData {
  source: string;
  imageShape?: [number, number];
  targetNames?: string[];
  /** The file it came from, so outputs never overwrite it. */
  path?: string;
}

/** Options that shape how a file is read. */
export interface ReadOptions {
  /** Feature columns by name or 0-based index. */
  columns?: string[];
  labelColumn?: string;
  delimiter?: string;
  skipRows?: number;
  comment?: string;
  header?: boolean;
  dtype?: 'float64' | 'float32';
}

/**
 * Loads `dataset:NAME` or a file (CSV/TSV, NPY, JSON, IDX; optionally gzipped), into a shared
 * matrix: the fits that follow read it where it lies, so the process holds X once.
 */
export async function readInput(spec: string, options: ReadOptions = {}): Promise<CliData> {
  const { dtype } = options;
  if (spec.startsWith('dataset:')) {
    const name = spec.slice('dataset:'.length);
    const dataset = await loadDataset(name, { dtype, allocate: sharedMatrix });
    return {
      source: spec,
      X: dataset.X,
      labels: dataset.y,
      columnNames: dataset.featureNames,
      imageShape: dataset.imageShape,
      targetNames: dataset.targetNames,
    };
  }
  const loaded = await loadFile(spec, {
    columns: options.columns,
    labelColumn: options.labelColumn,
    delimiter: options.delimiter,
    skipRows: options.skipRows,
    comment: options.comment,
    header: options.header,
    dtype,
    scale: true,
    allocate: sharedMatrix,
  });
  return { ...loaded, source: spec, path: spec };
}

/** A file read pass by pass instead of loaded (`--stream`). */
export interface StreamedInput {
  source: string;
  rows: FileRows;
}

/**
 * The input read pass by pass, when `--stream` asks for it or (unasked) when `spec` is an NPY,
 * IDX or CSV file larger than half the free memory, which `note` is told; undefined when it is
 * loaded whole. `options` pick a CSV file's columns as loading it would.
 */
export async function streamedInput(
  spec: string,
  stream: boolean,
  options: ReadOptions,
  note: (text: string) => void,
): Promise<StreamedInput | undefined> {
  if (spec.startsWith('dataset:')) {
    if (stream)
      throw new ValidationError(
        '--stream',
        `${spec} is a bundled dataset; --stream reads NPY and IDX files`,
      );
    return undefined;
  }
  const kind = streamableKind(spec);
  if (!stream) {
    const bytes = fileSize(spec);
    if (kind === undefined || bytes === undefined || bytes <= freemem() / 2) return undefined;
    note(
      `lloyd: ${spec} is ${gigabytes(bytes)}, more than half the free memory (${gigabytes(freemem())}): reading it pass by pass (--stream)\n`,
    );
  } else if (kind === undefined) {
    throw new ValidationError(
      '--stream',
      `${spec}: only NPY, IDX and CSV/TSV files (gzipped or not) are read pass by pass; convert it (numpy.save) or load it whole without --stream`,
    );
  }
  if (kind !== 'csv' && (options.columns !== undefined || options.labelColumn !== undefined))
    throw new ValidationError(
      '--columns',
      `${spec} is not a CSV file: its columns cannot be picked by name; drop --columns and --label-column`,
    );
  const rows = await openRows(spec, {
    scale: true,
    columns: options.columns,
    labelColumn: options.labelColumn,
    delimiter: options.delimiter,
    skipRows: options.skipRows,
    comment: options.comment,
    header: options.header,
  });
  return { source: spec, rows };
}

/** The kind of a file openRows reads (NPY and IDX by their first bytes), or undefined. */
function streamableKind(path: string): 'npy' | 'idx' | 'csv' | undefined {
  if (dataFileKind(path) === 'csv') return 'csv';
  let head: Uint8Array;
  try {
    const fd = openSync(path, 'r');
    try {
      head = new Uint8Array(4);
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (head[0] === 0x93 && head[1] === 0x4e) return 'npy';
  if (head[0] === 0 && head[1] === 0) return 'idx';
  if (head[0] === 0x1f && head[1] === 0x8b) {
    if (/\.npy\.gz$/i.test(path)) return 'npy';
    if (/-ubyte\.gz$|\.idx\d?\.gz$/i.test(path)) return 'idx';
  }
  return undefined;
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function gigabytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
