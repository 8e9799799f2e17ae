import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBackend, wasmBackend } from '../src/advanced.js';
import { KMeans, type Matrix, wasmSimdSupported } from '../src/index.js';
import { kmeansGolden } from './helpers/fixtures.js';

/** The median by sorting, as the update computed it before selection: the oracle. */
function sortedMedian(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `pick(values, t)` of each cluster's values in each column t (rows in order); clusters without
 * rows keep `start`'s rows.
 */
function perClusterColumn(
  X: Matrix,
  labels: Int32Array,
  k: number,
  start: Float64Array,
  pick: (values: number[], t: number) => number,
) {
  const out = start.slice();
  for (let j = 0; j < k; j++) {
    const rows: number[] = [];
    labels.forEach((l, i) => {
      if (l === j) rows.push(i);
    });
    if (rows.length === 0) continue;
    for (let t = 0; t < X.cols; t++)
      out[j * X.cols + t] = pick(
        rows.map((i) => X.data[i * X.cols + t]),
        t,
      );
  }
  return out;
}

/** Each cluster's column medians by sorting; clusters without rows keep `start`'s rows. */
function sortedMedians(X: Matrix, labels: Int32Array, k: number, start: Float64Array) {
  return perClusterColumn(X, labels, k, start, sortedMedian);
}

/**
 * Each cluster's column values one rank off the middle when sorted (below for even columns,
 * above for odd ones); clusters without rows keep `start`'s rows.
 */
function neighbourGuesses(X: Matrix, labels: Int32Array, k: number, start: Float64Array) {
  return perClusterColumn(X, labels, k, start, (values, t) => {
    const sorted = Float64Array.from(values).sort();
    const mid = sorted.length >> 1;
    const rank = t % 2 === 0 ? Math.max(0, mid - 1) : Math.min(sorted.length - 1, mid + 1);
    return sorted[rank];
  });
}

/** No weights, whole-number weights, or tenths (which sum inexactly), for `rows` rows. */
function weightsOf(weighting: 'none' | 'integers' | 'tenths', rows: number) {
  if (weighting === 'none') return undefined;
  return Array.from({ length: rows }, (_, i) =>
    weighting === 'integers' ? 1 + (i % 3) : 0.1 * (1 + (i % 4)),
  );
}

/** Values with many ties and both zeros; continuous values beside them. */
const valueArb = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2.5, 3),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);

/** Cases of up to `maxRows` rows (clusters past 256 rows take sampled pivots in the kernels). */
const casesOf = (maxRows: number, maxCols: number, maxK: number) =>
  fc
    .record({
      rows: fc.integer({ min: 1, max: maxRows }),
      cols: fc.integer({ min: 1, max: maxCols }),
      k: fc.integer({ min: 1, max: maxK }),
      dtype: fc.constantFrom('float64', 'float32' as const),
    })
    .chain(({ rows, cols, k, dtype }) =>
      fc.record({
        dtype: fc.constant(dtype),
        k: fc.constant(k),
        X: fc.array(valueArb, { minLength: rows * cols, maxLength: rows * cols }).map(
          (values): Matrix => ({
            data: dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values),
            rows,
            cols,
          }),
        ),
        labels: fc
          .array(fc.integer({ min: 0, max: k - 1 }), { minLength: rows, maxLength: rows })
          .map((l) => Int32Array.from(l)),
        // Guesses: sometimes the true medians (the counting check's path), their sorted
        // neighbours one rank off (the neighbour check's path), else values or noise.
        guess: fc.constantFrom('medians', 'neighbours', 'values', 'noise' as const),
      }),
    );

const caseArb = casesOf(60, 37, 7);

