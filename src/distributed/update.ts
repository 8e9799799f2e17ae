/**
 * The centre update of a distributed fit, from a merged pass: the blocks folded in block order,
 * scikit-learn's empty-cluster relocation (through a relocation pass), the means.
 */

import { ValidationError } from '../errors.js';
import { reduceBlocks } from '../kernels/blocks.js';
import { heaviestCluster } from '../kmeans/empty-clusters.js';
import {
  blockCount,
  type DistributedRelocation,
  fingerprintCentres,
  type PassPartial,
  sameRelocations,
} from './format.js';

/** Which rows move into which empty clusters before the update; JSON as written by `lloyd plan`. */
export interface RelocationPlan {
  version: 1;
  /** The fingerprint of the centres of the pass the plan was made from. */
  fingerprint: string;
  k: number;
  d: number;
  totalRows: number;
  blockRows: number;
  /** Empty clusters in increasing order, each with a row of the whole matrix; none when nothing moves. */
  relocations: DistributedRelocation[];
}

/** What an update found and made. */
export interface UpdateResult {
  /** The new centres, k x d. */
  centres: Float64Array;
  /** Each cluster's weight, after relocation. */
  clusterWeights: Float64Array;
  /** Sum over centres of the squared distance each moved (as a fit's centerShift). */
  shift: number;
  /** Labels changed by the pass (0: strictly converged). */
  changed: number;
  /** The pass's inertia: distributedInertia of the merged pass. */
  inertia: number;
  /** Clusters with no weight after the pass, before relocation. */
  emptyClusters: number[];
  relocations: DistributedRelocation[];
}

/** Checks that `merged` is a whole assignment pass: every block once. */
function checkWhole(merged: PassPartial, parameter: string): void {
  if (merged.kind !== 'assignment')
    throw new ValidationError(parameter, `must be an assignment pass; got a ${merged.kind} pass`);
  const blocks = blockCount(merged);
  if (merged.blocks.length !== blocks) {
    const have = new Set(merged.blocks);
    const missing = [];
    for (let b = 0; b < blocks && missing.length < 3; b++) if (!have.has(b)) missing.push(b);
    throw new ValidationError(
      parameter,
      `holds ${merged.blocks.length} of the ${blocks} blocks of ${merged.totalRows} rows (missing block ${missing.join(', ')}, rows from ${missing[0] * merged.blockRows}); merge every shard's partial first`,
    );
  }
}

/** The clusters' sums (k x d) and weights (k): every block folded in block order, 0 + p0 + p1 + .... */
export function foldBlocks(merged: PassPartial): { sums: Float64Array; weights: Float64Array } {
  const { k, d } = merged;
  const blocks = merged.blocks.length;
  const sums = new Float64Array(k * d);
  const weights = new Float64Array(k);
  reduceBlocks(merged.sums, blocks, k * d, sums);
  reduceBlocks(merged.weights, blocks, k, weights);
  return { sums, weights };
}

/**
 * The distributed inertia of a whole pass: each block's Neumaier total (sum + compensation),
 * summed by Neumaier's rule in block order. A single fit's inertia runs one Neumaier sum over
 * every row, so the two may differ in the last bits; this one is the same whatever the shards.
 */
