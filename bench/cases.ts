import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBlobs } from '../src/data/blobs.js';
import { loadDataset } from '../src/data/node/datasets.js';
import type { MetricName } from '../src/kmeans/metric-strategies.js';
import type { DType, Matrix, MatrixAllocator } from '../src/matrix.js';
import { Random } from '../src/random.js';
import type { RowSource } from '../src/row-source.js';

/** A benchmark case: data, k, and the fixed initial centres every system starts from. */
export interface BenchCase {
  name: string;
  k: number;
  /** Columns of X (d). */
  cols: number;
  iterations: number;
  /** Whether the JavaScript peers (ml-kmeans, skmeans) run it; they are far slower. */
  peers: boolean;
  /** Tolerance: 0 (fixed work: exactly `iterations`) unless the case runs to convergence. */
  tol?: number;
  /**
   * The metric, 'euclidean' unless given. Other metrics run lloyd's plain rows only (1 and all
   * threads): bounds are for squared euclidean distance, and the peers have no k-medians.
   */
  metric?: MetricName;
  /** X; `allocate` makes the matrix (lloyd's rows load into a shared matrix, fitted uncopied). */
  load(dtype: 'float64' | 'float32', allocate?: MatrixAllocator): Promise<Matrix>;
  /**
   * A file holding X, for a `lloyd-streamed` row (openRows reads it pass by pass; `scale`: IDX
   * pixels / 255) and, where given, for scikit-learn to load.
   */
  file?(dtype: DType): Promise<{ path: string; scale?: boolean }>;
  /** The dtypes it runs in (default both). */
  dtypes?: readonly DType[];
  /** Run only when named with --case (too large for the default run). */
  optIn?: boolean;
  /** The lloyd systems it runs (default: every one that applies). */
  systems?: readonly string[];
}

/** Fashion-MNIST's training images as Debian installs them (gzipped IDX). */
const FASHION_IMAGES = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

/** The cases of issue 4, smallest first; 'smoke' is a tiny one for tests. */
export const CASES: BenchCase[] = [
  {
    name: 'smoke',
    k: 5,
    cols: 8,
    iterations: 3,
    peers: true,
    load: async (dtype, allocate) =>
      (await loadDataset('blobs?n=2000&d=8&centers=5&seed=3', { dtype, allocate })).X,
  },
  {
    name: 'mnist-10k k=10',
    k: 10,
    cols: 784,
    iterations: 10,
    peers: true,
    load: async (dtype, allocate) => (await loadDataset('mnist', { dtype, allocate })).X,
  },
  {
    name: 'mnist-10k k=10 to convergence',
    k: 10,
    cols: 784,
    iterations: 300,
    tol: 1e-4,
    peers: false,
    load: async (dtype, allocate) => (await loadDataset('mnist', { dtype, allocate })).X,
  },
  {
    name: 'fashion-60k k=10',
    k: 10,
    cols: 784,
    iterations: 10,
    peers: false,
    load: async (dtype, allocate) => (await loadDataset('fashion-mnist', { dtype, allocate })).X,
    file: async () => ({ path: FASHION_IMAGES, scale: true }),
  },
  {
    name: 'fashion-60k k=256',
    k: 256,
    cols: 784,
    iterations: 3,
    peers: false,
    load: async (dtype, allocate) => (await loadDataset('fashion-mnist', { dtype, allocate })).X,
  },
  {
    name: 'mnist-10k k=10 manhattan',
    k: 10,
    cols: 784,
    iterations: 10,
    peers: false,
    metric: 'manhattan',
    load: async (dtype, allocate) => (await loadDataset('mnist', { dtype, allocate })).X,
  },
  {
    name: 'mnist-10k k=10 cosine',
    k: 10,
    cols: 784,
    iterations: 10,
    peers: false,
    metric: 'cosine',
    load: async (dtype, allocate) => (await loadDataset('mnist', { dtype, allocate })).X,
  },
  {
    name: 'fashion-60k k=10 manhattan',
    k: 10,
    cols: 784,
    iterations: 10,
    peers: false,
    metric: 'manhattan',
    load: async (dtype, allocate) => (await loadDataset('fashion-mnist', { dtype, allocate })).X,
  },
  {
    name: 'fashion-60k k=256 manhattan',
    k: 256,
    cols: 784,
    iterations: 3,
    peers: false,
    metric: 'manhattan',
    load: async (dtype, allocate) => (await loadDataset('fashion-mnist', { dtype, allocate })).X,
  },
  {
    name: 'blobs-1M x16 k=64',
    k: 64,
    cols: 16,
    iterations: 5,
    peers: false,
    load: async (dtype, allocate) =>
      (await loadDataset('blobs?n=1000000&d=16&centers=64&seed=1', { dtype, allocate })).X,
  },
  {
    name: 'blobs-200k x128 k=1000',
    k: 1000,
    cols: 128,
    iterations: 2,
    peers: false,
    load: async (dtype, allocate) =>
      (await loadDataset('blobs?n=200000&d=128&centers=100&seed=2', { dtype, allocate })).X,
  },
  {
    // Text or image embeddings at large k (topic discovery, IVF training): unit-norm rows.
    name: 'embeddings-100k x384 k=512',
    k: 512,
    cols: 384,
    iterations: 5,
    peers: false,
    dtypes: ['float32'],
    load: (dtype, allocate) => embeddings(100_000, 384, 512, dtype, allocate),
  },
  {
    name: 'embeddings-200k x768 k=1024',
    k: 1024,
    cols: 768,
    iterations: 3,
    peers: false,
    dtypes: ['float32'],
    systems: ['lloyd', 'lloyd-native'],
    load: (dtype, allocate) => embeddings(200_000, 768, 1024, dtype, allocate),
  },
  {
    // Larger than one WebAssembly memory: lloyd in memory reads it through windows; streamed, from
    // the file pass by pass; scikit-learn holds it in RAM.
    name: 'blobs-12M x128 k=64',
    k: 64,
    cols: 128,
    iterations: 5,
    peers: false,
    optIn: true,
    dtypes: ['float32'],
    systems: ['lloyd', 'lloyd-streamed'],
    load: async () => {
      throw new Error('the 12M-row case is read from its file (bench/one.ts loads it)');
    },
    file: largeBlobsFile,
  },
];

