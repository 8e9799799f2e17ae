/** Choosing k and splitting data. */
export { type ElbowOptions, type ElbowResult, elbow } from './elbow.js';
export { kneeIndex } from './knee.js';
export {
  type SilhouetteSweepOptions,
  type SilhouetteSweepResult,
  silhouetteSweep,
} from './silhouette-sweep.js';
export {
  type TrainTestSplit,
  type TrainTestSplitOptions,
  trainTestSplit,
} from './train-test-split.js';
