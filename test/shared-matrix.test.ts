import { describe, expect, it } from 'vitest';
import { type KernelBackend, wasmBackend } from '../src/advanced.js';
import {
  type DType,
  encodeNpy,
  KMeans,
  type KMeansOptions,
  loadDataset,
  type Matrix,
  makeBlobs,
  parseNpy,
  sharedMatrix,
  ValidationError,
} from '../src/index.js';
import { sharedModule } from '../src/kernels/wasm/runtime.js';
import { closePools, dedicatedPool, releasePool } from '../src/parallel/pool.js';

/** The wasm backend, counting how each fit took X: adopted where it lies, or copied in. */
function countingBackend() {
  const calls = { adopted: 0, declined: 0, copied: 0 };
  const backend: KernelBackend = {
    name: 'counting-wasm',
    bind(X, options) {
      calls.copied++;
      return wasmBackend.bind(X, options);
    },
    allocate(rows, cols, dtype, options) {
      calls.copied++;
      return wasmBackend.allocate?.(rows, cols, dtype, options);
    },
    adopt(X, dtype, options) {
      const adopted = wasmBackend.adopt?.(X, dtype, options);
      if (adopted) calls.adopted++;
      else calls.declined++;
      return adopted;
    },
  };
  return { backend, calls };
}

/** X copied into a new shared matrix. */
function shared(X: Matrix, dtype: DType = X.data instanceof Float32Array ? 'float32' : 'float64') {
  const S = sharedMatrix(X.rows, X.cols, dtype);
  S.data.set(X.data);
  return S;
}

