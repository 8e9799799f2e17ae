// npm run bench -- --latency [--quick] [--backend NAME]
// Small data, many fits: warm per-fit time of lloyd and of the JavaScript peers (skmeans,
// ml-kmeans) on makeBlobs data of n = 200, 2,000 and 20,000 rows at d = 2 and 3, every system
// starting from the same centres and running to convergence, with the fitted centroids checked
// equal. Two starts: k sampled rows (a cold fit, many iterations), and the converged centres of
// a fit of the same data (a refit, as a page refitting on every pan or slider move does: one
// iteration, then the final assignment that scikit-learn's semantics run). Then `predict` of one point and of
// 1,000 points against a fitted model. Every system runs in this one process, warmed first.
// Prints a table and writes bench/results/latency.json and bench/results/latency.md.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBlobs } from '../src/data/blobs.js';
import type { BackendOption } from '../src/kernels/select.js';
import { KMeans } from '../src/kmeans/kmeans.js';
import { matrixToRows } from '../src/matrix.js';
import { initialCenters } from './cases.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const backendArg = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'auto';
const backend = backendArg as BackendOption;
const here = fileURLToPath(new URL('.', import.meta.url));

type Skmeans = (
  data: number[][],
  k: number,
  initial: number[][],
  maxIterations: number,
) => { it: number; centroids: number[][] };
const require = createRequire(import.meta.url);
const skmeans = require('skmeans') as Skmeans;
const { kmeans: mlKmeans } = (await import('ml-kmeans')) as typeof import('ml-kmeans');

/** A latency case: makeBlobs(n, d, k blobs), k clusters. */
interface LatencyCase {
  n: number;
  d: number;
  k: number;
}
const SIZES: readonly [number, number][] = [
  [200, 3],
  [2_000, 5],
  [20_000, 8],
];
const CASES: LatencyCase[] = [2, 3].flatMap((d) => SIZES.map(([n, k]) => ({ n, d, k })));

/** Peers run to convergence: skmeans stops when no centroid moves, ml-kmeans at tolerance 0. */
const MAX_ITERATIONS = 300;

/**
 * Microseconds per call of `run`, warm: a few calls to warm up, then batches of calls until
 * `budgetMs` is spent; the fastest batch's mean (a loaded machine slows some batches, not all).
 */
function timePerCall(run: () => void, budgetMs: number): number {
  for (let i = 0; i < 5; i++) run();
  let calls = 1;
  const probe = performance.now();
  run();
  const once = Math.max(1e-3, performance.now() - probe);
  calls = Math.max(1, Math.round(budgetMs / 20 / once));
  let best = Number.POSITIVE_INFINITY;
  const end = performance.now() + budgetMs;
  do {
    const started = performance.now();
    for (let i = 0; i < calls; i++) run();
    best = Math.min(best, (performance.now() - started) / calls);
  } while (performance.now() < end);
  return best * 1000;
}

/** Largest absolute difference between two sets of centroids, row by row. */
function maxDifference(a: number[][], b: number[][]): number {
  let worst = 0;
  a.forEach((row, j) => {
    row.forEach((value, t) => {
      worst = Math.max(worst, Math.abs(value - b[j][t]));
    });
  });
  return worst;
}

interface FitRow {
  case: string;
  start: 'sampled rows' | 'refit';
  lloydUs: number;
  skmeansUs: number;
  mlKmeansUs: number;
  ratioToFasterPeer: number;
  nIter: { lloyd: number; skmeans: number; mlKmeans: number };
  maxCentroidDifference: number;
}
interface PredictRow {
  case: string;
  points: number;
  lloydUs: number;
}

const budget = quick ? 300 : 1500;
const fitRows: FitRow[] = [];
const predictRows: PredictRow[] = [];

