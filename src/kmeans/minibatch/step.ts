import { compensatedWeightedSum } from '../../kernels/summation.js';
import type { BoundKernels } from '../../kernels/types.js';
import type { Matrix } from '../../matrix.js';
import type { Random } from '../../random.js';
import { choiceWithoutReplacement } from '../draws.js';

/** One mini-batch step's inputs. */
export interface MiniBatchStep {
  /** The batch, batchRows x cols, and the kernels bound to it. */
  batch: Matrix;
  kernels: BoundKernels;
  /** The batch's sample weights. */
  weights: Float64Array;
  /** k x cols float64 centres, updated in place. */
  centers: Float64Array;
  /** k accumulated weights per centre (the inverse learning rates), updated in place. */
  counts: Float64Array;
  k: number;
  rng: Random;
  /** Whether low-count centres may be reassigned in this step. */
  reassign: boolean;
  reassignmentRatio: number;
}

/** What a step saw: the batch's labels and inertia against the centres before the update. */
export interface MiniBatchStepResult {
  labels: Int32Array;
  inertia: number;
  /** Centres moved to batch rows by reassignment, in increasing order. */
  reassigned: number[];
}

/**
 * scikit-learn's `_mini_batch_step`: assign the batch to the nearest centres, move each centre
 * that received weight to the weighted mean of its old position (weighing its accumulated count)
 * and its new rows, add that weight to its count, then (when `reassign`) move centres whose count
 * is below reassignmentRatio x the largest count to random distinct rows of the batch.
 * Assignment and the per-cluster sums are the bound kernels' passes.
 */
export function miniBatchStep(step: MiniBatchStep): MiniBatchStepResult {
  const { batch, kernels, weights, centers, counts, k } = step;
  const { rows, cols } = batch;
  const labels = new Int32Array(rows);
  const distances = new Float64Array(rows);
  kernels.assign('sqeuclidean', centers, k, labels, distances);
  const inertia = compensatedWeightedSum(distances, weights);
  const sums = new Float64Array(k * cols);
  const batchWeights = new Float64Array(k);
  kernels.sumByCluster(weights, labels, k, sums, batchWeights);
  for (let j = 0; j < k; j++) {
    // A centre the batch gave no weight keeps its place and count.
    if (!(batchWeights[j] > 0)) continue;
    const previous = counts[j];
    counts[j] = previous + batchWeights[j];
    const scale = 1 / counts[j];
    for (let t = 0, o = j * cols; t < cols; t++, o++)
      centers[o] = (centers[o] * previous + sums[o]) * scale;
  }
  const reassigned = step.reassign && step.reassignmentRatio > 0 ? reassignLowCounts(step) : [];
  return { labels, inertia, reassigned };
}

/**
 * scikit-learn's reassignment: centres with count < ratio x the largest count, at most half the
 * batch of them (those with the largest counts among them keep their place), take distinct batch
 * rows drawn uniformly; every centre picked gets the smallest count of the others, so it is not
 * picked again at once.
 */
function reassignLowCounts(step: MiniBatchStep): number[] {
  const { batch, centers, counts, k, rng, reassignmentRatio } = step;
  let largest = counts[0];
  for (let j = 1; j < k; j++) if (counts[j] > largest) largest = counts[j];
  const threshold = reassignmentRatio * largest;
  const picked = new Uint8Array(k);
  let pickedCount = 0;
  for (let j = 0; j < k; j++)
    if (counts[j] < threshold) {
      picked[j] = 1;
      pickedCount++;
    }
  const most = Math.floor(0.5 * batch.rows);
  if (pickedCount > 0.5 * batch.rows) {
    // As numpy's argsort(counts)[most:]: every centre from the (most+1)-th smallest count on
    // keeps its place (equal counts in index order).
    const order = Array.from({ length: k }, (_, j) => j).sort(
      (a, b) => counts[a] - counts[b] || a - b,
    );
    for (const j of order.slice(most)) picked[j] = 0;
    pickedCount = most;
  }
  const reassigned: number[] = [];
  if (pickedCount > 0) {
    const rows = choiceWithoutReplacement(rng, batch.rows, pickedCount);
    const { cols } = batch;
    for (let j = 0; j < k; j++) {
      if (!picked[j]) continue;
      const row = rows[reassigned.length];
      for (let t = 0; t < cols; t++) centers[j * cols + t] = batch.data[row * cols + t];
      reassigned.push(j);
    }
  }
  let smallestKept = Number.POSITIVE_INFINITY;
  for (let j = 0; j < k; j++) if (!picked[j] && counts[j] < smallestKept) smallestKept = counts[j];
  for (const j of reassigned) counts[j] = smallestKept;
  return reassigned;
}
