import { describe, expect, it } from 'vitest';
import { elbow, kneeIndex, makeBlobs, silhouetteSweep, trainTestSplit } from '../src/index.js';
import { kmeansGolden } from './helpers/fixtures.js';

const { datasets } = kmeansGolden();
const fiveBlobs = makeBlobs({
  nSamples: 500,
  nFeatures: 3,
  centers: 5,
  clusterStd: 0.5,
  centerBox: 20,
  randomState: 3,
}).X;

describe('kneeIndex (Kneedle)', () => {
  it('finds the bend of a decreasing convex curve', () => {
    expect(kneeIndex([1, 2, 3, 4, 5, 6], [100, 40, 12, 10, 9, 8])).toBe(2);
  });
  it('has no knee on a straight line or too few points', () => {
    expect(kneeIndex([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kneeIndex([1, 2], [4, 1])).toBe(-1);
  });
});

describe('elbow', () => {
  it('finds k = 3 on three well-separated blobs, with inertia falling', () => {
    const threeBlobs = makeBlobs({
      nSamples: 300,
      centers: 3,
      clusterStd: 0.5,
      centerBox: 20,
      randomState: 2,
    }).X;
    const progress: number[] = [];
    const result = elbow(threeBlobs, {
      kMin: 1,
      kMax: 8,
      randomState: 0,
      onProgress: ({ k }) => progress.push(k),
    });
    expect(result.ks).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress).toEqual(result.ks);
    result.inertias.slice(1).forEach((v, i) => {
      expect(v).toBeLessThan(result.inertias[i]);
    });
    expect(result.knee).toBe(3);
  });

  it('on iris (first two features) with random init never yields NaN', () => {
    const result = elbow(datasets.iris2, { init: 'random', nInit: 1, randomState: 7 });
    expect(result.inertias.every(Number.isFinite)).toBe(true);
    expect(result.knee).not.toBeNull();
  });

  it('rejects a k range outside [1, n] and bad data, naming the argument', () => {
    expect(() => elbow([[1], [2], [3]], { kMax: 4 })).toThrow(
      /^kMax: must be an integer in \[1, 3\]/,
    );
    expect(() => elbow([[1], [2], [3]], { kMin: 0, kMax: 2 })).toThrow(/^kMin/);
    expect(() => elbow([[1], [2], [3]], { kMin: 3, kMax: 2 })).toThrow(/^kMax: must be >= kMin/);
    expect(() => elbow([[1], [Number.NaN]], { kMax: 2 })).toThrow(/^X: row 1, column 0 is NaN/);
  });
});

describe('silhouetteSweep', () => {
  it('picks k = 5 on five blobs', () => {
    const result = silhouetteSweep(fiveBlobs, { kMax: 8, randomState: 0 });
    expect(result.ks).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(result.bestK).toBe(5);
    expect(Math.max(...result.scores)).toBe(result.scores[3]);
  });
  it('rejects k = 1', () => {
    expect(() => silhouetteSweep(datasets.blobs, { kMin: 1, kMax: 3 })).toThrow(/^kMin/);
  });
});

describe('trainTestSplit', () => {
  const X = datasets.iris;
  const y = X.map((_, i) => Math.floor(i / 50));

  it('splits 80/20, seeded, covering every row once', () => {
    const a = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
    const b = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
    expect(a.testIndex).toEqual(b.testIndex);
    expect(a.XTest.length).toBe(30);
    expect(a.XTrain.length).toBe(120);
    expect([...a.trainIndex, ...a.testIndex].sort((p, q) => p - q)).toEqual(X.map((_, i) => i));
    a.testIndex.forEach((row, i) => {
      expect(a.XTest[i]).toEqual(X[row]);
      expect(a.yTest[i]).toBe(y[row]);
    });
  });

  it('keeps class proportions when stratified', () => {
    const s = trainTestSplit(X, y, { testSize: 0.2, randomState: 1, stratify: true });
    for (const c of [0, 1, 2]) expect(s.yTest.filter((v) => v === c).length).toBe(10);
  });

  it('rejects bad sizes and mismatched y', () => {
    expect(() => trainTestSplit(X, y, { testSize: 0 })).toThrow(/^testSize/);
    expect(() => trainTestSplit(X, y, { testSize: 150 })).toThrow(/^testSize/);
    expect(() => trainTestSplit(X, [1, 2])).toThrow(
      /^y: must have one value per row of X \(150\); got 2$/,
    );
    expect(() => trainTestSplit(X, undefined, { stratify: true })).toThrow(/^stratify/);
  });
});