export function distributedInertia(merged: PassPartial): number {
  checkWhole(merged, 'merged');
  let sum = 0;
  let compensation = 0;
  for (let b = 0; b < merged.blocks.length; b++) {
    const term = merged.inertia[2 * b] + merged.inertia[2 * b + 1];
    const t = sum + term;
    if (Math.abs(sum) >= Math.abs(term)) compensation += sum - t + term;
    else compensation += term - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/**
 * scikit-learn's empty-cluster rule on a whole pass (planRelocations): each cluster of weight 0,
 * in increasing order, takes one of the rows farthest from their centres, farthest first, ties
 * to the lower row; none move when the farthest row sits on its centre.
 */
export function relocationPlan(merged: PassPartial): RelocationPlan {
  checkWhole(merged, 'merged');
  const { weights } = foldBlocks(merged);
  const empty = emptyOf(weights, merged.k);
  const far = merged.farthest;
  const relocations =
    empty.length === 0 || far.length === 0 || far[0].distance === 0
      ? []
      : empty.slice(0, far.length).map((cluster, i) => ({ cluster, row: far[i].row }));
  const { fingerprint, k, d, totalRows, blockRows } = merged;
  return { version: 1, fingerprint, k, d, totalRows, blockRows, relocations };
}

function emptyOf(weights: Float64Array, k: number): number[] {
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (weights[j] === 0) empty.push(j);
  return empty;
}

/**
 * The next centres from a whole assignment pass to `centres`, as a single fit's update makes
 * them, bit for bit: the block sums folded in block order; where clusters are empty, the blocks
 * of `relocated` (the merged relocation pass of relocationPlan(merged)) in place of the same
 * blocks, then folded again; the weighted means; a cluster still empty takes the heaviest
 * cluster's centre.
 */
export function updateCentres(
  merged: PassPartial,
  centres: Float64Array,
  relocated?: PassPartial,
): UpdateResult {
  checkWhole(merged, 'merged');
  const { k, d } = merged;
  if (centres.length !== k * d || fingerprintCentres(centres, k, d) !== merged.fingerprint)
    throw new ValidationError(
      'centres',
      `are not the centres the pass assigned to (fingerprint ${merged.fingerprint})`,
    );
  const plan = relocationPlan(merged);
  let folded = foldBlocks(merged);
  const emptyClusters = emptyOf(folded.weights, k);
  if (plan.relocations.length > 0) {
    if (!relocated)
      throw new ValidationError(
        'relocated',
        `clusters ${emptyClusters.join(', ')} are empty: run the relocation pass of this plan over the shards and pass its merged partial`,
      );
    folded = foldBlocks(withRelocated(merged, relocated, plan));
  }
  const next = folded.sums;
  const clusterWeights = folded.weights;
  for (let j = 0; j < k; j++) {
    const w = clusterWeights[j];
    if (w > 0) for (let t = 0; t < d; t++) next[j * d + t] /= w;
  }
  const heaviest = heaviestCluster(clusterWeights, k);
  for (let j = 0; j < k; j++)
    if (!(clusterWeights[j] > 0)) next.copyWithin(j * d, heaviest * d, (heaviest + 1) * d);
  let shift = 0;
  for (let i = 0; i < k * d; i++) {
    const diff = centres[i] - next[i];
    shift += diff * diff;
  }
  return {
    centres: next,
    clusterWeights,
    shift,
    changed: merged.changed,
    inertia: distributedInertia(merged),
    emptyClusters,
    relocations: plan.relocations,
  };
}

/** `merged` with the blocks of `relocated` in place of its own. */
function withRelocated(
  merged: PassPartial,
  relocated: PassPartial,
  plan: RelocationPlan,
): PassPartial {
  const { k, d } = merged;
  if (
    relocated.kind !== 'relocation' ||
    relocated.fingerprint !== merged.fingerprint ||
    relocated.k !== k ||
    relocated.d !== d ||
    relocated.totalRows !== merged.totalRows ||
    !sameRelocations(relocated.relocations, plan.relocations)
  )
    throw new ValidationError(
      'relocated',
      'is not the relocation pass of this pass and plan (its kind, centres fingerprint or relocations differ)',
    );
  const wanted = new Set(plan.relocations.map(({ row }) => Math.floor(row / merged.blockRows)));
  const have = [...relocated.blocks];
  if (have.length !== wanted.size || !have.every((b) => wanted.has(b)))
    throw new ValidationError(
      'relocated',
      `holds blocks ${have.join(', ') || 'none'}; the plan moves rows of blocks ${[...wanted].sort((a, b) => a - b).join(', ')}: merge the relocation pass of every shard`,
    );
  const sums = merged.sums.slice();
  const weights = merged.weights.slice();
  relocated.blocks.forEach((block, i) => {
    const at = merged.blocks.indexOf(block);
    sums.set(relocated.sums.subarray(i * k * d, (i + 1) * k * d), at * k * d);
    weights.set(relocated.weights.subarray(i * k, (i + 1) * k), at * k);
  });
  return { ...merged, sums, weights };
}
