// npx tsx bench/metrics.ts [--case NAME] [--dtype float32|float64] [--rounds N] [--threads T]
//   [--metrics euclidean,manhattan,cosine] [--algorithms auto,lloyd,hamerly,elkan]
// Milliseconds per iteration of Lloyd's iterations by metric (euclidean, manhattan, cosine) on
// the bench cases, the same data and initial centres for each, tol = 0 (fixed work). Metrics
// (and algorithms) run alternately, round by round, and the median of the rounds is printed: on a shared machine
// timings drift, and alternation spreads the drift over every metric alike.
import { KMeans } from '../src/kmeans/kmeans.js';
import type { MetricName } from '../src/kmeans/metric-strategies.js';
import type { AlgorithmName } from '../src/kmeans/options.js';
import { CASES, initialCenters } from './cases.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const caseName = option('--case') ?? 'mnist-10k k=10';
const dtypes = (option('--dtype') ?? 'float32,float64').split(',') as ('float32' | 'float64')[];
const rounds = Number(option('--rounds') ?? 3);
const threads = option('--threads') === undefined ? undefined : Number(option('--threads'));
const metrics = (option('--metrics') ?? 'euclidean,manhattan,cosine').split(',') as MetricName[];
const algorithms = (option('--algorithms') ?? 'auto').split(',') as AlgorithmName[];
const bench = CASES.find((c) => c.name === caseName);
if (!bench) throw new Error(`unknown case ${caseName}`);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

for (const dtype of dtypes) {
  const X = await bench.load(dtype);
  const init = initialCenters(X, bench.k);
  const runs = metrics.flatMap((metric) => algorithms.map((algorithm) => ({ metric, algorithm })));
  const times = runs.map((): number[] => []);
  const iterations = runs.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [at, { metric, algorithm }] of runs.entries()) {
      const km = new KMeans({
        nClusters: bench.k,
        init,
        maxIter: bench.iterations,
        tol: 0,
        dtype,
        threads,
        metric,
        algorithm,
      });
      const started = performance.now();
      km.fit(X);
      times[at].push((performance.now() - started) / km.nIter);
      iterations[at] = km.nIter;
    }
  }
  for (const [at, { metric, algorithm }] of runs.entries()) {
    const ms = times[at];
    console.log(
      `${caseName}\t${dtype}\t${metric}\t${algorithm}\tmedian ${median(ms).toFixed(1)} ms/iter\t(${ms.map((t) => t.toFixed(1)).join(', ')}; nIter ${iterations[at]})`,
    );
  }
}
