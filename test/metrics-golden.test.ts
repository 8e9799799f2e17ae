import { describe, expect, it } from 'vitest';
import * as lloyd from '../src/index.js';
import { readFixture } from './helpers/fixtures.js';

type Label = number | string;
interface ExternalCase {
  name: string;
  truth: Label[];
  pred: Label[];
  scores: Record<string, number>;
  contingency: number[][];
  purity: number;
  purityPerCluster: number[];
}
interface InternalCase {
  name: string;
  X: number[][];
  labels: number[];
  silhouetteScore: number;
  silhouetteScoreManhattan: number;
  silhouetteScoreCosine: number;
  silhouetteSamples: number[];
  daviesBouldinScore: number;
  calinskiHarabaszScore: number;
}

const golden = readFixture<{ sklearn: string; external: ExternalCase[]; internal: InternalCase[] }>(
  'metrics-golden.json',
);
type Score = (truth: Label[], pred: Label[]) => number;
const scores = lloyd as unknown as Record<string, Score>;

function expectClose(actual: number, expected: number, what: string): void {
  const error = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  expect(error, `${what}: ${actual} vs scikit-learn's ${expected}`).toBeLessThanOrEqual(1e-9);
}

describe(`external scores equal scikit-learn ${golden.sklearn}'s`, () => {
  for (const c of golden.external) {
    it(c.name, () => {
      for (const [name, expected] of Object.entries(c.scores)) {
        expectClose(scores[name](c.truth, c.pred), expected, name);
      }
      expect(lloyd.contingencyMatrix(c.truth, c.pred).matrix).toEqual(c.contingency);
      expectClose(lloyd.purityScore(c.truth, c.pred), c.purity, 'purity');
      lloyd.purityScore(c.truth, c.pred, { perCluster: true }).forEach((p, j) => {
        expectClose(p, c.purityPerCluster[j], `purity of cluster ${j}`);
      });
    });
  }
});

describe(`internal scores equal scikit-learn ${golden.sklearn}'s`, () => {
  for (const c of golden.internal) {
    it(c.name, () => {
      expectClose(lloyd.silhouetteScore(c.X, c.labels), c.silhouetteScore, 'silhouette');
      expectClose(
        lloyd.silhouetteScore(c.X, c.labels, { metric: 'manhattan' }),
        c.silhouetteScoreManhattan,
        'silhouette (manhattan)',
      );
      expectClose(
        lloyd.silhouetteScore(c.X, c.labels, { metric: 'cosine' }),
        c.silhouetteScoreCosine,
        'silhouette (cosine)',
      );
      lloyd.silhouetteSamples(c.X, c.labels).forEach((s, i) => {
        expectClose(s, c.silhouetteSamples[i], `silhouette of sample ${i}`);
      });
      expectClose(lloyd.daviesBouldinScore(c.X, c.labels), c.daviesBouldinScore, 'Davies-Bouldin');
      expectClose(
        lloyd.calinskiHarabaszScore(c.X, c.labels),
        c.calinskiHarabaszScore,
        'Calinski-Harabasz',
      );
    });
  }
});

describe('score inputs', () => {
  it('contingencyMatrix sorts classes and clusters, numbers or strings', () => {
    const result = lloyd.contingencyMatrix(['b', 'a', 'a', 'c'], [10, 2, 2, 10]);
    expect(result).toEqual({
      matrix: [
        [2, 0],
        [0, 1],
        [0, 1],
      ],
      classes: ['a', 'b', 'c'],
      clusters: [2, 10],
    });
  });

  it('rejects mismatched lengths, empty arrays and mixed label kinds, naming the argument', () => {
    expect(() => lloyd.adjustedRandScore([0, 1], [0])).toThrow(
      /^pred: must have one label per sample of truth \(2\); got 1$/,
    );
    expect(() => lloyd.purityScore([], [])).toThrow(/^truth: is empty/);
    expect(() => lloyd.randScore([0, 'a'], [0, 1])).toThrow(/^truth: mixes numbers and strings/);
    expect(() => lloyd.mutualInfoScore([0, Number.NaN], [0, 1])).toThrow(/^truth: label 1 is NaN/);
  });

  it('internal scores reject one cluster, all singletons, NaN and mismatched labels', () => {
    const X = [[0], [1], [2], [3]];
    expect(() => lloyd.silhouetteScore(X, [0, 0, 0, 0])).toThrow(
      /^labels: has 1 distinct labels; valid values are 2 to n_samples - 1 \(3\)/,
    );
    expect(() => lloyd.daviesBouldinScore(X, [0, 1, 2, 3])).toThrow(
      /^labels: has 4 distinct labels/,
    );
    expect(() => lloyd.calinskiHarabaszScore([[0], [Number.NaN], [1]], [0, 1, 1])).toThrow(
      /^X: row 1, column 0 is NaN/,
    );
    expect(() => lloyd.silhouetteSamples(X, [0, 1])).toThrow(
      /^labels: must have one label per row of X \(4\); got 2$/,
    );
  });

  it('silhouetteScore on a seeded subset is reproducible and close to the full score', () => {
    const c = golden.internal[0];
    const a = lloyd.silhouetteScore(c.X, c.labels, { sampleSize: 150, randomState: 4 });
    const b = lloyd.silhouetteScore(c.X, c.labels, { sampleSize: 150, randomState: 4 });
    expect(a).toBe(b);
    expect(Math.abs(a - c.silhouetteScore)).toBeLessThan(0.05);
    expect(() => lloyd.silhouetteScore(c.X, c.labels, { sampleSize: 1 })).toThrow(/^sampleSize/);
  });
});
