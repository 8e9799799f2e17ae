// k-medians' update: the median of each column of each cluster's rows, by selection (a
// quickselect, O(rows) on average), exactly as sorting gives it (src/kmeans/medians.ts is the
// same selection in TypeScript), after a counting check of the previous centre. The work is
// split into bands of columns, one thread's at a time (clusterMedians).

/** The median of three values: a partition step's pivot. */
@inline function median3<T>(a: T, b: T, c: T): T {
  if (a < b) return b < c ? b : (a < c ? c : a);
  return a < c ? a : (b < c ? c : b);
}

/**
 * A zero of rank `rank` among `count` values of T (`stride` bytes apart from `buf`) with the sign
 * sorting gives it: sorted values are the negatives, then -0, then +0, so it is -0 when
 * negatives <= rank < negatives + (count of -0). Selection compares -0 and +0 equal, so it
 * cannot tell by itself.
 */
@inline function signedZero<T>(buf: usize, stride: usize, count: i32, rank: i32): f64 {
  let negatives = 0;
  let negativeZeros = 0;
  for (let i = 0; i < count; i++) {
    const v = <f64>load<T>(buf + <usize>i * stride);
    if (v < 0) negatives++;
    else if (v == 0 && 1 / v < 0) negativeZeros++;
  }
  return rank >= negatives && rank < negatives + negativeZeros ? -0.0 : 0.0;
}

/** Ranges above this many values take their pivot from a sample (sampledPivot), others the median of three. */
const SAMPLE_FROM = 256;
/** Values in a pivot's sample. */
const SAMPLE_SIZE = 32;
/** How far past the target's place in the sorted sample the pivot is taken, toward the range's far end. */
const SAMPLE_MARGIN = 3;

/**
 * A pivot for the value of rank `rank` among `m` values of T (`step` bytes apart from `src`):
 * SAMPLE_SIZE of them, evenly spaced, are sorted at `sample`, and the one SAMPLE_MARGIN places
 * past the target's place is taken, on the far side from the range's nearer end. The step then
 * keeps the part on the near side, about min(rank, m − rank) + m · SAMPLE_MARGIN / SAMPLE_SIZE
 * values, where a median of three keeps half for a median: a median takes about two steps in
 * all. It is a value of the range, as every pivot must be (the equal part is never empty).
 */
@inline function sampledPivot<T>(src: usize, step: usize, m: i32, rank: i32, sample: usize): T {
  const S = sizeof<T>();
  for (let i = 0; i < SAMPLE_SIZE; i++) {
    const v = load<T>(src + <usize>((<i64>i * <i64>m) / SAMPLE_SIZE) * step);
    let j = i;
    for (; j > 0 && load<T>(sample + <usize>(j - 1) * S) > v; j--) store<T>(sample + <usize>j * S, load<T>(sample + <usize>(j - 1) * S));
    store<T>(sample + <usize>j * S, v);
  }
  const place = <i32>((<i64>rank * SAMPLE_SIZE) / <i64>m);
  const at = 2 * rank < m ? min(SAMPLE_SIZE - 1, place + SAMPLE_MARGIN) : max(0, place - SAMPLE_MARGIN);
  return load<T>(sample + <usize>at * S);
}

/**
 * The median of `count` values of T, `stride` bytes apart from `column` (left as they are), as
 * numpy's median gives it (the mean of the two middle values, in float64, for an even count),
 * bit for bit what sorting gives (-0 before +0). A quickselect partitioning out of place, into
 * `work` and `spare` (count values of T each) in turn: each step writes every value both at the
 * front and at the back of the other buffer and advances the front past values below the pivot
 * (the median of the range's first, middle and last) and the back past values above it. No
 * store feeds a later load, so the steps run at the rate of independent adds (swapping in place,
 * each swap's load waited on the last comparison). Pivots come from a sample near the target's
 * place (sampledPivot) in large ranges. The equal part is never empty, so every step shrinks the
 * range. `sample` holds SAMPLE_SIZE values of T. For an even count the value after the lower middle one is the pivot again,
 * the least of the step's values above it, or the last pivot passed on the way down to the left.
 */
@inline function selectMedian<T>(column: usize, stride: usize, count: i32, work: usize, spare: usize, sample: usize): f64 {
  const S = sizeof<T>();
  const mid = count >> 1;
  const odd = (count & 1) != 0;
  const first = odd ? mid : mid - 1;
  let rank = first;
  let src = column;
  let step = stride;
  let m = count;
  let dst = work;
  let other = spare;
  let above: T = <T>0; // the least value above the range, once a step went left
  while (true) {
    const pivot = m > SAMPLE_FROM ? sampledPivot<T>(src, step, m, rank, sample) : median3<T>(load<T>(src), load<T>(src + <usize>(m >> 1) * step), load<T>(src + <usize>(m - 1) * step));
    let below = 0;
    let over = 0;
    for (let i = 0; i < m; i++) {
      const v = load<T>(src + <usize>i * step);
      store<T>(dst + <usize>below * S, v);
      store<T>(dst + <usize>(m - 1 - over) * S, v);
      below += i32(v < pivot);
      over += i32(v > pivot);
    }
    if (rank < below) {
      above = pivot;
      src = dst;
      m = below;
    } else if (rank >= m - over) {
      rank -= m - over;
      src = dst + <usize>(m - over) * S;
      m = over;
    } else {
      let a = <f64>pivot;
      if (a == 0) a = signedZero<T>(column, stride, count, first);
      if (odd) return a;
      let b: f64;
      if (rank + 1 < m - over) b = <f64>pivot;
      else if (over > 0) {
        let least = load<T>(dst + <usize>(m - over) * S);
        for (let i = m - over + 1; i < m; i++) least = min(least, load<T>(dst + <usize>i * S));
        b = <f64>least;
      } else b = <f64>above;
      if (b == 0) b = signedZero<T>(column, stride, count, mid);
      return (a + b) / 2;
    }
    step = S;
    const next = other;
    other = dst;
    dst = next;
  }
  return 0; // not reached: the loop returns once the range's equal part holds `rank`
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
 * area (n x 64 bytes, then room for two columns of n values and 320 bytes more): X streams
 * through in row order, and each cluster's rows end up together. Then, for each cluster and
 * vector of columns, one SIMD pass over the cluster's rows counts the values below the column's
 * guess (guesses[j · d + t], the centre's last value), equal to it, and -0 (by their bits). Where
 * the middle rank or ranks hold values equal to the guess, the guess is the median (once a fit
 * settles, most medians stay where they were), with the sign of zero from the counts (sorted:
 * the negatives, -0, +0). Only other columns are selected (selectMedian).
 */
@inline export function clusterMedians<T>(
  x: usize, start: i32, end: i32, d: i32, k: i32,
  positions: usize, offsets: usize, bandCols: i32, guesses: usize, out: usize, scratch: usize,
): void {
  const S = sizeof<T>();
  const lanes = 16 / <i32>S;
  const n = load<i32>(offsets + <usize>k * 4);
  const rowBytes = <usize>d * S;
  // Two buffers of n values of T for the selection, then 16 bytes of guesses of T, 16 of each
  // count's lanes, and a pivot's sample (256 bytes).
  const column = scratch + <usize>n * BAND_BYTES;
  const spareAt = (<usize>n * S + 15) & ~15;
  const lanesAt = column + 2 * spareAt;
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
          store<f64>(target, selectMedian<T>(block + <usize>(v + l) * S, BAND_BYTES, count, column, column + spareAt, lanesAt + 64));
        }
      }
    }
  }
}
