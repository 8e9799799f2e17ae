// Times one init strategy alone on a bench case, then fits from its centres and prints the final
// inertia: one JSON line. Usage: tsx bench/init-time.ts <init> <dtype> <threads> [maxIter] [seed] [case]
import { wasmBackend } from '../src/kernels/wasm/backend.js';
import { initStrategy } from '../src/kmeans/init.js';
import { KMeans } from '../src/kmeans/kmeans.js';
import { metricStrategy } from '../src/kmeans/metric-strategies.js';
import { Random } from '../src/random.js';
import { CASES } from './cases.js';

const [init, dtypeText, threadsText, maxIterText, seedText, caseName] = process.argv.slice(2);
const dtype = dtypeText === 'float32' ? 'float32' : 'float64';
const threads = Number(threadsText ?? 2);
const maxIter = Number(maxIterText ?? 300);
const seed = Number(seedText ?? 7);
const bench = CASES.find((c) => c.name === (caseName ?? 'blobs-200k x128 k=1000'));
if (!bench) throw new Error(`unknown case ${caseName}`);
const X = await bench.load(dtype, undefined);
const k = bench.k;
const kernels = wasmBackend.bind(X, { threads });
const weights = new Float64Array(X.rows).fill(1);
const metric = metricStrategy('euclidean');
const readRows = (indices: readonly number[]): Float64Array => {
  const out = new Float64Array(indices.length * X.cols);
  indices.forEach((row, j) => {
    out.set(X.data.subarray(row * X.cols, (row + 1) * X.cols), j * X.cols);
  });
  return out;
};
const started = performance.now();
const centers = initStrategy(init).choose({
  X,
  readRows,
  kernels,
  k,
  weights,
  rng: new Random(seed),
  metric,
  bind: (matrix) => wasmBackend.bind(matrix, { threads }),
});
const initMs = performance.now() - started;
// The inertia of the init centres themselves, then of a fit from them.
const labels = new Int32Array(X.rows);
const distances = new Float64Array(X.rows);
kernels.assign('sqeuclidean', centers, k, labels, distances);
let initInertia = 0;
for (const d of distances) initInertia += d;
kernels.release();
const rows: number[][] = [];
for (let j = 0; j < k; j++) rows.push(Array.from(centers.subarray(j * X.cols, (j + 1) * X.cols)));
const fitStarted = performance.now();
const km = new KMeans({ nClusters: k, init: rows, maxIter, dtype, threads, backend: 'wasm' });
km.fit(X);
const fitMs = performance.now() - fitStarted;
console.log(
  JSON.stringify({
    init,
    dtype,
    threads,
    seed,
    initMs: Math.round(initMs),
    initInertia,
    fitMs: Math.round(fitMs),
    nIter: km.nIter,
    inertia: km.inertia,
  }),
);
