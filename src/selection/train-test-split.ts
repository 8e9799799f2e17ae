import { describeValue, ValidationError } from '../errors.js';
import { type MatrixLike, matrixToRows, toMatrix } from '../matrix.js';
import { encodeLabels, type Label } from '../metrics/labels.js';
import { checkSeed, Random } from '../random.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Share of rows in the test set, in (0, 1), or a number of rows. Default 0.2. */
  testSize?: number;
  /**
   * Seed for the shuffle, in [0, 2^32 - 1]: the rows scikit-learn's `train_test_split` picks
   * with `random_state` set to it (ShuffleSplit, or StratifiedShuffleSplit with `stratify`).
   */
  randomState?: number;
  /** Keep the class proportions of y in both parts. */
  stratify?: boolean;
}

/** The two parts; `trainIndex` and `testIndex` are row indices into the input. */
export interface TrainTestSplit<Y extends Label> {
  XTrain: number[][];
  XTest: number[][];
  yTrain: Y[];
  yTest: Y[];
  trainIndex: number[];
  testIndex: number[];
}

/**
 * A seeded shuffle split into train and test parts, stratified by y when asked: scikit-learn
 * 1.2.1's `train_test_split` (test size ceil(testSize x n) for a share), drawing from numpy's
 * stream as it does, so the same seed gives the same rows in the same order.
 */
export function trainTestSplit<Y extends Label = number>(
  X: MatrixLike,
  y?: ArrayLike<Y>,
  options: TrainTestSplitOptions = {},
): TrainTestSplit<Y> {
  const rows = matrixToRows(toMatrix(X, { name: 'X' }));
  const n = rows.length;
  if (y !== undefined && y.length !== n) {
    throw new ValidationError('y', `must have one value per row of X (${n}); got ${y.length}`);
  }
  const testSize = options.testSize ?? 0.2;
  const nTest = testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (!(testSize > 0) || !Number.isInteger(nTest) || nTest < 1 || nTest > n - 1) {
    throw new ValidationError(
      'testSize',
      `must be a share in (0, 1) or a whole number of rows, leaving both parts non-empty out of ${n}; got ${describeValue(testSize)}`,
    );
  }
  const rng = Random.fromSeed(
    options.randomState === undefined ? undefined : checkSeed('randomState', options.randomState),
  );
  let testIndex: number[];
  let trainIndex: number[];
  if (options.stratify) {
    if (y === undefined)
      throw new ValidationError('stratify', 'needs y, the labels to stratify by');
    ({ trainIndex, testIndex } = stratifiedSplit(encodeLabels(y, 'y').codes, nTest, rng));
  } else {
    const order = Array.from(rng.permutation(n));
    testIndex = order.slice(0, nTest);
    trainIndex = order.slice(nTest);
  }
  const pick = <T>(values: ArrayLike<T>, index: number[]) => index.map((i) => values[i]);
  return {
    XTrain: pick(rows, trainIndex),
    XTest: pick(rows, testIndex),
    yTrain: y ? pick(y, trainIndex) : [],
    yTest: y ? pick(y, testIndex) : [],
    trainIndex,
    testIndex,
  };
}

/**
 * scikit-learn 1.2.1's StratifiedShuffleSplit, one split, drawing from numpy's stream as it does:
 * the train and then the test count of each class by {@link approximateMode}, then each class's
 * rows (in row order) permuted and dealt, train first; both parts permuted at the end.
 */
function stratifiedSplit(
  codes: Int32Array,
  nTest: number,
  rng: Random,
): { trainIndex: number[]; testIndex: number[] } {
  const byClass: number[][] = [];
  codes.forEach((c, i) => {
    if (!byClass[c]) byClass[c] = [];
    byClass[c].push(i);
  });
  const counts = byClass.map((members) => members.length);
  const nClasses = counts.length;
  const nTrain = codes.length - nTest;
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    throw new ValidationError(
      'stratify',
      `every class of y needs at least 2 rows to be split; the smallest has ${smallest}`,
    );
  }
  for (const [part, size] of [
    ['train', nTrain],
    ['test', nTest],
  ] as const) {
    if (size < nClasses) {
      throw new ValidationError(
        'testSize',
        `a stratified split needs at least one row per class (${nClasses}) in each part; the ${part} part has ${size}`,
      );
    }
  }
  const trainCounts = approximateMode(counts, nTrain, rng);
  const testCounts = approximateMode(
    counts.map((count, c) => count - trainCounts[c]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((members, c) => {
    const order = rng.permutation(members.length);
    for (let j = 0; j < trainCounts[c] + testCounts[c]; j++)
      (j < trainCounts[c] ? train : test).push(members[order[j]]);
  });
  return { trainIndex: rng.shuffle(train), testIndex: rng.shuffle(test) };
}

/**
 * scikit-learn's `_approximate_mode`: `draws` shared among classes in proportion to `counts`,
 * floored, then the rest added one per class by largest remainder, equal remainders settled by
 * `choice(..., replace=False)` (numpy's `permutation`, even when all of them are taken).
 */
function approximateMode(counts: number[], draws: number, rng: Random): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((count) => (count / total) * draws);
  const floored = continuous.map(Math.floor);
  let missing = draws - floored.reduce((a, b) => a + b, 0);
  if (missing > 0) {
    const remainders = continuous.map((value, c) => value - floored[c]);
    const levels = [...new Set(remainders)].sort((a, b) => b - a);
    for (const level of levels) {
      const tied = remainders.flatMap((r, c) => (r === level ? [c] : []));
      const take = Math.min(tied.length, missing);
      const order = rng.permutation(tied.length);
      for (let j = 0; j < take; j++) floored[tied[order[j]]]++;
      missing -= take;
      if (missing === 0) break;
    }
  }
  return floored;
}
