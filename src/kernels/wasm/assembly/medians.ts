// k-medians' update: the median of each column of each cluster's rows, by selection (a
// quickselect with a three-way partition, O(rows) on average), exactly as sorting gives it
// (src/kmeans/medians.ts is the same algorithm in TypeScript). The work is split into bands of
// columns: a thread gathers its band's columns, grouped by cluster, into its own scratch, and
// selects in each cluster's part of each column.

/** Swaps the values of T at a and b. */
@inline function swapAt<T>(a: usize, b: usize): void {
  const v = load<T>(a);
  store<T>(a, load<T>(b));
  store<T>(b, v);
}

/** The median of three values: a partition step's pivot. */
@inline function median3<T>(a: T, b: T, c: T): T {
  if (a < b) return b < c ? b : (a < c ? c : a);
  return a < c ? a : (b < c ? c : b);
}

/**
 * Moves the values of [lo, hi) below `pivot` (strictly, or at most it with `orEqual`) to the
 * front, returning where they end. Branch-free (a Lomuto partition that always swaps and adds
 * the comparison to the split): a data-dependent branch mispredicted on about every other value
 * and cost three times as much.
 */
@inline function partitionBelow<T>(buf: usize, lo: i32, hi: i32, pivot: T, orEqual: bool): i32 {
  const S = sizeof<T>();
  let split = lo;
  for (let i = lo; i < hi; i++) {
    const at = buf + <usize>i * S;
    const to = buf + <usize>split * S;
    const v = load<T>(at);
    store<T>(at, load<T>(to));
    store<T>(to, v);
    split += orEqual ? i32(v <= pivot) : i32(v < pivot);
  }
  return split;
}

/**
 * The value of rank `rank` (from 0) among the `count` values of T at `buf`, reordering them so
 * that values before `rank` are at most it and values after at least it. Each step splits
 * [lo, hi) three ways (below, equal, above) around the median of its first, middle and last
 * values, a value of the range, so the equal part is never empty and the range shrinks.
 */
@inline function selectRank<T>(buf: usize, count: i32, rank: i32): T {
  const S = sizeof<T>();
  let lo = 0;
  let hi = count;
  while (true) {
    const pivot = median3<T>(load<T>(buf + <usize>lo * S), load<T>(buf + <usize>((lo + hi) >>> 1) * S), load<T>(buf + <usize>(hi - 1) * S));
    const lt = partitionBelow<T>(buf, lo, hi, pivot, false);
    if (rank < lt) {
      hi = lt;
      continue;
    }
    const gt = partitionBelow<T>(buf, lt, hi, pivot, true);
    if (rank < gt) return pivot;
    lo = gt;
  }
  return <T>0; // not reached: the loop returns once the range's equal part holds `rank`
}

/** What countAround counted: values below the guess, equal to it, and equal to -0 in their bits. */
let below: i32 = 0;
let equal: i32 = 0;
let negativeZeros: i32 = 0;

/**
 * Counts the `count` values of T at `buf` below `guess`, equal to it, and -0 (by their bits),
 * into `below`, `equal` and `negativeZeros`: one SIMD pass with no writes, to check a guess at
 * the median before selecting (and, for a guess of zero, to give the median its sign).
 */
@inline function countAround<T>(buf: usize, count: i32, guess: T): void {
  const S = sizeof<T>();
  const lanes = 16 / <i32>S;
  const body = count & ~(lanes - 1);
  const g = v128.splat<T>(guess);
  const minusZero = v128.splat<T>(-0.0);
  let lessV = i32x4.splat(0);
  let equalV = i32x4.splat(0);
  let minusV = i32x4.splat(0);
  for (let i = 0; i < body; i += lanes) {
    const v = v128.load(buf + <usize>i * S);
    // Comparisons give -1 (all bits) in each lane where they hold.
    if (S == 4) {
      lessV = i32x4.sub(lessV, f32x4.lt(v, g));
      equalV = i32x4.sub(equalV, f32x4.eq(v, g));
      minusV = i32x4.sub(minusV, i32x4.eq(v, minusZero));
    } else {
      lessV = i64x2.sub(lessV, f64x2.lt(v, g));
      equalV = i64x2.sub(equalV, f64x2.eq(v, g));
      minusV = i64x2.sub(minusV, i64x2.eq(v, minusZero));
    }
  }
  let less = 0;
  let same = 0;
  let minus = 0;
  if (S == 4) {
    less = laneTotal32(lessV);
    same = laneTotal32(equalV);
    minus = laneTotal32(minusV);
  } else {
    less = <i32>(i64x2.extract_lane(lessV, 0) + i64x2.extract_lane(lessV, 1));
    same = <i32>(i64x2.extract_lane(equalV, 0) + i64x2.extract_lane(equalV, 1));
    minus = <i32>(i64x2.extract_lane(minusV, 0) + i64x2.extract_lane(minusV, 1));
  }
  for (let i = body; i < count; i++) {
    const v = load<T>(buf + <usize>i * S);
    less += i32(v < guess);
    same += i32(v == guess);
    minus += i32(v == 0 && <f64>1 / <f64>v < 0);
  }
  below = less;
  equal = same;
  negativeZeros = minus;
}

