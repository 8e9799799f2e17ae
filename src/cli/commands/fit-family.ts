import { BisectingKMeans } from '../../kmeans/bisecting/bisecting-kmeans.js';
import { BISECTING_STRATEGIES, type BisectingStrategy } from '../../kmeans/bisecting/options.js';
import { MiniBatchKMeans } from '../../kmeans/minibatch/minibatch-kmeans.js';
import type { KMeansOptions } from '../../kmeans/options.js';
import { isMatrix, type Matrix } from '../../matrix.js';
import type { RowSource } from '../../row-source.js';
import { choiceFlag, type FlagTable, integerFlag } from '../args.js';
import { UsageError } from '../errors.js';
import { formatNumber } from '../progress.js';

/** Every `--method` of `lloyd fit`: k-means (the default) and the rest of the family. */
export const FIT_METHODS = ['kmeans', 'minibatch', 'bisecting'] as const;

/** A `--method` value. */
export type FitMethod = (typeof FIT_METHODS)[number];

/** The flags only one method reads. */
export const FAMILY_FLAGS = {
  method: {
    type: 'string',
    value: 'NAME',
    choices: FIT_METHODS,
    help: 'kmeans (Lloyd), minibatch (MiniBatchKMeans: batches of rows, for large data) or bisecting (BisectingKMeans: splits one cluster at a time)',
    default: 'kmeans',
  },
  'batch-size': {
    type: 'string',
    value: 'N',
    help: 'rows per batch (--method minibatch)',
    default: '1024',
  },
  'bisecting-strategy': {
    type: 'string',
    value: 'NAME',
    choices: BISECTING_STRATEGIES,
    help: 'which cluster is split next (--method bisecting)',
    default: 'biggest_inertia',
  },
} as const satisfies FlagTable;

/** What `lloyd fit` reports and writes of a fitted MiniBatchKMeans or BisectingKMeans. */
export interface FamilyFit {
  labels: Int32Array;
  centroids: number[][];
  inertia: number;
  toJSON(): unknown;
  /** The summary's first lines (after the input). */
  describe(): string;
  /** What --json prints besides labels, centroids and inertia. */
  json(): Record<string, unknown>;
}

/**
 * Checks that the flags given suit `method` (each method's own flags, and none that it has no use
 * for), before anything is read.
 */
export function checkMethodFlags(
  method: FitMethod,
  values: Record<string, string | boolean | undefined>,
  usage: string,
): MethodFlags {
  const refuse = (flag: string, why: string) => {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} ${why}`, usage);
  };
  if (method !== 'minibatch') refuse('batch-size', 'is for --method minibatch');
  if (method !== 'bisecting') refuse('bisecting-strategy', 'is for --method bisecting');
  const flags: MethodFlags = {
    batchSize: integerFlag(values['batch-size'], '--batch-size', usage),
    bisectingStrategy: choiceFlag(
      values['bisecting-strategy'],
      '--bisecting-strategy',
      BISECTING_STRATEGIES,
      usage,
    ),
  };
  if (method === 'kmeans') return flags;
  const name = `--method ${method}`;
  refuse('algorithm', `does not apply to ${name} (its inner fits are plain Lloyd)`);
  if (method === 'bisecting')
    refuse('stream', `needs X in memory (${name} splits its rows); --method minibatch streams`);
  if (values.metric !== undefined && values.metric !== 'euclidean')
    throw new UsageError(`${name} clusters with --metric euclidean only`, usage);
  const init = values.init;
  if (method === 'bisecting' && init !== undefined && init !== 'random' && init !== 'k-means++')
    throw new UsageError('--method bisecting takes --init random or k-means++', usage);
  return flags;
}

/** The flags only one method reads, parsed. */
export interface MethodFlags {
  batchSize: number | undefined;
  bisectingStrategy: BisectingStrategy | undefined;
}

/**
 * Fits X by `method` with the flags given; errors are the estimators' own. Mini-batch k-means
 * also reads a file pass by pass (`--stream`); bisecting k-means splits rows held in memory.
 */
export function fitFamily(
  method: Exclude<FitMethod, 'kmeans'>,
  X: Matrix | RowSource,
  options: KMeansOptions,
  flags: MethodFlags,
): FamilyFit {
  const { nClusters, init, nInit, maxIter, tol, randomState, dtype, threads } = options;
  if (method === 'minibatch') {
    const model = new MiniBatchKMeans({
      nClusters,
      init,
      nInit,
      maxIter,
      tol,
      randomState,
      dtype,
      threads,
      batchSize: flags.batchSize,
    }).fit(X);
    return {
      labels: model.labels,
      centroids: model.centroids,
      inertia: model.inertia,
      toJSON: () => model.toJSON(),
      describe: () =>
        `method minibatch, batch size ${model.options.batchSize}, ${model.options.nInit} initialisation${model.options.nInit === 1 ? '' : 's'}\ninertia ${formatNumber(model.inertia)}   steps ${model.nSteps}   passes ${model.nIter}`,
      json: () => ({ nIter: model.nIter, nSteps: model.nSteps }),
    };
  }
  if (init !== undefined && init !== 'random' && init !== 'k-means++')
    throw new Error('unreachable: checkMethodFlags checked --init');
  if (!isMatrix(X)) throw new Error('unreachable: bisecting k-means fits rows in memory');
  const model = new BisectingKMeans({
    nClusters,
    init,
    nInit: nInit === 'auto' ? undefined : nInit,
    maxIter,
    tol,
    randomState,
    dtype,
    threads,
    bisectingStrategy: flags.bisectingStrategy,
  }).fit(X);
  return {
    labels: model.labels,
    centroids: model.centroids,
    inertia: model.inertia,
    toJSON: () => model.toJSON(),
    describe: () =>
      `method bisecting, ${model.options.bisectingStrategy}, init ${model.options.init}\ninertia ${formatNumber(model.inertia)}   depth ${depth(model.tree)}`,
    json: () => ({ tree: model.tree }),
  };
}

function depth(node: BisectingKMeans['tree']): number {
  return node.children ? 1 + Math.max(depth(node.children[0]), depth(node.children[1])) : 0;
}
