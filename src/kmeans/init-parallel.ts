import type { BoundKernels } from '../kernels/types.js';
import type { InitContext, InitStrategy } from './init.js';

/** Oversampling factor ℓ / k: each round samples about 2k rows (Bahmani et al.; Spark's default). */
const OVERSAMPLING = 2;

/** Sampling rounds, one pass over X each (Spark's initializationSteps default). */
const ROUNDS = 2;

/**
 * k-means|| (Bahmani et al., 2012, "Scalable K-Means++"), with Spark MLlib's defaults: a first
 * centre drawn by weight, then {@link ROUNDS} rounds that each sample every row independently with
 * probability min(1, ℓ·cost/total), ℓ = 2k, where a row's cost is its weight times its distance to
 * the nearest candidate so far (the metric's assignment distance: squared euclidean; L1 for
 * manhattan). Each candidate is then weighted by the sample weight of the rows nearest to it, and
 * k centres are chosen among the weighted candidates by `seeding` (the greedy k-means++).
 *
 * Unlike Spark's LocalKMeans, no Lloyd iterations follow on the candidates: they lower the
 * starting inertia but lead the fit to a worse optimum. Blobs 200k x 128, k = 1000, float32, fits
 * to convergence from each start, final inertia against k-means++'s: +0.8% to +1.0% with up to 30
 * Lloyd iterations on the candidates, -0.03% to -0.01% without (3 seeds each; docs/performance.md).
 *
 * X is read only through the kernels, one assignment pass per batch of new candidates (the first
 * centre, then each round's sample), keeping for every row its distance to and index of the
 * nearest candidate so far: O(n) memory besides the candidates, and no n x candidates matrix.
 * The last pass, against the last round's sample, completes the nearest-candidate counts, so the
 * counting needs no pass over all candidates.
 *
 * Fewer than k distinct candidates (few distinct rows, or weights on few rows): Spark returns
 * them as they are, a model with fewer clusters; here every centre must exist, so the rest are
 * added by k-means++ draws over X (each row in proportion to weight x distance to the nearest
 * centre so far, one pass a centre). Where every row already coincides with a centre, the rest
 * repeat the first candidate, as k-means++ repeats a row, and the fit's empty-cluster handling
 * takes over.
 *
 * Every step is deterministic given `rng`: the kernels' labels and distances are the same bits
 * on every backend and thread count, and everything else runs here in a fixed order.
 */
export function kMeansParallel(seeding: InitStrategy): InitStrategy {
  return {
    name: 'k-means||',
    autoRestarts: 1,
    choose(context) {
      const { X, readRows, kernels, k, weights, rng } = context;
      const n = X.rows;
      const cols = X.cols;
      const oversampling = OVERSAMPLING * k;
      const nearest = new NearestCandidate(kernels, context, n);
      const first = weightedRow(weights, rng.nextFloat());
      // The candidates' rows as read for their pass (a source is not read for them twice).
      const batches: Float64Array[] = [];
      let fresh = [first];
      for (let round = 0; round < ROUNDS; round++) {
        batches.push(readRows(fresh));
        nearest.add(batches[batches.length - 1], fresh.length);
        const total = nearest.potential();
        fresh = [];
        // One draw for every row, in row order, so the sample depends only on the seed. A row
        // at distance 0 from a candidate (one of them, or a duplicate) has probability 0.
        for (let i = 0; i < n; i++) {
          const p = total > 0 ? (oversampling * weights[i] * nearest.closest[i]) / total : 0;
          if (rng.nextFloat() < p) fresh.push(i);
        }
      }
      batches.push(readRows(fresh));
      nearest.add(batches[batches.length - 1], fresh.length);

      const count = nearest.count;
      const rows = new Float64Array(count * cols);
      let offset = 0;
      for (const batch of batches) {
        rows.set(batch, offset);
        offset += batch.length;
      }
      const distinct = distinctRows(rows, count, cols);
      // Each distinct candidate weighs what the rows nearest to it weigh. Ties go to the earliest
      // candidate, so of equal rows drawn in one round only the first takes any weight.
      const candidateWeights = new Float64Array(count);
      for (let i = 0; i < n; i++) candidateWeights[nearest.owner[i]] += weights[i];
      const m = distinct.length;
      const points = new Float64Array(m * cols);
      const pointWeights = new Float64Array(m);
      distinct.forEach((c, j) => {
        points.set(rows.subarray(c * cols, (c + 1) * cols), j * cols);
        pointWeights[j] = candidateWeights[c];
      });
      if (m <= k) return fillByPlusPlus(context, nearest, points, m);

      // The candidates are few (about 4k): a matrix in memory, on the fit's backend.
      const local = context.bind({ rows: m, cols, data: points });
      try {
        const readPoints = (indices: readonly number[]): Float64Array => {
          const out = new Float64Array(indices.length * cols);
          indices.forEach((row, j) => {
            out.set(points.subarray(row * cols, (row + 1) * cols), j * cols);
          });
          return out;
        };
        return seeding.choose({
          ...context,
          X: { rows: m, cols, data: points },
          readRows: readPoints,
          kernels: local,
          weights: pointWeights,
        });
      } finally {
        local.release();
      }
    },
  };
}