/** Centres in pairs and rows near their midpoints: ties only exact distances can settle. */
function nearTies(rows: number, d: number, k: number, seed: number) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => next() * 10));
  const data = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    const a = centres[i % k];
    const b = centres[(i + 1) % k];
    const nudge = ((i % 5) - 2) * 1e-12;
    for (let t = 0; t < d; t++) data[i * d + t] = (a[t] + b[t]) / 2 + nudge * (b[t] - a[t]);
  }
  return { data, centres: Float64Array.from(centres.flat()), next };
}
describe.runIf(wasmSimdSupported())('k-medians in the WebAssembly kernels', () => {
  it.each([
    ['small clusters', casesOf(60, 37, 7), 1000],
    ['clusters past 256 rows (sampled pivots)', casesOf(3000, 5, 3), 60],
  ] as const)(
    'mediansByCluster: exactly the sorted medians (ties, -0, even counts, empty clusters, any guesses; %s)',
    (_, cases, numRuns) => {
      fc.assert(
        fc.property(cases, ({ X, k, labels, guess }) => {
          const d = X.cols;
          const noise = Float64Array.from({ length: k * d }, (_, i) => ((i * 37) % 11) - 5);
          const expected = sortedMedians(X, labels, k, noise);
          const start =
            guess === 'medians'
              ? expected.slice()
              : guess === 'neighbours'
                ? neighbourGuesses(X, labels, k, noise)
                : guess === 'values'
                  ? Float64Array.from({ length: k * d }, (_, i) => X.data[i % X.data.length])
                  : noise.slice();
          const kernels = wasmBackend.bind(X);
          try {
            const got = start.slice();
            kernels.mediansByCluster?.(labels, k, got);
            // Empty clusters keep what they held: compare them against it.
            const want = expected.slice();
            for (let j = 0; j < k; j++)
              if (!labels.includes(j)) want.set(start.subarray(j * d, (j + 1) * d), j * d);
            for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i])).toBe(true);
          } finally {
            kernels.release();
          }
        }),
        { numRuns },
      );
    },
  );

  it('L1 passes with threads: the reference labels, distances and transform on 1, 2 and 3 threads', () => {
    const { datasets } = kmeansGolden();
    // More values than one thread's share (2^18), so rows are split across threads.
    const rows = [...datasets.digits, ...datasets.digits, ...datasets.digits];
    for (const dtype of ['float64', 'float32'] as const) {
      const data =
        dtype === 'float32'
          ? new Float32Array(rows.length * 64)
          : new Float64Array(rows.length * 64);
      rows.forEach((row, i) => {
        data.set(
          row.map((v) => v + (i % 7) * 0.01),
          i * 64,
        );
      });
      const X: Matrix = { data, rows: rows.length, cols: 64 };
      const k = 11;
      const centers = Float64Array.from(
        { length: k * 64 },
        (_, i) => data[(i * 131) % data.length],
      );
      const ref = referenceBackend.bind(X);
      const labels = new Int32Array(X.rows);
      const distances = new Float64Array(X.rows);
      ref.assign('manhattan', centers, k, labels, distances);
      const pairwise = new Float64Array(X.rows * k);
      ref.pairwise('manhattan', centers, k, pairwise);
      for (const threads of [1, 2, 3]) {
        const kernels = wasmBackend.bind(X, { threads });
        const l = new Int32Array(X.rows);
        const dist = new Float64Array(X.rows);
        kernels.assign('manhattan', centers, k, l, dist);
        expect(Array.from(l)).toEqual(Array.from(labels));
        expect(Array.from(dist)).toEqual(Array.from(distances));
        const p = new Float64Array(X.rows * k);
        kernels.pairwise('manhattan', centers, k, p);
        expect(Array.from(p)).toEqual(Array.from(pairwise));
        const medians = centers.slice();
        kernels.mediansByCluster?.(labels, k, medians);
        expect(Array.from(medians)).toEqual(Array.from(sortedMedians(X, labels, k, centers)));
        kernels.release();
      }
    }
  });

  it('whole fits with threads and weights: the reference labels, centroids, inertia and nIter', () => {
    const { datasets } = kmeansGolden();
    const X = [...datasets.digits, ...datasets.digits, ...datasets.digits].map((row, i) =>
      row.map((v) => v + (i % 7) * 0.5),
    );
    // None (the kernels' medians), integers (weighted selection), and tenths (sorting).
    const weightings = [
      undefined,
      X.map((_, i) => 1 + (i % 3)),
      X.map((_, i) => 0.1 * (1 + (i % 4))),
    ];
    for (const dtype of ['float64', 'float32'] as const) {
      for (const sampleWeight of weightings) {
        const fitWith = (backend: 'reference' | 'wasm', threads: number) =>
          new KMeans({
            nClusters: 12,
            metric: 'manhattan',
            randomState: 5,
            maxIter: 6,
            dtype,
            backend,
            threads,
          }).fit(X, { sampleWeight });
        const a = fitWith('reference', 1);
        for (const threads of [1, 3]) {
          const b = fitWith('wasm', threads);
          const what = `${dtype} ${threads} ${sampleWeight ? 'weighted' : ''}`;
          expect(Array.from(b.labels), what).toEqual(Array.from(a.labels));
          expect(b.centroids, what).toEqual(a.centroids);
          expect(b.inertia, what).toBe(a.inertia);
          expect(b.nIter, what).toBe(a.nIter);
        }
      }
    }
  });

  it('whole fits, property: the reference labels, centroids, inertia and nIter (dtypes, ties, weights)', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.constantFrom('none', 'integers', 'tenths' as const),
        fc.nat(),
        ({ X, k, dtype }, weighting, seed) => {
          fc.pre(X.rows >= k);
          const sampleWeight = weightsOf(weighting, X.rows);
          const options = { nClusters: k, metric: 'manhattan', randomState: seed, dtype } as const;
          const a = new KMeans({ ...options, backend: 'reference' }).fit(X, { sampleWeight });
          const b = new KMeans({ ...options, backend: 'wasm' }).fit(X, { sampleWeight });
          expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
          expect(b.centroids).toEqual(a.centroids);
          expect(b.inertia).toBe(a.inertia);
          expect(b.nIter).toBe(a.nIter);
          // transform, predict and score run the L1 kernels too.
          expect(b.transform(X)).toEqual(a.transform(X));
          expect(Array.from(b.predict(X))).toEqual(Array.from(a.predict(X)));
          expect(b.score(X, { sampleWeight })).toBe(a.score(X, { sampleWeight }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the float32 L1 scan settles near ties exactly: midpoints, tiny and huge values, both dtypes', () => {
    // Centres in pairs; rows at their midpoints moved by far less than float32 resolves, so
    // only the exact settle can tell which centre is nearer (and exact ties go to the lower).
    const d = 37;
    const k = 6;
    const rows = 3000;
    const { data: base, centres } = nearTies(rows, d, k, 7);
    for (const dtype of ['float64', 'float32'] as const) {
      for (const scale of [1, 1e-36, 1e-40, 1e-43, 1e30, ...(dtype === 'float64' ? [1e300] : [])]) {
        const values = base.map((v) => v * scale);
        const data = dtype === 'float32' ? Float32Array.from(values) : values;
        const X: Matrix = { data, rows, cols: d };
        const centers = centres.map((v) => v * scale);
        const ref = referenceBackend.bind(X);
        const labels = new Int32Array(rows);
        const distances = new Float64Array(rows);
        ref.assign('manhattan', centers, k, labels, distances);
        const kernels = wasmBackend.bind(X);
        const l = new Int32Array(rows);
        const dist = new Float64Array(rows);
        kernels.assign('manhattan', centers, k, l, dist);
        expect(Array.from(l), `${dtype} ${scale}`).toEqual(Array.from(labels));
        expect(Array.from(dist), `${dtype} ${scale}`).toEqual(Array.from(distances));
        kernels.release();
      }
    }
  });
});

