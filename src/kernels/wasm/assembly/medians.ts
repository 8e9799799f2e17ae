// k-medians' update: the median of each column of each cluster's rows, by selection (a
// quickselect, O(rows) on average), exactly as sorting gives it (src/kmeans/medians.ts is the
// same selection in TypeScript), after a counting check of the previous centre. The work is
// split into bands of columns, one thread's at a time (clusterMedians).

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
 * the comparison to the split): a branch on each comparison mispredicts on about every other
 * value of unordered data.
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
 * The median of the `count` values of T at `buf` by selection, as numpy's median gives it (the
 * mean of the two middle values, in float64, for an even count), bit for bit what sorting gives
 * (-0 before +0). Reorders the values.
 */
@inline export function selectMedian<T>(buf: usize, count: i32): f64 {
  const mid = count >> 1;
  if (count & 1) {
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

/** Bytes of a band of one row in a thread's work area: 16 float32 or 8 float64 values. */
const BAND_BYTES: usize = 64;

/**
 * Bands [start, end) of the clusters' column medians of rows of T (d columns at x): band q is
 * the 64 bytes of columns from q · bandCols (bandCols = 64 / sizeof<T>(), fewer in the last
 * band). Row i goes to place positions[i] (int32) of the rows grouped by cluster, cluster j's
 * places being offsets[j] to offsets[j + 1] (k + 1 int32). Each column's median goes to
 * out[j · d + t] (float64); a cluster without rows is skipped.
 *
 * A band of every row is first copied, four vectors a row, to its place in the thread's work
 * area (n x 64 bytes, then room for one column of n values and 64 bytes more): X streams
 * through in row order, and each cluster's rows end up together. Then, for each cluster and
 * vector of columns, one SIMD pass over the cluster's rows counts the values below the column's
 * guess (guesses[j · d + t], the centre's last value), equal to it, and -0 (by their bits). Where
 * the middle rank or ranks hold values equal to the guess, the guess is the median (once a fit
 * settles, most medians stay where they were), with the sign of zero from the counts (sorted:
 * the negatives, -0, +0). Only other columns are taken out and selected (selectMedian).
 */
@inline export function clusterMedians<T>(
  x: usize, start: i32, end: i32, d: i32, k: i32,
  positions: usize, offsets: usize, bandCols: i32, guesses: usize, out: usize, scratch: usize,
): void {
  const S = sizeof<T>();
  const lanes = 16 / <i32>S;
  const n = load<i32>(offsets + <usize>k * 4);
  const rowBytes = <usize>d * S;
  const column = scratch + <usize>n * BAND_BYTES;
  // 16 bytes of guesses of T, then 16 of each count's lanes.
  const lanesAt = column + ((<usize>n * S + 15) & ~15);
  for (let q = start; q < end; q++) {
    const t0 = q * bandCols;
    const cols = min(bandCols, d - t0);
    let row = x + <usize>t0 * S;
    if (cols == bandCols) {
      for (let i = 0; i < n; i++, row += rowBytes) {
        const to = scratch + <usize>load<i32>(positions + <usize>i * 4) * BAND_BYTES;
        v128.store(to, v128.load(row));
        v128.store(to, v128.load(row, 16), 16);
        v128.store(to, v128.load(row, 32), 32);
        v128.store(to, v128.load(row, 48), 48);
      }
    } else {
      for (let i = 0; i < n; i++, row += rowBytes) {
        const to = scratch + <usize>load<i32>(positions + <usize>i * 4) * BAND_BYTES;
        for (let b = 0; b < cols; b++) store<T>(to + <usize>b * S, load<T>(row + <usize>b * S));
      }
    }
    for (let j = 0; j < k; j++) {
      const from = load<i32>(offsets + <usize>j * 4);
      const count = load<i32>(offsets + <usize>(j + 1) * 4) - from;
      if (count == 0) continue;
      const block = scratch + <usize>from * BAND_BYTES;
      const mid = count >> 1;
      const odd = (count & 1) != 0;
      const first = odd ? mid : mid - 1;
      for (let v = 0; v < cols; v += lanes) {
        const centre = guesses + (<usize>j * <usize>d + <usize>(t0 + v)) * 8;
        for (let l = 0; l < lanes; l++) store<T>(lanesAt + <usize>l * S, v + l < cols ? <T>load<f64>(centre + <usize>l * 8) : <T>0);
        const g = v128.load(lanesAt);
        const minusZero = v128.splat<T>(-0.0);
        let lessV = i32x4.splat(0);
        let equalV = i32x4.splat(0);
        let minusV = i32x4.splat(0);
        let at = block + <usize>v * S;
        // Comparisons give -1 (all bits) in each lane where they hold.
        for (let p = 0; p < count; p++, at += BAND_BYTES) {
          const value = v128.load(at);
          if (S == 4) {
            lessV = i32x4.sub(lessV, f32x4.lt(value, g));
            equalV = i32x4.sub(equalV, f32x4.eq(value, g));
            minusV = i32x4.sub(minusV, i32x4.eq(value, minusZero));
          } else {
            lessV = i64x2.sub(lessV, f64x2.lt(value, g));
            equalV = i64x2.sub(equalV, f64x2.eq(value, g));
            minusV = i64x2.sub(minusV, i64x2.eq(value, minusZero));
          }
        }
        v128.store(lanesAt, lessV, 16);
        v128.store(lanesAt, equalV, 32);
        v128.store(lanesAt, minusV, 48);
        for (let l = 0; l < lanes && v + l < cols; l++) {
          const guess = load<f64>(centre + <usize>l * 8);
          // Lane l's counts: int32 lanes for float32 values, int64 for float64.
          const below = S == 4 ? load<i32>(lanesAt + 16 + <usize>l * 4) : <i32>load<i64>(lanesAt + 16 + <usize>l * 8);
          const equal = S == 4 ? load<i32>(lanesAt + 32 + <usize>l * 4) : <i32>load<i64>(lanesAt + 32 + <usize>l * 8);
          const minus = S == 4 ? load<i32>(lanesAt + 48 + <usize>l * 4) : <i32>load<i64>(lanesAt + 48 + <usize>l * 8);
          const target = out + (<usize>j * <usize>d + <usize>(t0 + v + l)) * 8;
          // The guess counts only where a value of T can equal it (a float64 centre value may
          // not be a float32 value: then `equal` counted its rounding).
          if (<f64><T>guess == guess && below <= first && mid < below + equal) {
            if (guess != 0) {
              // Both middle values equal the guess for an even count: their mean as sorting computes it.
              store<f64>(target, odd ? guess : (guess + guess) / 2);
            } else {
              const a: f64 = first < below + minus ? -0.0 : 0.0;
              const b: f64 = mid < below + minus ? -0.0 : 0.0;
              store<f64>(target, odd ? a : (a + b) / 2);
            }
            continue;
          }
          let from = block + <usize>(v + l) * S;
          for (let p = 0; p < count; p++, from += BAND_BYTES) store<T>(column + <usize>p * S, load<T>(from));
          store<f64>(target, selectMedian<T>(column, count));
        }
      }
    }
  }
}
