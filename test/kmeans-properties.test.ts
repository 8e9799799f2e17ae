import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KMeans, type MetricName } from '../src/index.js';

const METRICS: MetricName[] = ['euclidean', 'manhattan', 'cosine'];

/** Rows of small integers: sums are exact, so results cannot depend on summation order. */
const integerRows = (minRows: number, maxRows: number) =>
  fc.integer({ min: 1, max: 4 }).chain((d) =>
    fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: d, maxLength: d }), {
      minLength: minRows,
      maxLength: maxRows,
    }),
  );

/** Rows of real numbers. */
const realRows = (minRows: number, maxRows: number) =>
  fc.integer({ min: 1, max: 5 }).chain((d) =>
    fc.array(
      fc.array(fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), {
        minLength: d,
        maxLength: d,
      }),
      { minLength: minRows, maxLength: maxRows },
    ),
  );

const nonZeroRows = (rows: number[][]) => rows.filter((r) => r.some((v) => v !== 0));

/** The first `k` distinct rows of X, in order (fewer when X has fewer). */
function firstDistinctRows(X: number[][], k: number): number[][] {
  const seen = new Set<string>();
  const rows: number[][] = [];
  for (const row of X) {
    const key = row.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(row);
    if (rows.length === k) break;
  }
  return rows;
}

/**
 * Whether an assignment after the first leaves a cluster empty in a fit from `init` that ran
 * `nIter` iterations. A fit stopped after t iterations ends with the assignment to its centres,
 * which is the full fit's assignment t + 1, so fits stopped after 1 to nIter see them all.
 */
function emptiesAClusterLater(X: number[][], k: number, init: number[][], nIter: number) {
  for (let t = 1; t <= nIter; t++) {
    const prefix = new KMeans({ nClusters: k, init, maxIter: t }).fit(X);
    if (new Set(prefix.labels).size < k) return true;
  }
  return false;
}

