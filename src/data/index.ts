/** Data: synthetic sets, bundled datasets and loaders. */
export { type Blobs, type BlobsOptions, makeBlobs } from './blobs.js';