/** The sum of four int32 lanes. */
@inline function laneTotal32(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** The smallest of the values of T at `buf` from `from` to `count`. */
@inline function minFrom<T>(buf: usize, from: i32, count: i32): T {
  const S = sizeof<T>();
  let m = load<T>(buf + <usize>from * S);
  for (let i = from + 1; i < count; i++) {
    const v = load<T>(buf + <usize>i * S);
    if (v < m) m = v;
  }
  return m;
}

/**
 * A zero of rank `rank` with the sign sorting gives it: sorted values are the negatives, then -0,
 * then +0, so it is -0 when negatives <= rank < negatives + (count of -0). Selection compares -0
 * and +0 equal, so it cannot tell by itself.
 */
@inline function signedZero<T>(buf: usize, count: i32, rank: i32): f64 {
  let negatives = 0;
  let negativeZeros = 0;
  for (let i = 0; i < count; i++) {
    const v = <f64>load<T>(buf + <usize>i * sizeof<T>());
    if (v < 0) negatives++;
    else if (v == 0 && 1 / v < 0) negativeZeros++;
  }
  return rank >= negatives && rank < negatives + negativeZeros ? -0.0 : 0.0;
}

/**
 * The median of the `count` values of T at `buf` as numpy's median gives it (the mean of the two
 * middle values, in float64, for an even count), bit for bit what sorting gives. `guess` (the
 * centre's last value, which the median mostly stays at once a fit settles) is checked first by
 * counting: where the middle rank or ranks hold values equal to it, that is the median, with no
 * selection. Reorders the values.
 */
@inline export function medianOf<T>(buf: usize, count: i32, guess: f64): f64 {
  const mid = count >> 1;
  const odd = (count & 1) != 0;
  // A guess a value of T can equal (a float64 centre value may not be a float32 value).
  if (<f64><T>guess == guess) {
    countAround<T>(buf, count, <T>guess);
    const first = odd ? mid : mid - 1;
    if (below <= first && mid < below + equal) {
      // Both middle values equal the guess for an even count: their mean as sorting computes it.
      if (guess != 0) return odd ? guess : (guess + guess) / 2;
      // Zeros: sorted, the negatives (`below`), then -0, then +0.
      const a: f64 = first < below + negativeZeros ? -0.0 : 0.0;
      const b: f64 = mid < below + negativeZeros ? -0.0 : 0.0;
      return odd ? a : (a + b) / 2;
    }
  }
  if (odd) {
    const v = <f64>selectRank<T>(buf, count, mid);
    return v == 0 ? signedZero<T>(buf, count, mid) : v;
  }
  let a = <f64>selectRank<T>(buf, count, mid - 1);
  // After the selection every value from mid on is at least a: the next in order is their least.
  let b = <f64>minFrom<T>(buf, mid, count);
  if (a == 0) a = signedZero<T>(buf, count, mid - 1);
  if (b == 0) b = signedZero<T>(buf, count, mid);
  return (a + b) / 2;
}

/**
 * Bands [start, end) of the clusters' column medians of rows of T (d columns at x): band q is
 * the columns from q · bandCols (bandCols of them, fewer in the last band). Row i goes to place
 * positions[i] (int32) of the rows grouped by cluster, cluster j's places being offsets[j] to
 * offsets[j + 1] (k + 1 int32). Each column's median goes to out[j · d + t] (float64), with
 * guesses[j · d + t] as medianOf's guess; a cluster without rows is skipped. `scratch` holds
 * bandCols columns of n values of T. The rows are read in order, each band's values together (one cache line of float32 values at 16 columns), so X
 * streams through once a band; reading each cluster's rows in turn instead jumped through X and
 * waited on memory (three times the time on MNIST).
 */
@inline export function clusterMedians<T>(
  x: usize, start: i32, end: i32, d: i32, k: i32,
  positions: usize, offsets: usize, bandCols: i32, guesses: usize, out: usize, scratch: usize,
): void {
  const S = sizeof<T>();
  const n = load<i32>(offsets + <usize>k * 4);
  const column = <usize>n * S;
  const rowBytes = <usize>d * S;
  for (let q = start; q < end; q++) {
    const t0 = q * bandCols;
    const cols = min(bandCols, d - t0);
    let row = x + <usize>t0 * S;
    for (let i = 0; i < n; i++, row += rowBytes) {
      const to = scratch + <usize>load<i32>(positions + <usize>i * 4) * S;
      for (let b = 0; b < cols; b++) store<T>(to + <usize>b * column, load<T>(row + <usize>b * S));
    }
    for (let j = 0; j < k; j++) {
      const from = load<i32>(offsets + <usize>j * 4);
      const count = load<i32>(offsets + <usize>(j + 1) * 4) - from;
      if (count == 0) continue;
      for (let b = 0; b < cols; b++) {
        const values = scratch + <usize>b * column + <usize>from * S;
        const at = (<usize>j * <usize>d + <usize>(t0 + b)) * 8;
        store<f64>(out + at, medianOf<T>(values, count, load<f64>(guesses + at)));
      }
    }
  }
}
