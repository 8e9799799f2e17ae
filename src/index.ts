/**
 * lloyd: exact, fast k-means for TypeScript. In Node, this entry adds file readers and writers,
 * the bundled datasets from disk, and PNG rendering to the browser entry's API. The machinery
 * under them is in `lloyd/advanced`. This module only re-exports; nothing runs at import.
 */

export * from './browser.js';
export * from './data/node/index.js';
export { type NativeKernelBuild, nativeKernelBuild } from './kernels/native/loader.js';
export { renderPng, writePlot } from './plot/render.js';