/**
 * Unit-norm rows like embeddings: makeBlobs's k blobs (standard deviation 4 around centres in
 * [-10, 10]^d), each row scaled to norm 1, so clusters overlap as embeddings' do.
 */
async function embeddings(
  rows: number,
  cols: number,
  k: number,
  dtype: DType,
  allocate?: MatrixAllocator,
): Promise<Matrix> {
  const { X } = makeBlobs({
    nSamples: rows,
    nFeatures: cols,
    centers: k,
    clusterStd: 4,
    randomState: 7,
    dtype,
    ...(allocate ? { allocate } : {}),
  });
  for (let i = 0; i < rows; i++) {
    const row = X.data.subarray(i * cols, (i + 1) * cols);
    let sum = 0;
    for (const value of row) sum += value * value;
    const scale = 1 / Math.sqrt(sum);
    for (let t = 0; t < cols; t++) row[t] *= scale;
  }
  return X;
}

/** k distinct rows chosen by a fixed seed: the same start for every system. */
export function initialCenters(X: Matrix | RowSource, k: number): number[][] {
  const rng = new Random(2024);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(rng.nextInt(X.rows));
  return [...picked].map((row) => {
    if ('data' in X) return Array.from(X.data.subarray(row * X.cols, (row + 1) * X.cols));
    const values = new Float64Array(X.cols);
    X.read(row, 1, values);
    return Array.from(values);
  });
}

/** Rows of the large blobs case: 6.1 GiB of float32, larger than one WebAssembly memory. */
const LARGE_ROWS = 12_000_000;

/**
 * The large blobs case's NPY file (float32), made once in the system's temporary folder and kept
 * for later runs: 128 columns, written a slice of 500,000 rows at a time, each slice makeBlobs's
 * 64 blobs for its own seed (1,536 blobs in all).
 */
async function largeBlobsFile(): Promise<{ path: string }> {
  const folder = join(tmpdir(), 'lloyd-bench-cache');
  // Named for its generator: makeBlobs has drawn as scikit-learn's make_blobs since the numpy
  // stream (CHANGELOG), so a file cached by the earlier generator is not reused.
  const path = join(folder, `blobs-${LARGE_ROWS}x128-float32-numpy-stream.npy`);
  if (existsSync(path)) return { path };
  mkdirSync(folder, { recursive: true });
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${LARGE_ROWS}, 128), }`;
    header += `${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
    const head = Buffer.alloc(10 + header.length);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    head.writeUInt16LE(header.length, 8);
    head.write(header, 10, 'latin1');
    writeSync(fd, head);
    const slice = 500_000;
    for (let start = 0; start < LARGE_ROWS; start += slice) {
      const { X } = makeBlobs({
        nSamples: slice,
        nFeatures: 128,
        centers: 64,
        dtype: 'float32',
        randomState: 1 + start / slice,
        centerBox: 10,
      });
      writeSync(fd, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return { path };
}
