// Runs one system on one case and prints one JSON line; run by bench/run.ts in a child process so
// peak memory is this run's alone.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openRows } from '../src/data/node/row-files.js';
import { sharedMatrix } from '../src/kernels/wasm/backend.js';
import { wasmKernelVariant } from '../src/kernels/wasm/runtime.js';
import { KMeans } from '../src/kmeans/kmeans.js';
import { type Matrix, matrixToRows, zerosMatrix } from '../src/matrix.js';
import type { RowSource } from '../src/row-source.js';
import { CASES, initialCenters } from './cases.js';

const [caseName, system, dtype, threadsText] = process.argv.slice(2);
const bench = CASES.find((c) => c.name === caseName);
if (!bench) throw new Error(`unknown case ${caseName}`);
const type = dtype as 'float64' | 'float32';
/**
 * X as the system takes it. lloyd loads X into a shared matrix, which its fits read where it lies
 * (no copy of X); 'lloyd-streamed' reads the case's file pass by pass (openRows); a case that is
 * only a file is read whole into memory for the others; the JavaScript peers take rows of numbers.
 */
async function input(): Promise<Matrix | RowSource> {
  const file = bench?.file ? await bench.file(type) : undefined;
  if (system === 'lloyd-streamed') {
    if (!file) throw new Error(`${caseName} has no file to stream`);
    return openRows(file.path, { scale: file.scale });
  }
  if (file && bench?.optIn) {
    const rows = await openRows(file.path, { scale: file.scale });
    const matrix = zerosMatrix(rows.rows, rows.cols, type);
    const step = 1 << 18;
    for (let start = 0; start < rows.rows; start += step) {
      const count = Math.min(step, rows.rows - start);
      rows.read(start, count, matrix.data.subarray(start * rows.cols, (start + count) * rows.cols));
    }
    return matrix;
  }
  const allocate =
    system.startsWith('lloyd') && process.env.LLOYD_BENCH_COPY !== '1' ? sharedMatrix : undefined;
  return (await bench?.load(type, allocate)) as Matrix;
}
const X = await input();
if (X.cols !== bench.cols) throw new Error(`${caseName} has ${X.cols} columns, not ${bench.cols}`);
const init = initialCenters(X, bench.k);
const threads = Number(threadsText);
let msPerIter: number;
let inertia: number;
let nIter: number;
if (system.startsWith('lloyd')) {
  // The relaxed row must run the relaxed build, the others the SIMD128 one (Node 20 without flags).
  const expected = system === 'lloyd-relaxed' ? 'relaxed-simd' : 'simd128';
  if (!system.endsWith('reference') && wasmKernelVariant() !== expected)
    throw new Error(`${system} expected the ${expected} kernels, got ${wasmKernelVariant()}`);
  const km = new KMeans({
    nClusters: bench.k,
    init,
    maxIter: bench.iterations,
    tol: bench.tol ?? 0,
    dtype: dtype as 'float64' | 'float32',
    threads,
    backend:
      system === 'lloyd-reference'
        ? 'reference'
        : system.startsWith('lloyd-native')
          ? 'native'
          : 'wasm',
    metric: bench.metric ?? 'euclidean',
    algorithm: system.endsWith('-hamerly')
      ? 'hamerly'
      : system.endsWith('-elkan')
        ? 'elkan'
        : 'lloyd',
  });
  // BENCH_WARM=1: a first fit of the same work, untimed, then the timed one (a warm process).
  if (process.env.BENCH_WARM === '1') km.fit(X);
  const started = performance.now();
  km.fit(X);
  // The fit's time includes one final assignment pass, as scikit-learn's does.
  msPerIter = (performance.now() - started) / km.nIter;
  if ('close' in X && typeof X.close === 'function') X.close();
  inertia = km.inertia;
  nIter = km.nIter;
} else {
  const require = createRequire(import.meta.url);
  if (!('data' in X)) throw new Error(`${system} takes X in memory`);
  const rows = matrixToRows(X);
  const started = performance.now();
  let centroids: number[][];
  if (system === 'ml-kmeans') {
    const { kmeans } = (await import('ml-kmeans')) as typeof import('ml-kmeans');
    const result = kmeans(rows, bench.k, {
      initialization: init,
      maxIterations: bench.iterations,
      tolerance: 0,
    });
    nIter = result.iterations;
    centroids = result.centroids;
  } else {
    const skmeans = require('skmeans') as (
      d: number[][],
      k: number,
      c: number[][],
      it: number,
    ) => { it: number; centroids: number[][] };
    const result = skmeans(rows, bench.k, init, bench.iterations);
    nIter = result.it;
    centroids = result.centroids;
  }
  msPerIter = (performance.now() - started) / Math.max(1, nIter);
  inertia = rows.reduce((total, row) => {
    let best = Number.POSITIVE_INFINITY;
    for (const c of centroids)
      best = Math.min(
        best,
        row.reduce((s, v, t) => s + (v - c[t]) ** 2, 0),
      );
    return total + best;
  }, 0);
}
/**
 * This process's own peak resident memory: Linux's VmHWM (per address space). getrusage's maxRSS
 * also carries the parent's resident size at fork, so a child of the large bench runner would
 * report the runner's memory, not its own.
 */
function peakRssMB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (kb) return Number(kb[1]) / 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS / 1024;
}
const maxRssMB = peakRssMB();
console.log(JSON.stringify({ msPerIter, inertia, nIter, maxRssMB }));
