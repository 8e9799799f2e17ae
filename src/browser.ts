/**
 * lloyd for browsers (and any runtime): everything but Node's file readers and writers.
 * Plots are in `lloyd/plot`. This module only re-exports; nothing runs at import.
 *
 * It holds what a user calls: the estimator and its types, errors, matrices, datasets and file
 * parsers, scores, choosing k, and the thread set-up a page needs. The machinery under
 * them (kernel backends, worker pools, the parsers' building blocks) is in `lloyd/advanced`.
 */

export * from './data/index.js';
export { NotFittedError, ValidationError } from './errors.js';
export { sharedMatrix, wasmSimdSupported } from './kernels/wasm/backend.js';
export { prepareThreads, wasmKernelVariant } from './kernels/wasm/runtime.js';
export { BisectingKMeans } from './kmeans/bisecting/bisecting-kmeans.js';
export type { BisectingKMeansJSON } from './kmeans/bisecting/model-json.js';
export type {
  BisectingInit,
  BisectingKMeansOptions,
  BisectingStrategy,
  ResolvedBisectingOptions,
} from './kmeans/bisecting/options.js';
export type { BisectingNode } from './kmeans/bisecting/tree.js';
export type { InitFunction, InitOption } from './kmeans/init.js';
export {
  type FitAsyncOptions,
  type FitInput,
  type FitOptions,
  KMeans,
} from './kmeans/kmeans.js';
export type { IterationCallback, IterationInfo } from './kmeans/lloyd.js';
export type { MetricName } from './kmeans/metric-strategies.js';
export { MiniBatchKMeans } from './kmeans/minibatch/minibatch-kmeans.js';
export type { MiniBatchKMeansJSON } from './kmeans/minibatch/model-json.js';
export type {
  MiniBatchKMeansOptions,
  ResolvedMiniBatchOptions,
} from './kmeans/minibatch/options.js';
export type { KMeansJSON } from './kmeans/model-json.js';
export type { KMeansOptions, ResolvedOptions } from './kmeans/options.js';
export {
  type DType,
  type FloatArray,
  isMatrix,
  type Matrix,
  type MatrixAllocator,
  type MatrixLike,
  type ToMatrixOptions,
  toMatrix,
} from './matrix.js';
export * from './metrics/index.js';
export * from './oned/index.js';
export * from './preprocessing/index.js';
export { Random } from './random.js';
export { isRowSource, matrixRows, type RowSource } from './row-source.js';
export * from './selection/index.js';
