import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeNpy,
  KMeans,
  MiniBatchKMeans,
  makeBlobs,
  NotFittedError,
  openRows,
  ValidationError,
} from '../src/index.js';

const blobs = makeBlobs({ nSamples: 3000, nFeatures: 4, centers: 6, randomState: 3 });

/** Small random data sets: rows of reals, 2 to 4 columns. */
const smallData = fc.integer({ min: 2, max: 4 }).chain((d) =>
  fc.array(
    fc.array(fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), {
      minLength: d,
      maxLength: d,
    }),
    { minLength: 12, maxLength: 60 },
  ),
);

describe('MiniBatchKMeans.fit', () => {
  it('finds the blobs: inertia within 2% of KMeans, and every step counted', () => {
    const mb = new MiniBatchKMeans({ nClusters: 6, batchSize: 256, randomState: 0 }).fit(blobs.X);
    const km = new KMeans({ nClusters: 6, randomState: 0 }).fit(blobs.X);
    expect(mb.inertia).toBeLessThan(km.inertia * 1.02);
    expect(mb.labels).toHaveLength(3000);
    expect(mb.nSteps).toBeGreaterThan(1);
    expect(mb.nIter).toBe(Math.ceil((mb.nSteps * 256) / 3000));
    expect(mb.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('takes floor(maxIter x n / batchSize) steps when nothing stops it early', () => {
    const mb = new MiniBatchKMeans({
      nClusters: 3,
      batchSize: 10,
      maxIter: 2,
      maxNoImprovement: null,
      randomState: 1,
    }).fit(Array.from({ length: 105 }, (_, i) => [i % 7, i % 5]));
    expect(mb.nSteps).toBe(21);
    expect(mb.nIter).toBe(2);
  });

  it('stops early on a small centre move when tol > 0', () => {
    const mb = new MiniBatchKMeans({ nClusters: 6, batchSize: 512, tol: 1e-2, randomState: 0 });
    mb.fit(blobs.X);
    expect(mb.nSteps).toBeLessThan(Math.floor((100 * 3000) / 512));
  });

  it('is reproducible by randomState, for any thread count and backend', () => {
    fc.assert(
      fc.property(smallData, fc.integer({ min: 0, max: 1000 }), (X, seed) => {
        const fitWith = (threads: number, backend: 'wasm' | 'reference') =>
          new MiniBatchKMeans({
            nClusters: 3,
            batchSize: 8,
            randomState: seed,
            threads,
            backend,
          }).fit(X);
        const a = fitWith(1, 'wasm');
        const b = fitWith(3, 'wasm');
        const c = fitWith(1, 'reference');
        const d = fitWith(1, 'wasm');
        for (const other of [b, c, d]) {
          expect(other.centroids).toEqual(a.centroids);
          expect(other.labels).toEqual(a.labels);
          expect(other.nSteps).toBe(a.nSteps);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('computeLabels false: no labels, inertia from the smoothed batch inertia', () => {
    const mb = new MiniBatchKMeans({ nClusters: 6, computeLabels: false, randomState: 2 });
    mb.fit(blobs.X);
    expect(() => mb.labels).toThrow(/computeLabels/);
    expect(mb.inertia).toBeGreaterThan(0);
    expect(mb.fitPredict(blobs.X)).toEqual(mb.predict(blobs.X));
  });

  it('nInit as scikit-learn: arrays run once; auto is 1 for k-means++, 3 for random', () => {
    expect(new MiniBatchKMeans().options.nInit).toBe(3);
    expect(new MiniBatchKMeans({ nInit: 'auto' }).options.nInit).toBe(1);
    expect(new MiniBatchKMeans({ nInit: 'auto', init: 'random' }).options.nInit).toBe(3);
    expect(new MiniBatchKMeans({ nClusters: 1, init: [[0, 0]], nInit: 5 }).options.nInit).toBe(1);
  });
});

describe('MiniBatchKMeans queries and persistence', () => {
  const mb = new MiniBatchKMeans({ nClusters: 6, batchSize: 300, randomState: 4 }).fit(blobs.X);

  it('predict, transform and score agree', () => {
    const rows = [
      [0, 0, 0, 0],
      [5, -3, 2, 1],
    ];
    const distances = mb.transform(rows);
    const labels = mb.predict(rows);
    labels.forEach((label, i) => {
      expect(distances[i][label]).toBe(Math.min(...distances[i]));
    });
    const expected = -distances.reduce((s, d) => s + Math.min(...d) ** 2, 0);
    expect(mb.score(rows)).toBeCloseTo(expected, 9);
    expect(mb.score(rows, { sampleWeight: [2, 0] })).toBeCloseTo(
      -2 * Math.min(...distances[0]) ** 2,
      9,
    );
  });

  it('toJSON / fromJSON keep the model, and partialFit continues alike', () => {
    const copy = MiniBatchKMeans.fromJSON(JSON.stringify(mb.toJSON()), {
      reassignmentRatio: 0,
    });
    expect(copy.centroids).toEqual(mb.centroids);
    expect(copy.labels).toEqual(mb.labels);
    expect(copy.nSteps).toBe(mb.nSteps);
    const original = MiniBatchKMeans.fromJSON(mb.toJSON(), { reassignmentRatio: 0 });
    const batch = Array.from({ length: 50 }, (_, i) => [i % 3, i % 5, -i % 4, 1]);
    copy.partialFit(batch);
    original.partialFit(batch);
    expect(copy.centroids).toEqual(original.centroids);
    expect(copy.nSteps).toBe(mb.nSteps + 1);
  });

  it('fromJSON rejects broken models with a clear error', () => {
    const json = mb.toJSON();
    expect(() => MiniBatchKMeans.fromJSON({ ...json, format: 'lloyd.kmeans' })).toThrow(
      /format must be "lloyd.minibatch-kmeans"/,
    );
    expect(() => MiniBatchKMeans.fromJSON({ ...json, counts: [1, 2] })).toThrow(/counts must be 6/);
    expect(() => MiniBatchKMeans.fromJSON({ ...json, labels: [9] })).toThrow(/label 0 is not in/);
    expect(() => MiniBatchKMeans.fromJSON('{')).toThrow(ValidationError);
  });
});

describe('MiniBatchKMeans.partialFit', () => {
  it('initialises from the first batch, then steps; counts add up the weights seen', () => {
    const mb = new MiniBatchKMeans({ nClusters: 2, randomState: 0, reassignmentRatio: 0 });
    mb.partialFit(
      [
        [0, 0],
        [0, 1],
        [10, 10],
        [10, 11],
      ],
      { sampleWeight: [1, 1, 2, 2] },
    );
    expect(mb.nSteps).toBe(1);
    expect(mb.counts.reduce((a, b) => a + b, 0)).toBe(6);
    mb.partialFit([[0, 2]]);
    expect(mb.nSteps).toBe(2);
    expect(mb.labels).toHaveLength(1);
    expect(mb.counts.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('a bad batch throws and leaves the model as it was', () => {
    const mb = new MiniBatchKMeans({ nClusters: 2, randomState: 0 });
    mb.partialFit([
      [0, 0],
      [5, 5],
      [0, 1],
    ]);
    const before = mb.toJSON();
    expect(() => mb.partialFit([[1, 2, 3]])).toThrow(ValidationError);
    expect(() => mb.partialFit([[1, Number.NaN]])).toThrow(/finite/);
    expect(() => mb.partialFit([[1, 2]], { sampleWeight: [1, 2] })).toThrow(/sampleWeight/);
    expect(mb.toJSON()).toEqual(before);
  });

  it('the first batch needs at least nClusters rows', () => {
    const mb = new MiniBatchKMeans({ nClusters: 3 });
    expect(() => mb.partialFit([[1, 2]])).toThrow(/at least nClusters rows; got 1/);
    expect(mb.isFitted).toBe(false);
  });
});

describe('MiniBatchKMeans validation', () => {
  it('names the bad option, its value and what is allowed', () => {
    expect(() => new MiniBatchKMeans({ batchSize: 0 })).toThrow(
      /batchSize: must be a positive integer; got 0/,
    );
    expect(() => new MiniBatchKMeans({ reassignmentRatio: -1 })).toThrow(
      /reassignmentRatio: must be a finite number >= 0; got -1/,
    );
    expect(() => new MiniBatchKMeans({ maxNoImprovement: 0 })).toThrow(/maxNoImprovement/);
    expect(() => new MiniBatchKMeans({ tol: Number.NaN })).toThrow(/tol/);
    expect(() => new MiniBatchKMeans({ initSize: 1.5 })).toThrow(/initSize/);
    expect(() => new MiniBatchKMeans({ computeLabels: 'yes' as unknown as boolean })).toThrow(
      /computeLabels: must be true or false/,
    );
    expect(() => new MiniBatchKMeans({ batch: 3 } as unknown as object)).toThrow(
      /batch: is not a MiniBatchKMeans option/,
    );
  });

  it('refuses k > n, and queries before fit', () => {
    expect(() => new MiniBatchKMeans({ nClusters: 5 }).fit([[1], [2]])).toThrow(
      /nClusters: must be at most the number of rows of X \(2\); got 5/,
    );
    const mb = new MiniBatchKMeans();
    expect(() => mb.predict([[1]])).toThrow(NotFittedError);
    expect(() => mb.centroids).toThrow(NotFittedError);
  });
});

describe('MiniBatchKMeans.fit on a file read row by row', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lloyd-minibatch-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each([
    ['float64', 'float64', false],
    ['float32', 'float32', true],
    ['float64', 'float32', false],
  ] as const)(
    'an NPY file of %s, fitted as %s (weights %s): the in-memory fit, bit for bit',
    async (fileType, dtype, weighted) => {
      const { X } = makeBlobs({
        nSamples: 5003,
        nFeatures: 6,
        centers: 7,
        randomState: 11,
        dtype: fileType,
      });
      const path = join(folder, `blobs-${fileType}-${dtype}.npy`);
      writeFileSync(path, encodeNpy(X));
      const sampleWeight = weighted
        ? Array.from({ length: X.rows }, (_, i) => 1 + (i % 5) / 4)
        : undefined;
      const options = { nClusters: 7, batchSize: 256, randomState: 4, dtype, tol: 1e-4 } as const;
      const inMemory = new MiniBatchKMeans(options).fit(X, { sampleWeight });
      const rows = await openRows(path);
      try {
        const fromFile = new MiniBatchKMeans(options).fit(rows, { sampleWeight });
        expect(fromFile.centroids).toEqual(inMemory.centroids);
        expect(Array.from(fromFile.labels)).toEqual(Array.from(inMemory.labels));
        expect(fromFile.inertia).toBe(inMemory.inertia);
        expect([fromFile.nSteps, fromFile.nIter]).toEqual([inMemory.nSteps, inMemory.nIter]);
        expect(Array.from(fromFile.counts)).toEqual(Array.from(inMemory.counts));
      } finally {
        await rows.close();
      }
    },
  );

  it('a file no larger than the init sample is read whole, with the same result', async () => {
    const { X } = makeBlobs({ nSamples: 500, nFeatures: 3, centers: 4, randomState: 2 });
    const path = join(folder, 'small.npy');
    writeFileSync(path, encodeNpy(X));
    const options = { nClusters: 4, batchSize: 200, randomState: 1 } as const;
    const rows = await openRows(path);
    try {
      const fromFile = new MiniBatchKMeans(options).fit(rows);
      const inMemory = new MiniBatchKMeans(options).fit(X);
      expect(fromFile.centroids).toEqual(inMemory.centroids);
      expect(fromFile.inertia).toBe(inMemory.inertia);
    } finally {
      await rows.close();
    }
  });
});
