/** Data in Node: file readers and writers, and the bundled datasets read from the package's data/. */
export { bundledDataDir, type LoadDatasetOptions, loadDataset } from './datasets.js';
export {
  loadFile,
  readBytes,
  readCsv,
  readIdx,
  readIdxValues,
  readJsonRows,
  readNpy,
} from './files.js';
export { writeFileAtomic } from './output.js';
export { labelsToCsv, rowsToCsv, writeCentroids, writeLabels, writeModel } from './writers.js';