/** Whether two arrays hold the same values (a plain loop: toEqual is slow on 320,000 values). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function expectSameModel(a: KMeans, b: KMeans): void {
  expect(b.inertia).toBe(a.inertia);
  expect(b.nIter).toBe(a.nIter);
  expect(sameValues(b.labels, a.labels)).toBe(true);
  expect(b.centroids).toEqual(a.centroids);
}

// 20,000 x 16 is past the size where fits use threads (2^18 values).
const big = makeBlobs({
  nSamples: 20000,
  nFeatures: 16,
  centers: 6,
  clusterStd: 3,
  randomState: 4,
});

describe('sharedMatrix', () => {
  it('is a zeroed matrix on shared WebAssembly memory, of the dtype asked for', () => {
    const S = sharedMatrix(3, 4, 'float32');
    expect(S.rows).toBe(3);
    expect(S.cols).toBe(4);
    expect(S.data).toBeInstanceOf(Float32Array);
    expect(S.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(S.data)).toEqual(new Array(12).fill(0));
    expect(sharedMatrix(2, 2).data).toBeInstanceOf(Float64Array);
  });

  it('rejects shapes that are not positive integers, naming the parameter', () => {
    expect(() => sharedMatrix(0, 3)).toThrow(ValidationError);
    expect(() => sharedMatrix(0, 3)).toThrow(/rows.*positive integer; got 0/);
    expect(() => sharedMatrix(2.5, 3)).toThrow(/rows.*got 2.5/);
    expect(() => sharedMatrix(2, Number.NaN)).toThrow(/cols.*got NaN/);
    expect(() => sharedMatrix(2, 2, 'int8' as DType)).toThrow(
      /dtype.*'float64' or 'float32'; got "int8"/,
    );
  });

  for (const dtype of ['float64', 'float32'] as const) {
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      for (const threads of [1, 2]) {
        it(`${dtype} ${algorithm}, ${threads} thread(s): fitted where it lies, the same model as a copy, X untouched`, () => {
          const X = dtype === 'float32' ? { ...big.X, data: Float32Array.from(big.X.data) } : big.X;
          const S = shared(X);
          const options: KMeansOptions = {
            nClusters: 6,
            nInit: 2,
            maxIter: 12,
            randomState: 7,
            dtype,
            threads,
            algorithm,
          };
          const { backend, calls } = countingBackend();
          const km = new KMeans({ ...options, backend }).fit(S);
          expect(calls).toEqual({ adopted: 1, declined: 0, copied: 0 });
          expectSameModel(new KMeans(options).fit(X), km);
          expect(sameValues(S.data, X.data)).toBe(true);
          // predict, score and transform take it where it lies too (and copy X, which is not
          // shared), with the same answers.
          expect(sameValues(km.predict(S), km.predict(X))).toBe(true);
          expect(km.score(S)).toBe(km.score(X));
          expect(sameValues(km.transform(S).flat(), km.transform(X).flat())).toBe(true);
          expect(calls).toEqual({ adopted: 4, declined: 3, copied: 3 });
        });
      }
    }
  }

  it('is copied as before where it cannot be used as is', () => {
    const S = shared(big.X);
    const { backend, calls } = countingBackend();
    const base = { nClusters: 4, randomState: 1, nInit: 1, backend };
    // Another dtype: converted (a copy, as any float64 matrix fitted as float32).
    const asFloat32 = new KMeans({ ...base, dtype: 'float32' }).fit(S);
    expect(calls).toEqual({ adopted: 0, declined: 1, copied: 1 });
    expect(asFloat32.inertia).toBe(
      new KMeans({ ...base, backend: 'wasm', dtype: 'float32' }).fit(big.X).inertia,
    );
    // A view of part of it: the kernels' buffers go after X, so only the whole matrix is adopted.
    const half = { data: S.data.subarray(0, 10000 * 16), rows: 10000, cols: 16 };
    new KMeans(base).fit(half);
    expect(calls).toEqual({ adopted: 0, declined: 2, copied: 2 });
    // Cosine normalises its own copy of X: the shared matrix is not offered, and stays as it was.
    const cosine = new KMeans({ ...base, metric: 'cosine' }).fit(S);
    expect(calls).toEqual({ adopted: 0, declined: 2, copied: 3 });
    expect(sameValues(S.data, big.X.data)).toBe(true);
    expect(cosine.inertia).toBe(
      new KMeans({ ...base, backend: 'wasm', metric: 'cosine' }).fit(big.X).inertia,
    );
  });

  it('is held by one bound fit at a time, and free again once it is released', () => {
    const S = shared(big.X);
    const first = wasmBackend.adopt?.(S, 'float64', { threads: 2 });
    expect(first?.matrix).toBe(S);
    // A second binding while the first holds the memory gets nothing (its caller copies).
    expect(wasmBackend.adopt?.(S, 'float64', { threads: 2 })).toBeUndefined();
    first?.release();
    const again = wasmBackend.adopt?.(S, 'float64', { threads: 1 });
    expect(again?.matrix).toBe(S);
    const kernels = again?.bind();
    kernels?.release();
    expect(wasmBackend.adopt?.(S, 'float64')).toBeDefined();
  });

  it("keeps a fit's workers idling for the next fit over the same memory, with as many threads", async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const first = dedicatedPool(sharedModule(), 2, memory);
    expect(first?.busy).toBe(true);
    if (first) releasePool(first);
    const again = dedicatedPool(sharedModule(), 2, memory);
    expect(again).toBe(first);
    if (again) releasePool(again);
    // Another thread count closes the idle pool and starts its own.
    const three = dedicatedPool(sharedModule(), 3, memory);
    expect(three).not.toBe(first);
    if (three) releasePool(three);
    await closePools();
    expect(dedicatedPool(sharedModule(), 3, memory)).not.toBe(three);
    // Fits in a row over one shared matrix, on the kept workers: the same model each time.
    const S = shared(big.X);
    const options = { nClusters: 6, randomState: 3, threads: 2, algorithm: 'lloyd' } as const;
    const a = new KMeans(options).fit(S);
    expectSameModel(a, new KMeans(options).fit(S));
    expectSameModel(a, new KMeans({ ...options, threads: 3 }).fit(S));
    expectSameModel(a, new KMeans(options).fit(S));
    await closePools();
  });

  it('with a value that is not finite: the error names it, and the matrix is free again', () => {
    const S = shared(big.X);
    S.data[123 * 16 + 5] = Number.NaN;
    const fit = () => new KMeans({ nClusters: 3, threads: 2 }).fit(S);
    expect(fit).toThrow(/X.*row 123, column 5 is NaN/);
    S.data[123 * 16 + 5] = 0;
    const { backend, calls } = countingBackend();
    new KMeans({ nClusters: 3, randomState: 0, backend }).fit(S);
    expect(calls.adopted).toBe(1);
  });

  it('is what loaders fill when given it as allocate', async () => {
    const plain = await loadDataset('digits', { dtype: 'float32' });
    const loaded = await loadDataset('digits', { dtype: 'float32', allocate: sharedMatrix });
    expect(loaded.X.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(loaded.X.data).toEqual(plain.X.data);
    const iris = await loadDataset('iris', { allocate: sharedMatrix });
    expect(iris.X.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(iris.X.data).toEqual((await loadDataset('iris')).X.data);
    const blobs = await loadDataset('blobs?n=50&d=3', { dtype: 'float32', allocate: sharedMatrix });
    expect(blobs.X.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(blobs.X.data).toEqual(
      Float32Array.from(makeBlobs({ nSamples: 50, nFeatures: 3 }).X.data),
    );
    const matrix = { data: Float64Array.of(1, 2, 3, 4), rows: 2, cols: 2 };
    const npy = parseNpy(encodeNpy(matrix), 'x.npy', 'float64', sharedMatrix);
    expect(npy.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(npy.data)).toEqual([1, 2, 3, 4]);
  });
});
