import { describe, expect, it } from 'vitest';
import { BisectingKMeans, type BisectingNode } from '../src/index.js';
import { maxRelativeDifference, readFixture } from './helpers/fixtures.js';

interface GoldenNode {
  center: number[];
  score: number;
  size: number;
  label?: number;
  children: [GoldenNode, GoldenNode] | null;
}

interface GoldenCase {
  name: string;
  k: number;
  bisectingStrategy: 'biggest_inertia' | 'largest_cluster';
  init: 'random' | 'k-means++';
  X: number[][];
  sampleWeight: number[] | null;
  labels: number[];
  centroids: number[][];
  inertia: number;
  tree: GoldenNode;
  queries: number[][];
  predicted: number[];
  flatNearest: number[];
}

const golden = readFixture<{ sklearn: string; cases: GoldenCase[] }>('bisecting-golden.json');

/**
 * Checks that two trees are the same up to swapping the two children of a node (which half is
 * cluster 0 depends on the random starting centres), and returns the map from scikit-learn's
 * leaf labels to lloyd's.
 */
function matchTrees(ours: BisectingNode, theirs: GoldenNode, leafMap: Map<number, number>): void {
  expect(ours.size).toBe(theirs.size);
  expect(maxRelativeDifference(ours.center, theirs.center)).toBeLessThan(1e-9);
  if (theirs.children === null || ours.children === null) {
    expect(ours.children).toBeNull();
    expect(theirs.children).toBeNull();
    leafMap.set(theirs.label ?? -1, ours.label);
    return;
  }
  const [a, b] = theirs.children;
  const straight = maxRelativeDifference(ours.children[0].center, a.center) < 1e-9;
  const [first, second] = straight ? [a, b] : [b, a];
  matchTrees(ours.children[0], first, leafMap);
  matchTrees(ours.children[1], second, leafMap);
  expect(Math.abs(ours.children[0].score - first.score)).toBeLessThanOrEqual(
    1e-9 * Math.max(1, first.score),
  );
}

describe(`BisectingKMeans against scikit-learn ${golden.sklearn} (nested, well-separated blobs)`, () => {
  for (const c of golden.cases) {
    for (const seed of [0, 1]) {
      it(`${c.name}, seed ${seed}: the same tree, labels, inertia and predictions`, () => {
        const model = new BisectingKMeans({
          nClusters: c.k,
          bisectingStrategy: c.bisectingStrategy,
          init: c.init,
          randomState: seed,
        }).fit(c.X, { sampleWeight: c.sampleWeight ?? undefined });
        const leafMap = new Map<number, number>();
        matchTrees(model.tree, c.tree, leafMap);
        expect(Array.from(model.labels)).toEqual(c.labels.map((label) => leafMap.get(label)));
        expect(Math.abs(model.inertia - c.inertia)).toBeLessThanOrEqual(1e-9 * c.inertia);
        expect(Array.from(model.predict(c.queries))).toEqual(
          c.predicted.map((label) => leafMap.get(label)),
        );
      });
    }
  }

  it('predict walks the tree: on some queries it differs from the nearest leaf, as in scikit-learn', () => {
    const differs = golden.cases.some((c) => c.predicted.some((p, i) => p !== c.flatNearest[i]));
    expect(differs).toBe(true);
  });
});