/**
 * For every row of X, the nearest candidate so far and its distance, extended batch by batch:
 * one assignment pass over X per batch, O(n) memory whatever the number of candidates.
 */
class NearestCandidate {
  /** The kernel distance to the nearest candidate so far (Infinity before any). */
  readonly closest: Float64Array;
  /** Index of that candidate, in the order candidates were added; ties keep the earlier one. */
  readonly owner: Int32Array;
  /** How many candidates have been added. */
  count = 0;
  private readonly labels: Int32Array;
  private readonly distances: Float64Array;

  constructor(
    private readonly kernels: BoundKernels,
    private readonly context: Pick<InitContext, 'metric' | 'weights'>,
    n: number,
  ) {
    this.closest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.owner = new Int32Array(n).fill(-1);
    this.labels = new Int32Array(n);
    this.distances = new Float64Array(n);
  }

  /** Adds `count` candidates (count x cols float64). */
  add(centers: Float64Array, count: number): void {
    if (count === 0) return;
    const { closest, owner, labels, distances } = this;
    this.kernels.assign(this.context.metric.distance, centers, count, labels, distances);
    for (let i = 0; i < closest.length; i++) {
      if (distances[i] < closest[i]) {
        closest[i] = distances[i];
        owner[i] = this.count + labels[i];
      }
    }
    this.count += count;
  }

  /** Sum of weight x distance to the nearest candidate, in row order. */
  potential(): number {
    const { closest } = this;
    const { weights } = this.context;
    let sum = 0;
    for (let i = 0; i < closest.length; i++) sum += weights[i] * closest[i];
    return sum;
  }
}

/**
 * The row whose cumulative weight first exceeds `u` x the total weight: a row drawn in proportion
 * to its weight (never one of weight 0).
 */
function weightedRow(weights: Float64Array, u: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const target = u * total;
  let sum = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    sum += weights[i];
    last = i;
    if (sum > target) return i;
  }
  return last;
}

/** Indices of the first occurrence of each distinct row of `rows` (count x cols), in order. */
function distinctRows(rows: Float64Array, count: number, cols: number): number[] {
  const byHash = new Map<number, number[]>();
  const kept: number[] = [];
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let r = 0; r < count; r++) {
    // FNV-1a over the values' bits (-0 hashed as 0, since it equals 0).
    let hash = 0x811c9dc5;
    for (let t = 0; t < cols; t++) {
      const v = rows[r * cols + t];
      bits[0] = v === 0 ? 0 : v;
      hash = Math.imul(hash ^ words[0], 0x01000193);
      hash = Math.imul(hash ^ words[1], 0x01000193);
    }
    const bucket = byHash.get(hash);
    const same = bucket?.some((other) => equalRows(rows, r, other, cols)) ?? false;
    if (same) continue;
    if (bucket) bucket.push(r);
    else byHash.set(hash, [r]);
    kept.push(r);
  }
  return kept;
}

function equalRows(rows: Float64Array, a: number, b: number, cols: number): boolean {
  for (let t = 0; t < cols; t++) if (rows[a * cols + t] !== rows[b * cols + t]) return false;
  return true;
}

/**
 * The m distinct candidates (m <= k) and k - m more centres by k-means++ draws over X, each a
 * row drawn in proportion to weight x distance to the nearest centre so far (one pass a centre).
 */
function fillByPlusPlus(
  context: InitContext,
  nearest: NearestCandidate,
  points: Float64Array,
  m: number,
): Float64Array {
  const { X, readRows, k, weights, rng } = context;
  const cols = X.cols;
  const centers = new Float64Array(k * cols);
  centers.set(points.subarray(0, m * cols));
  for (let j = m; j < k; j++) {
    const total = nearest.potential();
    if (total > 0) {
      const row = readRows([weightedRow(costs(nearest.closest, weights), rng.nextFloat())]);
      centers.set(row, j * cols);
      nearest.add(row, 1);
    } else {
      // Every row lies on a centre: no distinct row is left to add.
      centers.copyWithin(j * cols, 0, cols);
    }
  }
  return centers;
}

function costs(closest: Float64Array, weights: Float64Array): Float64Array {
  const out = new Float64Array(closest.length);
  for (let i = 0; i < closest.length; i++) out[i] = weights[i] * closest[i];
  return out;
}
