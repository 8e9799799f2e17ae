import { describe, expect, it } from 'vitest';
import {
  decodePartial,
  distributedInertia,
  encodePartial,
  mergePartials,
  type PassPartial,
  partialPass,
  referenceBackend,
  relocationPass,
  relocationPlan,
  updateCentres,
  wasmBackend,
} from '../src/advanced.js';
import { KMeans, type Matrix, makeBlobs } from '../src/index.js';
import { sumBlockRows } from '../src/kernels/blocks.js';
import type { KernelBackend } from '../src/kernels/types.js';

/** Rows [start, end) of X as a matrix of their own (a shard). */
function rowsOf(X: Matrix, start: number, end: number): Matrix {
  return { data: X.data.slice(start * X.cols, end * X.cols), rows: end - start, cols: X.cols };
}

/** Shard starts: every `blocks` blocks of the whole matrix's block rows. */
function shardStarts(n: number, blocksPerShard: number[]): number[] {
  const blockRows = sumBlockRows(n);
  const starts = [0];
  for (const b of blocksPerShard) starts.push(starts[starts.length - 1] + b * blockRows);
  return starts.filter((s) => s < n);
}

interface DistributedFit {
  labels: Int32Array;
  centres: Float64Array;
  nIter: number;
  relocated: number;
  inertia: number;
}

/**
 * The driver of docs/distributed.md, in process: a pass over every shard, merge, plan (and the
 * relocation pass where clusters are empty), update; tol 0; one more pass when not strictly
 * converged, for the labels of the returned centres.
 */
function distributedFit(
  X: Matrix,
  starts: number[],
  init: Float64Array,
  k: number,
  maxIter: number,
  backend?: KernelBackend,
): DistributedFit {
  const n = X.rows;
  const shards = starts.map((start, i) => ({
    start,
    X: rowsOf(X, start, starts[i + 1] ?? n),
  }));
  let centres: Float64Array = init.slice();
  let previous: (Int32Array | undefined)[] = shards.map(() => undefined);
  let nIter = 0;
  let strict = false;
  let relocated = 0;
  const pass = (c: Float64Array, prev: (Int32Array | undefined)[]) =>
    shards.map((s, i) =>
      partialPass(s.X, {
        centres: c,
        k,
        firstRow: s.start,
        totalRows: n,
        previousLabels: prev[i],
        backend,
      }),
    );
  while (nIter < maxIter) {
    nIter++;
    const results = pass(centres, previous);
    const merged = mergePartials(results.map((r) => r.partial));
    const plan = relocationPlan(merged);
    const moved =
      plan.relocations.length === 0
        ? undefined
        : mergePartials(
            shards.map((s, i) =>
              relocationPass(s.X, {
                labels: results[i].labels,
                plan,
                firstRow: s.start,
                totalRows: n,
                backend,
              }),
            ),
          );
    relocated += plan.relocations.length;
    const update = updateCentres(merged, centres, moved);
    previous = results.map((r) => r.labels);
    centres = update.centres;
    if (update.changed === 0) {
      strict = true;
      break;
    }
    if (update.shift <= 0) break;
  }
  const last = pass(centres, previous);
  const labels = new Int32Array(n);
  const finalLabels = strict ? previous : last.map((r) => r.labels);
  for (const [i, l] of finalLabels.entries()) labels.set(l ?? [], shards[i].start);
  const inertia = distributedInertia(mergePartials(last.map((r) => r.partial)));
  return { labels, centres, nIter, relocated, inertia };
}

function singleFit(X: Matrix, init: Float64Array, k: number, maxIter: number) {
  const rows = Array.from({ length: k }, (_, j) =>
    Array.from(init.subarray(j * X.cols, (j + 1) * X.cols)),
  );
  return new KMeans({ nClusters: k, init: rows, nInit: 1, tol: 0, maxIter }).fit(X);
}

function expectSameFit(fit: DistributedFit, km: KMeans, d: number): void {
  expect(fit.nIter).toBe(km.nIter);
  expect(Array.from(fit.labels)).toEqual(Array.from(km.labels));
  // Bit for bit: Object.is tells -0 from 0; toEqual on the arrays compares every value exactly.
  expect(Array.from(fit.centres)).toEqual(km.centroids.flat());
  expect(fit.centres.length).toBe(km.centroids.length * d);
}

