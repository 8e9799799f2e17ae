import fc from 'fast-check';
import { jenks, ckmeans as simpleStatisticsCkmeans } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { ckmeans, naturalBreaks, ValidationError } from '../src/index.js';

/** The least within-cluster sum of squares over every assignment of values to k labels. */
function bruteForceInertia(values: number[], k: number): number {
  const n = values.length;
  const labels = new Array<number>(n).fill(0);
  let best = Number.POSITIVE_INFINITY;
  const total = k ** n;
  for (let code = 0; code < total; code++) {
    let rest = code;
    for (let i = 0; i < n; i++) {
      labels[i] = rest % k;
      rest = Math.floor(rest / k);
    }
    let cost = 0;
    let used = 0;
    for (let c = 0; c < k; c++) {
      const members = values.filter((_, i) => labels[i] === c);
      if (members.length === 0) continue;
      used++;
      const mean = members.reduce((a, b) => a + b, 0) / members.length;
      cost += members.reduce((a, b) => a + (b - mean) ** 2, 0);
    }
    if (used === Math.min(k, new Set(values).size)) best = Math.min(best, cost);
  }
  return best;
}

describe('ckmeans: optimal 1-D k-means', () => {
  it('splits a small example as simple-statistics documents it', () => {
    const result = ckmeans([-1, 2, -1, 2, 4, 5, 6, -1, 2, -1], 3);
    expect(result.clusters).toEqual([
      [-1, -1, -1, -1],
      [2, 2, 2],
      [4, 5, 6],
    ]);
    expect(Array.from(result.labels)).toEqual([0, 1, 0, 1, 2, 2, 2, 0, 1, 0]);
    expect(result.centers).toEqual([-1, 2, 5]);
    expect(result.sizes).toEqual([4, 3, 3]);
    expect(result.withinss).toEqual([0, 0, 2]);
    expect(result.inertia).toBe(2);
  });

  it('reaches the least sum of squares of any assignment (brute force, n <= 7)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 3 }),
        (values, kWanted) => {
          const k = Math.min(kWanted, values.length);
          const result = ckmeans(values, k);
          expect(result.inertia).toBeCloseTo(bruteForceInertia(values, k), 9);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("equals simple-statistics' ckmeans, duplicates and ties included", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -5, max: 5 }),
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        fc.integer({ min: 1, max: 12 }),
        (raw, kWanted) => {
          const values = raw.map((v) => (Object.is(v, -0) ? 0 : v));
          const k = Math.min(kWanted, values.length);
          const ours = ckmeans(values, k);
          expect(ours.clusters).toEqual(simpleStatisticsCkmeans(values, k));
          // Labels agree with the clusters, in input order.
          const counts = ours.sizes.map(() => 0);
          values.forEach((v, i) => {
            const cluster = ours.labels[i];
            counts[cluster]++;
            expect(ours.clusters[cluster]).toContain(v);
          });
          expect(counts).toEqual(ours.sizes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals simple-statistics on 20,000 clustered values at k = 10', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = Array.from({ length: 20_000 }, () => Math.floor(next() * 10) * 50 + next() * 30);
    const ours = ckmeans(Float64Array.from(values), 10);
    expect(ours.clusters).toEqual(simpleStatisticsCkmeans(values, 10));
    expect(ours.sizes.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('keeps one cluster for identical values, as simple-statistics', () => {
    const result = ckmeans([3, 3, 3], 2);
    expect(result.clusters).toEqual(simpleStatisticsCkmeans([3, 3, 3], 2));
    expect(result.clusters).toEqual([[3, 3, 3]]);
    expect(Array.from(result.labels)).toEqual([0, 0, 0]);
    expect(result.inertia).toBe(0);
  });

  it('never modifies its input', () => {
    const values = [5, 1, 4, 2];
    ckmeans(values, 2);
    expect(values).toEqual([5, 1, 4, 2]);
  });

  it('rejects bad values and k with errors naming them', () => {
    const error = (action: () => unknown) => {
      try {
        action();
      } catch (caught) {
        if (caught instanceof ValidationError) return caught.message;
      }
      throw new Error('expected a ValidationError');
    };
    expect(error(() => ckmeans([1, 2, 3], 4))).toBe(
      'k: must be at most the number of values (3); got 4',
    );
    expect(error(() => ckmeans([1, 2, 3], 0))).toBe('k: must be a positive integer; got 0');
    expect(error(() => ckmeans([1, 2.5], 1.5))).toBe('k: must be a positive integer; got 1.5');
    expect(error(() => ckmeans([], 1))).toBe('values: must hold at least one value; got 0');
    expect(error(() => ckmeans([1, Number.NaN], 1))).toBe(
      'values: value 1 is NaN; every value must be a finite number',
    );
    expect(error(() => ckmeans([1, '2'] as unknown as number[], 1))).toBe(
      'values: value 1 is "2"; every value must be a finite number',
    );
    expect(error(() => ckmeans(null as unknown as number[], 1))).toBe(
      'values: must be an array of numbers; got null',
    );
  });
});

describe('naturalBreaks: class boundaries for legends', () => {
  it("equals simple-statistics' jenks on distinct values", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        (values, kWanted) => {
          const k = Math.min(kWanted, values.length);
          const ours = naturalBreaks(values, k);
          const theirs = jenks(values, k);
          // Both are optimal; where two splits tie, each method may keep another.
          const cost = (breaks: number[]) => {
            const labels = values.map((v) => {
              let c = 0;
              while (c + 1 < breaks.length - 1 && v >= breaks[c + 1]) c++;
              return c;
            });
            let total = 0;
            for (let c = 0; c < k; c++) {
              const members = values.filter((_, i) => labels[i] === c);
              const mean = members.reduce((a, b) => a + b, 0) / members.length;
              total += members.reduce((a, b) => a + (b - mean) ** 2, 0);
            }
            return total;
          };
          expect(ours).toHaveLength(k + 1);
          expect(cost(ours)).toBeCloseTo(cost(theirs as number[]), 6);
        },
      ),
      { numRuns: 200 },
    );
    expect(naturalBreaks([1, 2, 4, 5, 12, 43, 52, 123, 234, 1244], 3)).toEqual(
      jenks([1, 2, 4, 5, 12, 43, 52, 123, 234, 1244], 3),
    );
  });

  it('gives one break per distinct class boundary', () => {
    expect(naturalBreaks([1, 1, 1, 2], 3)).toEqual([1, 2, 2]);
    expect(naturalBreaks([7, 7], 2)).toEqual([7, 7]);
  });
});
