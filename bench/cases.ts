import { loadDataset } from '../src/data/node/datasets.js';
import type { MetricName } from '../src/kmeans/metric-strategies.js';
import type { Matrix, MatrixAllocator } from '../src/matrix.js';
import { Random } from '../src/random.js';

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
}

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
];

/** k distinct rows chosen by a fixed seed: the same start for every system. */
export function initialCenters(X: Matrix, k: number): number[][] {
  const rng = new Random(2024);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(rng.nextInt(X.rows));
  return [...picked].map((row) => Array.from(X.data.subarray(row * X.cols, (row + 1) * X.cols)));
}
