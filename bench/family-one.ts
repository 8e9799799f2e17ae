// Runs one lloyd estimator of the k-means family on one case for every seed and prints one JSON
// line {msPerFit, inertia (mean), inertias, maxRssMB}; run by bench/family.ts in a child process.
import { readFileSync } from 'node:fs';
import { sharedMatrix } from '../src/kernels/wasm/backend.js';
import { BisectingKMeans } from '../src/kmeans/bisecting/bisecting-kmeans.js';
import { MiniBatchKMeans } from '../src/kmeans/minibatch/minibatch-kmeans.js';
import { FAMILY_CASES, FAMILY_SEEDS } from './family-cases.js';

const [caseName, method, threadsText] = process.argv.slice(2);
const bench = FAMILY_CASES.find((c) => c.name === caseName);
if (!bench) throw new Error(`unknown family case ${caseName}`);
const X = await bench.load(sharedMatrix);
const threads = Number(threadsText);
const inertias: number[] = [];
let totalMs = 0;
for (const randomState of FAMILY_SEEDS) {
  const started = performance.now();
  const model =
    method === 'minibatch'
      ? new MiniBatchKMeans({ nClusters: bench.k, randomState, threads }).fit(X)
      : new BisectingKMeans({ nClusters: bench.k, randomState, threads }).fit(X);
  totalMs += performance.now() - started;
  inertias.push(model.inertia);
}
const status = readFileSync('/proc/self/status', 'utf8');
const maxRssMB = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
console.log(
  JSON.stringify({
    msPerFit: totalMs / FAMILY_SEEDS.length,
    inertia: inertias.reduce((a, b) => a + b, 0) / inertias.length,
    inertias,
    maxRssMB,
  }),
);
