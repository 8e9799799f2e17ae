import type { DType, MatrixAllocator } from '../matrix.js';
import { bundledDataset, type Dataset } from './bundled.js';
import { gunzip } from './parse-file.js';

/** Options of {@link fetchDataset}. */
export interface FetchDatasetOptions {
  /** Where the package's data/ files are served (a URL ending in /). */
  baseUrl: string | URL;
  dtype?: DType;
  /** Makes X (default: a new matrix); `sharedMatrix` lets fits use it where it lies, uncopied. */
  allocate?: MatrixAllocator;
}

/**
 * Loads a bundled dataset (`iris`, `digits`, `mnist`, or `blobs?...`) in a browser, fetching its
 * files from `baseUrl`: serve the package's data/ folder there (a bundler's static assets).
 */
export function fetchDataset(spec: string, options: FetchDatasetOptions): Promise<Dataset> {
  const base = new URL(String(options.baseUrl), globalThis.location?.href);
  return bundledDataset(
    spec,
    async (file) => {
      const url = new URL(file, base);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
      return gunzip(new Uint8Array(await response.arrayBuffer()), file);
    },
    options.dtype,
    options.allocate,
  );
}