describe.runIf(wasmSimdSupported())("k-medians with Hamerly's L1 bounds", () => {
  it('bounded passes give the reference labels pass after pass as centres move, stay and return (near ties, both dtypes, 1 and 2 threads)', () => {
    const d = 37;
    const k = 6;
    const rows = 3000;
    for (const dtype of ['float64', 'float32'] as const) {
      for (const threads of [1, 2]) {
        const { data: values, centres, next } = nearTies(rows, d, k, 11);
        const data = dtype === 'float32' ? Float32Array.from(values) : values;
        const X: Matrix = { data, rows, cols: d };
        const ref = referenceBackend.bind(X);
        const kernels = wasmBackend.bind(X, { threads });
        const run = kernels.startBounded?.('hamerly', 'manhattan');
        if (!run) throw new Error('the WebAssembly kernels keep L1 bounds');
        // Moves: none, tiny, large, one centre alone, and back to the first centres exactly.
        const steps = [0, 1e-13, 1e-6, 0.5, 0, 3, -1, 1e-9, 0];
        const labels = new Int32Array(rows).fill(-1);
        let centers = centres.slice();
        for (const [pass, step] of steps.entries()) {
          if (step === -1) centers = centres.slice();
          else if (pass === 3) centers[2 * d + 5] += step;
          else centers = centers.map((v) => v + step * (next() - 0.5));
          const expected = new Int32Array(rows);
          ref.assign('manhattan', centers, k, expected, new Float64Array(rows));
          const before = labels.slice();
          const changes = run.assign(centers, k, labels);
          const what = `${dtype} ${threads} threads, pass ${pass}`;
          expect(Array.from(labels), what).toEqual(Array.from(expected));
          expect(changes, what).toBe(before.filter((l, i) => l !== expected[i]).length);
        }
        kernels.release();
      }
    }
  });

  it('a centre as near as the nearest bounds the others by 0, so it can take the row later (both dtypes)', () => {
    // Rows on two equal centres: the first takes them, the second's score bounds nothing (its
    // lower bound is 0, not left out), and once the first moves off the second takes them.
    for (const dtype of ['float64', 'float32'] as const) {
      const values = [1, 2, 3, 1, 2, 3, 5, 5, 5, 1, 2, 4];
      const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
      const X: Matrix = { data, rows: 4, cols: 3 };
      const kernels = wasmBackend.bind(X);
      const run = kernels.startBounded?.('hamerly', 'manhattan');
      if (!run) throw new Error('the WebAssembly kernels keep L1 bounds');
      const labels = new Int32Array(4);
      run.assign(Float64Array.from([1, 2, 3, 1, 2, 3, 5, 5, 5]), 3, labels);
      expect(Array.from(labels), dtype).toEqual([0, 0, 2, 0]);
      const changes = run.assign(Float64Array.from([1.5, 2, 3, 1, 2, 3, 5, 5, 5]), 3, labels);
      expect(Array.from(labels), dtype).toEqual([1, 1, 2, 1]);
      expect(changes, dtype).toBe(3);
      kernels.release();
    }
  });

  it("Elkan's bounds are refused for L1 distances by the kernels", () => {
    const X: Matrix = { data: new Float64Array(8), rows: 4, cols: 2 };
    const kernels = wasmBackend.bind(X);
    expect(() => kernels.startBounded?.('elkan', 'manhattan')).toThrow(/euclidean distances only/);
    kernels.release();
  });

  it('whole fits, property: bounded manhattan is plain manhattan and the reference (dtypes, ties, weights, threads)', () => {
    fc.assert(
      fc.property(
        casesOf(80, 20, 12),
        fc.constantFrom('none', 'integers', 'tenths' as const),
        fc.constantFrom(1, 2),
        fc.nat(),
        ({ X, k, dtype }, weighting, threads, seed) => {
          fc.pre(X.rows >= k);
          const sampleWeight = weightsOf(weighting, X.rows);
          const options = {
            nClusters: k,
            metric: 'manhattan',
            randomState: seed,
            dtype,
            threads,
            tol: 0,
            maxIter: 20,
          } as const;
          const a = new KMeans({ ...options, backend: 'reference' }).fit(X, { sampleWeight });
          const plain = new KMeans({ ...options, backend: 'wasm', algorithm: 'lloyd' });
          const bounded = new KMeans({ ...options, backend: 'wasm', algorithm: 'hamerly' });
          for (const b of [plain.fit(X, { sampleWeight }), bounded.fit(X, { sampleWeight })]) {
            expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
            expect(b.centroids).toEqual(a.centroids);
            expect(b.inertia).toBe(a.inertia);
            expect(b.nIter).toBe(a.nIter);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