describe('properties', () => {
  it('the objective never rises across iterations (every metric)', () => {
    fc.assert(
      fc.property(
        realRows(3, 40),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(...METRICS),
        fc.nat(),
        (rows, k, metric, seed) => {
          const X = metric === 'cosine' ? nonZeroRows(rows) : rows;
          fc.pre(X.length >= k);
          const inertias: number[] = [];
          const km = new KMeans({
            nClusters: k,
            metric,
            randomState: seed,
            tol: 0,
            onIteration: ({ inertia }) => {
              inertias.push(inertia);
            },
          }).fit(X);
          for (let i = 1; i < inertias.length; i++) {
            expect(inertias[i]).toBeLessThanOrEqual(inertias[i - 1] * (1 + 1e-9) + 1e-9);
          }
          expect(km.inertia).toBeLessThanOrEqual(inertias[inertias.length - 1] * (1 + 1e-9) + 1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('every label is the nearest centroid (every metric)', () => {
    fc.assert(
      fc.property(
        integerRows(2, 40),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(...METRICS),
        fc.nat(),
        (rows, k, metric, seed) => {
          const X = metric === 'cosine' ? nonZeroRows(rows) : rows;
          fc.pre(X.length >= k);
          const km = new KMeans({ nClusters: k, metric, randomState: seed }).fit(X);
          const distances = km.transform(X);
          km.labels.forEach((label, i) => {
            expect(distances[i][label]).toBe(Math.min(...distances[i]));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  /**
   * Row order can change a fit only through empty-cluster relocation: an empty cluster takes the
   * row farthest from its centre, ties to the lower row index (as scikit-learn), so with tied
   * distances which row moves depends on the order. Two cases are ruled out:
   * - the first assignment: init is X's first k distinct rows, and a row equal to a centre is
   *   nearest to that centre alone, so no cluster starts empty (X.slice(0, k) could repeat a row);
   * - a later assignment that empties a cluster, which distinct centres do not prevent: such
   *   cases are skipped. Until a cluster empties both orders move the same centres, so one fit
   *   tells.
   */
  it('does not depend on row order', () => {
    fc.assert(
      fc.property(integerRows(4, 40), fc.integer({ min: 1, max: 4 }), fc.nat(), (X, k, seed) => {
        const init = firstDistinctRows(X, k);
        fc.pre(init.length === k);
        const order = X.map((_, i) => i);
        // A seeded shuffle of the rows.
        let s = seed;
        for (let i = order.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) % 2147483648;
          const j = s % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const a = new KMeans({ nClusters: k, init }).fit(X);
        fc.pre(!emptiesAClusterLater(X, k, init, a.nIter));
        const b = new KMeans({ nClusters: k, init }).fit(order.map((i) => X[i]));
        expect(b.centroids).toEqual(a.centroids);
        expect(order.map((i) => a.labels[i])).toEqual(Array.from(b.labels));
        expect(b.inertia).toBeCloseTo(a.inertia, 9);
        expect(b.nIter).toBe(a.nIter);
      }),
      {
        numRuns: 100,
        examples: [
          // Fewer than k distinct rows: X.slice(0, k) repeated [0], leaving a cluster empty at once.
          [[[0], [0], [1], [0], [2]], 4, 207572219],
          // Distinct initial rows, then a cluster empties later and relocation sees the order.
          [
            [
              [34, -1],
              [24, 1],
              [48, -14],
              [-22, -22],
              [-45, 44],
              [40, 42],
              [29, 42],
            ],
            4,
            965051342,
          ],
          [
            [
              [44, 6, -28],
              [35, -25, -25],
              [-10, -39, 21],
              [-4, 49, 37],
              [-12, 31, 7],
            ],
            3,
            2003335442,
          ],
        ],
      },
    );
  });

  it('does not depend on the scale of the weights', () => {
    fc.assert(
      fc.property(
        integerRows(3, 30).chain((X) =>
          fc.tuple(
            fc.constant(X),
            fc.array(fc.integer({ min: 1, max: 9 }), { minLength: X.length, maxLength: X.length }),
          ),
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0.25, 2, 1024),
        fc.constantFrom(...METRICS),
        fc.nat(),
        ([rows, weights], k, scale, metric, seed) => {
          const keep = rows.map((r) => metric !== 'cosine' || r.some((v) => v !== 0));
          const X = rows.filter((_, i) => keep[i]);
          const w = weights.filter((_, i) => keep[i]);
          fc.pre(X.length >= k);
          const a = new KMeans({ nClusters: k, metric, randomState: seed }).fit(X, {
            sampleWeight: w,
          });
          const b = new KMeans({ nClusters: k, metric, randomState: seed }).fit(X, {
            sampleWeight: w.map((v) => v * scale),
          });
          expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
          expect(b.centroids).toEqual(a.centroids);
          expect(b.inertia).toBeCloseTo(a.inertia * scale, 6);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('k = 1 gives the weighted mean', () => {
    fc.assert(
      fc.property(
        realRows(1, 30).chain((X) =>
          fc.tuple(
            fc.constant(X),
            fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), {
              minLength: X.length,
              maxLength: X.length,
            }),
          ),
        ),
        ([X, w]) => {
          const km = new KMeans({ nClusters: 1, randomState: 0 }).fit(X, { sampleWeight: w });
          const total = w.reduce((a, b) => a + b, 0);
          const mean = X[0].map(
            (_, t) => X.reduce((acc, row, i) => acc + row[t] * w[i], 0) / total,
          );
          km.centroids[0].forEach((v, t) => {
            expect(Math.abs(v - mean[t])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(mean[t])));
          });
          expect(Array.from(km.labels).every((l) => l === 0)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('k = n distinct points gives inertia 0', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 25 }),
        fc.constantFrom<'k-means++' | 'k-means||' | 'random'>('k-means++', 'k-means||', 'random'),
        fc.nat(),
        (values, init, seed) => {
          const X = values.map((v) => [v, v % 7]);
          const km = new KMeans({ nClusters: X.length, init, randomState: seed }).fit(X);
          expect(km.inertia).toBe(0);
          expect(new Set(km.labels).size).toBe(X.length);
          expect(km.warnings).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the same seed gives the same result', () => {
    fc.assert(
      fc.property(
        realRows(2, 40),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<'k-means++' | 'k-means||' | 'random'>('k-means++', 'k-means||', 'random'),
        fc.nat(),
        (X, k, init, seed) => {
          fc.pre(X.length >= k);
          const a = new KMeans({ nClusters: k, init, randomState: seed }).fit(X);
          const b = new KMeans({ nClusters: k, init, randomState: seed }).fit(X);
          expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
          expect(b.centroids).toEqual(a.centroids);
          expect(b.inertia).toBe(a.inertia);
        },
      ),
      { numRuns: 100 },
    );
  });
});
