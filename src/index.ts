/**
 * lloyd: exact, fast k-means for TypeScript. In Node, this entry adds file readers and writers
 * and the bundled datasets from disk to the browser entry's API. Plots are in `lloyd/plot`, the
 * machinery under them in `lloyd/advanced`. This module only re-exports; nothing runs at import.
 */

export * from './browser.js';
export * from './data/node/index.js';
export { type NativeKernelBuild, nativeKernelBuild } from './kernels/native/loader.js';
