/**
 * lloyd/advanced for browsers (and any runtime): the machinery under the main entry, for code
 * that plugs into it or drives it directly. This module only re-exports; nothing runs at import.
 *
 * - Kernel backends: the built-in ones, how a `backend` option resolves, and the interface a
 *   backend of your own implements (`KernelBackend`, passed as KMeans's `backend` option; the
 *   option's strings 'auto', 'wasm' and 'reference' need nothing from here).
 * - Worker pools: the default thread count, and closing every pool (idle workers never keep a
 *   process alive, so this is for tests and hosts that must see every worker gone).
 * - The building blocks of the file parsers, for a reader of your own.
 */

export { type DataFileKind, dataFileKind, isGzip } from './data/parse-file.js';
export { csvDelimiter, parseNumber, TableBuilder } from './data/table.js';
export {
  type DistributedRelocation,
  decodePartial,
  encodePartial,
  type FarRow,
  fingerprintCentres,
  PARTIAL_VERSION,
  type PassPartial,
} from './distributed/format.js';
export { mergePartials } from './distributed/merge.js';
export {
  type PassOptions,
  type PassResult,
  partialPass,
  type RelocationPassOptions,
  relocationPass,
  type ShardOptions,
} from './distributed/pass.js';
export {
  distributedInertia,
  type RelocationPlan,
  relocationPlan,
  type UpdateResult,
  updateCentres,
} from './distributed/update.js';
export { referenceBackend } from './kernels/reference/index.js';
export { type BackendOption, resolveBackend } from './kernels/select.js';
export { continueCompensatedSum, type NeumaierState } from './kernels/summation.js';
export type {
  AllocatedMatrix,
  BindOptions,
  BoundedRun,
  BoundKernels,
  BoundsMethod,
  DistanceKind,
  KernelBackend,
} from './kernels/types.js';
export { wasmBackend } from './kernels/wasm/backend.js';
export { availableCores, closePools } from './parallel/pool.js';
