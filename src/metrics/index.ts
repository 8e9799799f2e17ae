/** Clustering scores, named as scikit-learn's in camelCase. */
export { type ContingencyMatrix, contingencyMatrix } from './contingency.js';
export {
  type AverageMethod,
  adjustedMutualInfoScore,
  completenessScore,
  homogeneityCompletenessVMeasure,
  homogeneityScore,
  type MutualInfoOptions,
  mutualInfoScore,
  normalizedMutualInfoScore,
  vMeasureScore,
} from './information.js';
export {
  calinskiHarabaszScore,
  daviesBouldinScore,
  type SilhouetteMetric,
  type SilhouetteOptions,
  silhouetteSamples,
  silhouetteScore,
} from './internal.js';
export type { Label } from './labels.js';
export { adjustedRandScore, fowlkesMallowsScore, randScore } from './pair-counting.js';
export { type PurityOptions, purityScore } from './purity.js';
