/**
 * Data, browser-safe: synthetic sets, parsers, and the bundled datasets from any reader. The
 * parsers' building blocks (TableBuilder, parseNumber, ...) are in lloyd/advanced.
 */
export { type Blobs, type BlobsOptions, makeBlobs } from './blobs.js';
export {
  BUNDLED_FILES,
  bundledDataset,
  DATASETS,
  type Dataset,
  type ReadBundledFile,
} from './bundled.js';
export { type ParseCsvOptions, parseCsv } from './csv-text.js';
export { type FetchDatasetOptions, fetchDataset } from './fetch.js';
export { idLikeColumns } from './id-columns.js';
export { type IdxArray, type IdxMatrixOptions, idxToMatrix, parseIdx } from './idx.js';
export { encodeNpy, parseNpy } from './npy.js';
export { gunzip, type LoadFileOptions, parseDataFile, parseJsonRows } from './parse-file.js';
export { type SniffOptions, sniffLayout, type TextLayout } from './sniff.js';
export type { CsvOptions, LoadedData } from './table.js';
