import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BisectingKMeans,
  type BisectingNode,
  makeBlobs,
  NotFittedError,
  ValidationError,
} from '../src/index.js';

const blobs = makeBlobs({ nSamples: 1200, nFeatures: 3, centers: 7, randomState: 5 });

/** Data sets with enough distinct rows for k = 4: small integer rows, 1 to 3 columns. */
const smallData = fc.integer({ min: 1, max: 3 }).chain((d) =>
  fc
    .array(fc.array(fc.integer({ min: -40, max: 40 }), { minLength: d, maxLength: d }), {
      minLength: 8,
      maxLength: 50,
    })
    .filter((rows) => new Set(rows.map((r) => r.join(','))).size >= 8),
);

function leaves(node: BisectingNode): BisectingNode[] {
  return node.children ? [...leaves(node.children[0]), ...leaves(node.children[1])] : [node];
}

function inner(node: BisectingNode): BisectingNode[] {
  return node.children ? [node, ...inner(node.children[0]), ...inner(node.children[1])] : [];
}

describe('BisectingKMeans tree', () => {
  it("the leaves partition the rows; every node's size is its children's; splits are numbered", () => {
    fc.assert(
      fc.property(
        smallData,
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom('biggest_inertia', 'largest_cluster') as fc.Arbitrary<
          'biggest_inertia' | 'largest_cluster'
        >,
        (X, seed, bisectingStrategy) => {
          const model = new BisectingKMeans({ nClusters: 4, randomState: seed, bisectingStrategy });
          model.fit(X);
          const tree = model.tree;
          expect(tree.size).toBe(X.length);
          const leafList = leaves(tree);
          expect(leafList.map((leaf) => leaf.label)).toEqual([0, 1, 2, 3]);
          const counts = new Array(4).fill(0);
          for (const label of model.labels) counts[label]++;
          expect(counts).toEqual(leafList.map((leaf) => leaf.size));
          for (const node of inner(tree)) {
            const [left, right] = node.children ?? [];
            expect(node.size).toBe((left?.size ?? 0) + (right?.size ?? 0));
          }
          expect(
            inner(tree)
              .map((node) => node.splitOrder)
              .sort(),
          ).toEqual([0, 1, 2]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is reproducible by randomState, for any thread count and backend', () => {
    fc.assert(
      fc.property(smallData, fc.integer({ min: 0, max: 100 }), (X, seed) => {
        const fitWith = (threads: number, backend: 'wasm' | 'reference') =>
          new BisectingKMeans({ nClusters: 4, randomState: seed, threads, backend }).fit(X);
        const a = fitWith(1, 'wasm');
        for (const other of [fitWith(3, 'wasm'), fitWith(1, 'reference'), fitWith(1, 'wasm')]) {
          expect(other.tree).toEqual(a.tree);
          expect(other.labels).toEqual(a.labels);
          expect(other.inertia).toBe(a.inertia);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('cut(k) is the clustering after k - 1 bisections', () => {
    const model = new BisectingKMeans({ nClusters: 7, randomState: 0 }).fit(blobs.X);
    expect(model.cut(7).labels).toEqual(model.labels);
    expect(model.cut(7).centroids).toEqual(model.centroids);
    expect(new Set(model.cut(1).labels)).toEqual(new Set([0]));
    const two = model.cut(2);
    const [left, right] = model.tree.children ?? [];
    expect(two.nodes).toEqual([left, right]);
    expect(two.labels.filter((label) => label === 0)).toHaveLength(left?.size ?? -1);
    for (let k = 1; k <= 7; k++) expect(new Set(model.cut(k).labels).size).toBe(k);
    expect(() => model.cut(8)).toThrow(/k: must be an integer in \[1, 7\]; got 8/);
    expect(() => model.cut(0)).toThrow(ValidationError);
  });

  it('node inertias add up: the leaves sum to the model inertia', () => {
    const model = new BisectingKMeans({ nClusters: 5, randomState: 1 }).fit(blobs.X);
    const total = leaves(model.tree).reduce((s, leaf) => s + leaf.inertia, 0);
    expect(Math.abs(total - model.inertia)).toBeLessThan(1e-9 * model.inertia);
    expect(model.tree.inertia).toBeGreaterThan(model.inertia);
  });
});

describe('BisectingKMeans queries and persistence', () => {
  const model = new BisectingKMeans({ nClusters: 6, randomState: 2 }).fit(blobs.X);

  it('predict walks the tree: on the training rows it gives the labels', () => {
    expect(model.predict(blobs.X)).toEqual(model.labels);
  });

  it('transform and score use the flat leaf centres', () => {
    const rows = [
      [0, 0, 0],
      [3, -2, 1],
    ];
    const distances = model.transform(rows);
    expect(distances[0]).toHaveLength(6);
    const expected = -distances.reduce((s, d) => s + Math.min(...d) ** 2, 0);
    expect(model.score(rows)).toBeCloseTo(expected, 9);
  });

  it('toJSON / fromJSON keep the tree, labels and predictions', () => {
    const copy = BisectingKMeans.fromJSON(JSON.stringify(model.toJSON()));
    expect(copy.tree).toEqual(model.tree);
    expect(copy.labels).toEqual(model.labels);
    expect(copy.centroids).toEqual(model.centroids);
    expect(copy.predict(blobs.X)).toEqual(model.labels);
  });

  it('fromJSON rejects broken models with a clear error', () => {
    const json = model.toJSON();
    expect(() => BisectingKMeans.fromJSON({ ...json, nClusters: 5 })).toThrow(
      /not a lloyd BisectingKMeans model/,
    );
    expect(() =>
      BisectingKMeans.fromJSON({ ...json, tree: { ...json.tree, center: [1] } }),
    ).toThrow(/tree.center must have 3 values/);
    expect(() => BisectingKMeans.fromJSON({ ...json, format: 'x' })).toThrow(ValidationError);
  });
});

describe('BisectingKMeans validation', () => {
  it('names the bad option, its value and what is allowed', () => {
    expect(
      () => new BisectingKMeans({ bisectingStrategy: 'smallest' as 'largest_cluster' }),
    ).toThrow(/bisectingStrategy: must be one of biggest_inertia, largest_cluster; got "smallest"/);
    expect(() => new BisectingKMeans({ init: 'k-means||' as 'random' })).toThrow(
      /init: must be one of random, k-means\+\+/,
    );
    expect(() => new BisectingKMeans({ nInit: 0 })).toThrow(/nInit/);
    expect(() => new BisectingKMeans({ algorithm: 'elkan' } as object)).toThrow(
      /algorithm: is not a BisectingKMeans option/,
    );
  });

  it('refuses k > n, and queries before fit', () => {
    expect(() => new BisectingKMeans({ nClusters: 3 }).fit([[1], [2]])).toThrow(
      /at most the number of rows/,
    );
    const model = new BisectingKMeans();
    expect(() => model.predict([[1]])).toThrow(NotFittedError);
    expect(() => model.tree).toThrow(NotFittedError);
  });
});
