import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactlySummable, medianOf, weightedMedianOf } from '../src/kmeans/medians.js';

/** The median by sorting, as the update computed it before selection: the oracle. */
function sortedMedian(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The weighted median by sorting (ties in input order), as the update computed it: the oracle. */
function sortedWeightedMedian(values: number[], weights: number[]): number {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b] || a - b);
  let total = 0;
  for (const w of weights) total += w;
  const half = total / 2;
  let cumulative = 0;
  for (let p = 0; p < order.length; p++) {
    cumulative += weights[order[p]];
    if (cumulative >= half) {
      if (cumulative === half && p + 1 < order.length)
        return (values[order[p]] + values[order[p + 1]]) / 2;
      return values[order[p]];
    }
  }
  return values[order[order.length - 1]];
}

/** Values with many ties, signed zeros and extremes beside ordinary ones. */
const valuesArb = fc.array(
  fc.oneof(
    fc.constantFrom(0, -0, 1, -1, 2.5, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324),
    fc.integer({ min: -4, max: 4 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  { minLength: 1, maxLength: 60 },
);

describe('medians by selection', () => {
  it('give exactly the sorted median: same bits, -0 before +0, even counts averaged', () => {
    fc.assert(
      fc.property(valuesArb, (values) => {
        const got = medianOf(Float64Array.from(values), values.length);
        expect(Object.is(got, sortedMedian(values))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('weighted: exactly the sorted rule where the weights sum exactly, NaN (sort) where it cannot tell', () => {
    const weightArb = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0.5, 0.25, 1.75, 3));
    fc.assert(
      fc.property(
        valuesArb.chain((values) =>
          fc.tuple(
            fc.constant(values),
            fc.array(weightArb, { minLength: values.length, maxLength: values.length }),
          ),
        ),
        ([values, weights]) => {
          const w = Float64Array.from(weights);
          expect(exactlySummable(w)).toBe(true);
          let total = 0;
          for (const x of weights) total += x;
          const got = weightedMedianOf(Float64Array.from(values), w, values.length, total / 2);
          const expected = sortedWeightedMedian(values, weights);
          if (Number.isNaN(got)) {
            // Only where sorting's order of equal values could show: a zero, or values so
            // large that two of them overflow.
            const huge = values.some((v) => Math.abs(v) > Number.MAX_VALUE / 2);
            expect(expected === 0 || huge).toBe(true);
          } else expect(Object.is(got, expected)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('exactlySummable: integers and dyadic fractions yes, 0.1 or totals past 2^53 no', () => {
    expect(exactlySummable(Float64Array.of(1, 2, 3))).toBe(true);
    expect(exactlySummable(Float64Array.of(0.5, 0.125, 7))).toBe(true);
    expect(exactlySummable(Float64Array.of(1, 0.1))).toBe(false);
    expect(exactlySummable(Float64Array.of(2 ** 52, 2 ** 52))).toBe(false);
  });
});
