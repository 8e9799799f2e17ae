// Runs one system on one of the JavaScript peers' tasks and prints one JSON line; run by
// bench/run.ts in a child process so peak memory is this run's alone. The tasks are what most
// JavaScript k-means users run: Turf's clustersKmeans on GeoJSON points, and simple-statistics'
// ckmeans on one-dimensional values.
import { clustersKmeans } from '../src/geo/clusters-kmeans.js';
import type { GeoPointCollection } from '../src/geo/types.js';
import { ckmeans } from '../src/oned/ckmeans.js';

/** A peers' task: its sizes, and the systems that run it (lloyd first). */
export interface PeerTask {
  name: string;
  systems: readonly [string, string];
  /** n, and k. */
  n: number;
  k: number;
  kind: 'geo' | 'ckmeans';
}

export const PEER_TASKS: readonly PeerTask[] = [
  {
    name: 'clustersKmeans 100k points k=50',
    kind: 'geo',
    n: 100_000,
    k: 50,
    systems: ['lloyd', 'turf'],
  },
  {
    name: 'ckmeans 1M values k=10',
    kind: 'ckmeans',
    n: 1_000_000,
    k: 10,
    systems: ['lloyd', 'simple-statistics'],
  },
];

/** Small versions for `npm run bench -- --smoke`. */
export const SMOKE_PEER_TASKS: readonly PeerTask[] = [
  {
    name: 'smoke clustersKmeans 2k points k=10',
    kind: 'geo',
    n: 2000,
    k: 10,
    systems: ['lloyd', 'turf'],
  },
  {
    name: 'smoke ckmeans 20k values k=10',
    kind: 'ckmeans',
    n: 20_000,
    k: 10,
    systems: ['lloyd', 'simple-statistics'],
  },
];

/** The same pseudo-random numbers in [0, 1) on every run (Park and Miller's generator). */
function uniform(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** n points spread uniformly over longitudes [-180, 180) and latitudes [-80, 80). */
function randomPoints(n: number): GeoPointCollection {
  const next = uniform(42);
  return {
    type: 'FeatureCollection',
    features: Array.from({ length: n }, () => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [next() * 360 - 180, next() * 160 - 80] },
      properties: {},
    })),
  };
}

/** n values from a mixture of ten normal-ish bumps of different widths. */
function randomValues(n: number): number[] {
  const next = uniform(7);
  return Array.from({ length: n }, () => {
    const bump = Math.floor(next() * 10);
    return bump * 100 + (next() + next() + next() - 1.5) * (5 + bump * 3);
  });
}

/** FNV-1a of a sequence of integers: equal results, equal fingerprints. */
function fingerprint(values: Iterable<number>): string {
  let hash = 0x811c9dc5;
  for (const v of values) {
    hash ^= v & 0xffff;
    hash = Math.imul(hash, 0x01000193);
    hash ^= v >>> 16;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [taskName, system] = process.argv.slice(2);
  const task = [...PEER_TASKS, ...SMOKE_PEER_TASKS].find((t) => t.name === taskName);
  if (!task) throw new Error(`unknown task ${taskName}`);
  // The first call of a fresh process (module and kernel compile, pool start), then the fastest of
  // two more in the same process: the warm call that a long-running page or server makes.
  const calls: number[] = [];
  let result = '';
  if (task.kind === 'geo') {
    const points = randomPoints(task.n);
    // Loaded before the clock starts, as lloyd's code is.
    const turf = (await import('@turf/clusters-kmeans')).clustersKmeans;
    for (let call = 0; call < 3; call++) {
      const start = performance.now();
      const clustered =
        system === 'lloyd'
          ? clustersKmeans(points, { numberOfClusters: task.k })
          : turf(points as Parameters<typeof turf>[0], { numberOfClusters: task.k });
      calls.push(performance.now() - start);
      result = fingerprint(clustered.features.map((f) => Number(f.properties?.cluster)));
    }
  } else {
    const values = randomValues(task.n);
    const simpleStatistics = (await import('simple-statistics')).ckmeans;
    for (let call = 0; call < 3; call++) {
      const start = performance.now();
      const clusters =
        system === 'lloyd' ? ckmeans(values, task.k).clusters : simpleStatistics(values, task.k);
      calls.push(performance.now() - start);
      result = fingerprint(clusters.flatMap((c) => [c.length, Math.round(c[0] * 1e6)]));
    }
  }
  const firstMs = calls[0];
  const ms = Math.min(...calls.slice(1));
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, firstMs, maxRssMB, result }));
}
