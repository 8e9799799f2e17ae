/**
 * Data in Node: file readers and writers, and the bundled datasets read from the package's data/.
 * Their helpers (readBytes, writeFileAtomic, bundledDataDir) are in lloyd/advanced.
 */
export { type LoadDatasetOptions, loadDataset } from './datasets.js';
export { loadFile, readCsv, readIdx, readIdxValues, readJsonRows, readNpy } from './files.js';
export {
  type FileRows,
  type FileRowsLayout,
  type OpenRowsOptions,
  openRows,
} from './row-files.js';
export { labelsToCsv, rowsToCsv, writeCentroids, writeLabels, writeModel } from './writers.js';
