/**
 * lloyd for browsers (and any runtime): everything but Node's file readers, writers and PNG
 * rendering. This module only re-exports; nothing runs at import.
 */

export * from './data/index.js';
export { NotFittedError, ValidationError } from './errors.js';
export { referenceBackend } from './kernels/reference/index.js';
export { type BackendOption, resolveBackend } from './kernels/select.js';
export type {
  BindOptions,
  BoundKernels,
  BoundsMethod,
  DistanceKind,
  KernelBackend,
} from './kernels/types.js';
export { sharedMatrix, wasmBackend, wasmSimdSupported } from './kernels/wasm/backend.js';
export { prepareThreads, wasmKernelVariant } from './kernels/wasm/runtime.js';
export type { InitFunction, InitOption } from './kmeans/init.js';
export { type FitAsyncOptions, type FitOptions, KMeans } from './kmeans/kmeans.js';
export type { IterationCallback, IterationInfo } from './kmeans/lloyd.js';
export type { MetricName } from './kmeans/metric-strategies.js';
export type { KMeansJSON } from './kmeans/model-json.js';
export type { KMeansOptions } from './kmeans/options.js';
export {
  type DType,
  type FloatArray,
  isMatrix,
  type Matrix,
  type MatrixAllocator,
  type MatrixLike,
  toMatrix,
} from './matrix.js';
export * from './metrics/index.js';
export { availableCores, closePools } from './parallel/pool.js';
export * from './plot/index.js';
export { Random } from './random.js';
export * from './selection/index.js';
