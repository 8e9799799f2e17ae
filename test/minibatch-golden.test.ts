import { describe, expect, it } from 'vitest';
import { MiniBatchKMeans } from '../src/index.js';
import { maxRelativeDifference, readFixture } from './helpers/fixtures.js';

interface GoldenStep {
  batch: number[][];
  sampleWeight: number[] | null;
  constantBatch: boolean;
  reassigned: boolean;
  centroids: number[][];
  counts: number[];
  labels: number[];
  inertia: number;
}

interface GoldenCase {
  name: string;
  k: number;
  batchSize: number;
  reassignmentRatio: number;
  init: number[][];
  steps: GoldenStep[];
}

const golden = readFixture<{ sklearn: string; cases: GoldenCase[] }>('minibatch-golden.json');

describe(`MiniBatchKMeans.partialFit against scikit-learn ${golden.sklearn}'s partial_fit`, () => {
  it('the fixtures reassign centres', () => {
    expect(golden.cases.some((c) => c.steps.some((s) => s.reassigned))).toBe(true);
  });

  for (const c of golden.cases) {
    for (const threads of [1, 3]) {
      it(`${c.name} (${threads} thread${threads > 1 ? 's' : ''}): centres to 1e-9 after every step`, () => {
        const model = new MiniBatchKMeans({
          nClusters: c.k,
          init: c.init,
          batchSize: c.batchSize,
          reassignmentRatio: c.reassignmentRatio,
          randomState: 7,
          threads,
        });
        c.steps.forEach((step, i) => {
          model.partialFit(step.batch, { sampleWeight: step.sampleWeight ?? undefined });
          const where = `step ${i}`;
          expect(
            maxRelativeDifference(model.centroids.flat(), step.centroids.flat()),
            where,
          ).toBeLessThan(1e-9);
          expect(maxRelativeDifference(model.counts, step.counts), where).toBeLessThan(1e-12);
          expect(Array.from(model.labels), where).toEqual(step.labels);
          expect(Math.abs(model.inertia - step.inertia), where).toBeLessThanOrEqual(
            1e-9 * step.inertia,
          );
          expect(model.nSteps).toBe(i + 1);
        });
      });
    }
  }
});
