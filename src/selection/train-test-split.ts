import { describeValue, ValidationError } from '../errors.js';
import { type MatrixLike, matrixToRows, toMatrix } from '../matrix.js';
import { encodeLabels, type Label } from '../metrics/labels.js';
import { Random } from '../random.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Share of rows in the test set, in (0, 1), or a number of rows. Default 0.2. */
  testSize?: number;
  /** Seed for the shuffle. */
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

/** A seeded shuffle split into train and test parts, stratified by y when asked. */
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
  const rng =
    options.randomState === undefined ? Random.fromEntropy() : new Random(options.randomState);
  let testIndex: number[];
  if (options.stratify) {
    if (y === undefined)
      throw new ValidationError('stratify', 'needs y, the labels to stratify by');
    testIndex = stratifiedTest(encodeLabels(y, 'y').codes, nTest, rng);
  } else {
    testIndex = shuffled(
      Array.from({ length: n }, (_, i) => i),
      rng,
    ).slice(0, nTest);
  }
  const inTest = new Uint8Array(n);
  for (const i of testIndex) inTest[i] = 1;
  const trainIndex = shuffled(
    Array.from({ length: n }, (_, i) => i).filter((i) => !inTest[i]),
    rng,
  );
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

function shuffled(values: number[], rng: Random): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/** Test rows per class in proportion to class size (largest remainders), each class shuffled. */
function stratifiedTest(codes: Int32Array, nTest: number, rng: Random): number[] {
  const byClass: number[][] = [];
  codes.forEach((c, i) => {
    if (!byClass[c]) byClass[c] = [];
    byClass[c].push(i);
  });
  const n = codes.length;
  const exact = byClass.map((members) => (members.length * nTest) / n);
  const counts = exact.map(Math.floor);
  let missing = nTest - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, c) => ({ c, rest: e - Math.floor(e) }))
    .sort((a, b) => b.rest - a.rest || a.c - b.c);
  for (const { c } of order) {
    if (missing === 0) break;
    if (counts[c] < byClass[c].length) {
      counts[c]++;
      missing--;
    }
  }
  const test: number[] = [];
  byClass.forEach((members, c) => {
    test.push(...shuffled([...members], rng).slice(0, counts[c]));
  });
  return shuffled(test, rng);
}