const blobs = makeBlobs({
  nSamples: 20_000,
  nFeatures: 8,
  centers: 6,
  clusterStd: 4,
  randomState: 3,
});
const X = blobs.X;

/** k rows of X as centres. */
function rowsAsCentres(rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * X.cols);
  for (const [j, r] of rows.entries())
    out.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), j * X.cols);
  return out;
}

describe('the kernels a shard is bound with', () => {
  it('sum in the blocks of blockRows, unreduced, alike on every backend and binding', () => {
    const shard = rowsOf(X, 0, 3000);
    const k = 4;
    const labels = Int32Array.from({ length: 3000 }, (_, i) => (i * 7) % k);
    const weights = Float64Array.from({ length: 3000 }, (_, i) => 1 + (i % 3));
    const blockRows = sumBlockRows(X.rows);
    const blocks = Math.ceil(3000 / blockRows);
    const sumsOf = (kernels: ReturnType<KernelBackend['bind']>) => {
      const sums = new Float64Array(blocks * k * X.cols);
      const clusterWeights = new Float64Array(blocks * k);
      kernels.blockSums?.(weights, labels, k, sums, clusterWeights);
      const reduced = new Float64Array(k * X.cols);
      const reducedWeights = new Float64Array(k);
      kernels.sumByCluster(weights, labels, k, reduced, reducedWeights);
      kernels.release();
      return [sums, clusterWeights, reduced, reducedWeights].map((a) => Array.from(a));
    };
    const reference = sumsOf(referenceBackend.bind(shard, { blockRows }));
    expect(reference[0].length).toBe(blocks * k * X.cols);
    expect(sumsOf(wasmBackend.bind(shard, { blockRows }))).toEqual(reference);
    const allocated = wasmBackend.allocate?.(3000, X.cols, 'float64', { blockRows });
    if (allocated) {
      allocated.matrix.data.set(shard.data);
      expect(sumsOf(allocated.bind())).toEqual(reference);
    }
    // The shard's own blocks would be other sums: the option matters.
    expect(sumBlockRows(3000)).not.toBe(blockRows);
  });
});