/** Times lloyd and both peers fitting `rows` from `init`; returns lloyd's model. */
function measureFits(
  name: string,
  start: FitRow['start'],
  rows: number[][],
  k: number,
  init: readonly (readonly number[])[],
): KMeans {
  const c = { k };
  const options = {
    nClusters: c.k,
    init: init.map((row) => [...row]),
    nInit: 1,
    tol: 0,
    maxIter: MAX_ITERATIONS,
    backend,
  };
  const peerInit = () => init.map((row) => [...row]);
  const model = new KMeans(options).fit(rows);
  const sk = skmeans(rows, c.k, peerInit(), MAX_ITERATIONS);
  const ml = mlKmeans(rows, c.k, {
    initialization: peerInit(),
    maxIterations: MAX_ITERATIONS,
    tolerance: 0,
  });
  const difference = Math.max(
    maxDifference(model.centroids, sk.centroids),
    maxDifference(model.centroids, ml.centroids),
  );
  // The same partition gives centroids equal up to the order of summation.
  if (!(difference < 1e-9)) throw new Error(`${name}: centroids differ by ${difference}`);
  const lloydUs = timePerCall(() => {
    new KMeans(options).fit(rows);
  }, budget);
  const skmeansUs = timePerCall(() => {
    skmeans(rows, c.k, peerInit(), MAX_ITERATIONS);
  }, budget);
  const mlKmeansUs = timePerCall(() => {
    mlKmeans(rows, c.k, {
      initialization: peerInit(),
      maxIterations: MAX_ITERATIONS,
      tolerance: 0,
    });
  }, budget);
  const row: FitRow = {
    case: name,
    start,
    lloydUs,
    skmeansUs,
    mlKmeansUs,
    ratioToFasterPeer: lloydUs / Math.min(skmeansUs, mlKmeansUs),
    nIter: { lloyd: model.nIter, skmeans: sk.it, mlKmeans: ml.iterations },
    maxCentroidDifference: difference,
  };
  fitRows.push(row);
  console.log(
    `fit ${name} from ${start}: lloyd ${lloydUs.toFixed(1)} µs (${model.nIter} it), skmeans ${skmeansUs.toFixed(1)} µs (${sk.it} it), ml-kmeans ${mlKmeansUs.toFixed(1)} µs (${ml.iterations} it); ratio ${row.ratioToFasterPeer.toFixed(2)}`,
  );
  return model;
}

for (const c of CASES) {
  const name = `${c.n} x ${c.d}, k=${c.k}`;
  const { X } = makeBlobs({ nSamples: c.n, nFeatures: c.d, centers: c.k, randomState: 0 });
  const rows = matrixToRows(X);
  const sampled = initialCenters(X, c.k);
  const converged = new KMeans({ nClusters: c.k, init: sampled, nInit: 1, tol: 0, backend }).fit(
    rows,
  );
  let model = converged;
  for (const [start, init] of [
    ['sampled rows', sampled],
    ['refit', converged.centroids],
  ] as const) {
    model = measureFits(name, start, rows, c.k, init);
  }
  if (c.n === 2_000) {
    for (const points of [1, 1_000]) {
      const query = rows.slice(0, points);
      const lloydPredictUs = timePerCall(() => {
        model.predict(query);
      }, budget);
      predictRows.push({ case: name, points, lloydUs: lloydPredictUs });
      console.log(`predict ${points} point(s) against ${name}: ${lloydPredictUs.toFixed(2)} µs`);
    }
  }
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const fitTable = fitRows
  .map(
    (r) =>
      `| ${r.case} | ${r.start} | ${r.lloydUs.toFixed(1)} | ${r.skmeansUs.toFixed(1)} | ${r.mlKmeansUs.toFixed(1)} | ${r.ratioToFasterPeer.toFixed(2)} | ${r.nIter.lloyd} / ${r.nIter.skmeans} / ${r.nIter.mlKmeans} |`,
  )
  .join('\n');
const predictTable = predictRows
  .map((r) => `| ${r.case} | ${r.points} | ${r.lloydUs.toFixed(2)} |`)
  .join('\n');
const markdown = `# Latency: small data, many fits

Backend '${backendArg}'; ${machine}. Warm µs per call in one process (fastest batch's mean).
Every system starts from the same centres and runs to convergence; centroids checked equal.

| n x d, k | start | lloyd µs | skmeans µs | ml-kmeans µs | lloyd / faster peer | iterations (lloyd / skmeans / ml-kmeans) |
|---|---|---|---|---|---|---|
${fitTable}

| predict against | points | lloyd µs |
|---|---|---|
${predictTable}
`;
if (!quick) {
  writeFileSync(
    join(here, 'results', 'latency.json'),
    `${JSON.stringify({ backend: backendArg, machine, fit: fitRows, predict: predictRows }, null, 2)}\n`,
  );
  writeFileSync(join(here, 'results', 'latency.md'), markdown);
}
console.log(markdown);
