import type { FileRowsLayout } from '../data/file-rows.js';
import type { Matrix } from '../matrix.js';
import type { IterationInfo } from './lloyd.js';
import type { KMeansJSON } from './model-json.js';
import type { KMeansOptions } from './options.js';

/** What `fitAsync` sends its worker: the options that can cross a thread boundary, and the data. */
export interface FitRequest {
  options: Omit<KMeansOptions, 'onIteration' | 'backend' | 'init'> & {
    init?: 'k-means++' | 'k-means||' | 'random' | number[][];
    backend?: 'auto' | 'native' | 'wasm' | 'reference';
  };
  /** X in memory, or (`rows`) the layout of a file the worker reads pass by pass itself. */
  X?: Matrix | number[][];
  rows?: FileRowsLayout;
  sampleWeight?: number[];
  /** Whether to post each iteration (only when the caller listens: it costs a pass for the inertia). */
  relayProgress: boolean;
  /** Int32 flag: set to 1 to stop at the next iteration. */
  stopFlag?: SharedArrayBuffer;
}

/** What the worker answers. */
export type FitResponse =
  /** The worker's first message: its script loaded and it has the request. */
  | { type: 'started' }
  | { type: 'iteration'; info: IterationInfo }
  | { type: 'done'; model: KMeansJSON }
  | { type: 'error'; name: string; message: string; parameter?: string };
