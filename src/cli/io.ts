import type { LoadedData } from '../data/index.js';
import { loadDataset } from '../data/node/datasets.js';
import { loadFile } from '../data/node/files.js';
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
  columns?: string;
  labelColumn?: string;
  delimiter?: string;
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
    columns: options.columns?.split(',').map((c) => c.trim()),
    labelColumn: options.labelColumn,
    delimiter: options.delimiter,
    header: options.header,
    dtype,
    scale: true,
    allocate: sharedMatrix,
  });
  return { ...loaded, source: spec, path: spec };
}