describe('distributed passes', () => {
  it('give the same partial bits on the wasm and reference backends', () => {
    const starts = shardStarts(X.rows, [4, 4, 4]);
    const centres = rowsAsCentres([1, 7, 100, 2000, 3001, 9999]);
    for (const [i, start] of starts.entries()) {
      const shard = rowsOf(X, start, starts[i + 1] ?? X.rows);
      const options = { centres, k: 6, firstRow: start, totalRows: X.rows };
      const a = partialPass(shard, { ...options, backend: wasmBackend });
      const b = partialPass(shard, { ...options, backend: referenceBackend });
      expect(encodePartial(a.partial)).toEqual(encodePartial(b.partial));
      expect(a.labels).toEqual(b.labels);
    }
  });

  it('give the same bits with float32 rows and with threads (a wider shard)', () => {
    const wide = makeBlobs({ nSamples: 9000, nFeatures: 40, centers: 5, randomState: 8 }).X;
    const f32 = makeBlobs({
      nSamples: 9000,
      nFeatures: 40,
      centers: 5,
      randomState: 8,
      dtype: 'float32',
    }).X;
    const centres = Float64Array.from(wide.data.subarray(0, 5 * 40));
    const starts = [0, 4 * sumBlockRows(9000)];
    for (const data of [wide, f32]) {
      for (const [i, start] of starts.entries()) {
        const shard = rowsOf(data, start, starts[i + 1] ?? 9000);
        const options = { centres, k: 5, firstRow: start, totalRows: 9000 };
        const a = partialPass(shard, { ...options, backend: wasmBackend, threads: 2 });
        const b = partialPass(shard, { ...options, backend: referenceBackend });
        expect(encodePartial(a.partial)).toEqual(encodePartial(b.partial));
      }
    }
  });

  it('merge to the same bits in any grouping and order, and round-trip through bytes', () => {
    const starts = shardStarts(X.rows, [3, 5, 2, 4]);
    const centres = rowsAsCentres([5, 50, 500, 5000, 15000, 19999]);
    const parts = starts.map(
      (start, i) =>
        partialPass(rowsOf(X, start, starts[i + 1] ?? X.rows), {
          centres,
          k: 6,
          firstRow: start,
          totalRows: X.rows,
        }).partial,
    );
    expect(parts.length).toBe(5);
    const [a, b, c, d, e] = parts;
    const bytes = (p: PassPartial) => encodePartial(p);
    const flat = bytes(mergePartials(parts));
    const groupings = [
      mergePartials([mergePartials([a, b]), mergePartials([c, d, e])]),
      mergePartials([a, mergePartials([b, mergePartials([c, mergePartials([d, e])])])]),
      mergePartials([e, d, c, b, a]),
      mergePartials([mergePartials([e, a]), c, mergePartials([d, b])]),
    ];
    for (const g of groupings) expect(bytes(g)).toEqual(flat);
    const decoded = decodePartial(flat);
    expect(bytes(decoded)).toEqual(flat);
    // The merged pass's sums are a single pass's over every row.
    const whole = partialPass(X, { centres, k: 6, firstRow: 0, totalRows: X.rows }).partial;
    expect(bytes(whole)).toEqual(flat);
  });

  it('refuse shards that split a block, overlapping partials and an incomplete update', () => {
    const blockRows = sumBlockRows(X.rows);
    const centres = rowsAsCentres([0, 1]);
    const pass = (start: number, end: number) =>
      partialPass(rowsOf(X, start, end), { centres, k: 2, firstRow: start, totalRows: X.rows });
    expect(() => pass(10, 2000)).toThrow(`must be a multiple of ${blockRows}`);
    expect(() => pass(0, blockRows + 1)).toThrow('end inside block 1');
    const a = pass(0, 2 * blockRows).partial;
    expect(() => mergePartials([a, pass(blockRows, 3 * blockRows).partial])).toThrow(
      'block 1 (rows from',
    );
    expect(() => updateCentres(a, centres)).toThrow('missing block 2');
    const other = partialPass(rowsOf(X, 2 * blockRows, X.rows), {
      centres: rowsAsCentres([2, 3]),
      k: 2,
      firstRow: 2 * blockRows,
      totalRows: X.rows,
    }).partial;
    expect(() => mergePartials([a, other])).toThrow('centres fingerprint');
  });
});

describe('a distributed fit', () => {
  it('equals a single-process fit bit for bit: labels, centroids, nIter', () => {
    const init = rowsAsCentres([11, 222, 3333, 4444, 5555, 16666]);
    const fit = distributedFit(X, shardStarts(X.rows, [4, 3, 5]), init, 6, 100);
    const km = singleFit(X, init, 6, 100);
    expect(fit.nIter).toBeGreaterThan(3);
    expectSameFit(fit, km, X.cols);
    // The distributed inertia is its own sum; a single fit's may differ in the last bits only.
    expect(fit.inertia).toBeCloseTo(km.inertia, 6);
    const whole = partialPass(X, {
      centres: fit.centres,
      k: 6,
      firstRow: 0,
      totalRows: X.rows,
    }).partial;
    expect(fit.inertia).toBe(distributedInertia(whole));
  });

  it('equals a single-process fit when clusters empty (duplicate and far centres)', () => {
    const init = rowsAsCentres([11, 11, 3333, 4444, 5555, 16666]);
    for (let t = 0; t < X.cols; t++) init[5 * X.cols + t] = 1e4;
    const fit = distributedFit(X, shardStarts(X.rows, [5, 5]), init, 6, 60);
    expect(fit.relocated).toBeGreaterThanOrEqual(2);
    expectSameFit(fit, singleFit(X, init, 6, 60), X.cols);
  });

  it('equals a single-process fit when it stops at maxIter, on either backend', () => {
    const init = rowsAsCentres([1, 2, 3, 4, 5, 6]);
    for (const backend of [wasmBackend, referenceBackend]) {
      const fit = distributedFit(X, shardStarts(X.rows, [8]), init, 6, 3, backend);
      expect(fit.nIter).toBe(3);
      expectSameFit(fit, singleFit(X, init, 6, 3), X.cols);
    }
  });
});
