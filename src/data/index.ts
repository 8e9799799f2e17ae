/** Data: synthetic sets, parsers (browser-safe), and file readers, writers and bundled datasets (Node). */
export { type Blobs, type BlobsOptions, makeBlobs } from './blobs.js';
export { type IdxArray, type IdxMatrixOptions, idxToMatrix, parseIdx } from './idx.js';
export {
  DATASETS,
  type Dataset,
  type LoadDatasetOptions,
  loadDataset,
} from './node/datasets.js';
export {
  type LoadFileOptions,
  loadFile,
  readBytes,
  readCsv,
  readIdx,
  readIdxValues,
  readJsonRows,
  readNpy,
  writeFileAtomic,
} from './node/files.js';
export { labelsToCsv, rowsToCsv, writeCentroids, writeLabels, writeModel } from './node/writers.js';
export { encodeNpy, parseNpy } from './npy.js';
export { type CsvOptions, type LoadedData, parseNumber, TableBuilder } from './table.js';
