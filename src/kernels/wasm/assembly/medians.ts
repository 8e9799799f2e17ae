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

/**
 * The value of rank `rank` among a column's values sorted, where the counts against a guess tell
 * it: `below` values are less than the guess, `equal` equal to it (`minus` of all are -0),
 * `belowMax` the greatest below it and `aboveMin` the least above it; NaN where they do not.
 * WebAssembly's min and max order -0 below +0, as sorting does, so a zero next to the guess has
 * its sorted sign: the greatest of the zeros below is +0 if there is one, the least above -0.
 */
@inline function rankValue(rank: i32, guess: f64, below: i32, equal: i32, minus: i32, belowMax: f64, aboveMin: f64): f64 {
  if (rank >= below && rank < below + equal) {
    if (guess != 0) return guess;
    return rank < below + minus ? -0.0 : 0.0;
  }
  return rank == below - 1 ? belowMax : rank == below + equal ? aboveMin : NaN;
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
 * area (n x 64 bytes, then room for two columns of n values and 352 bytes more): X streams
 * through in row order, and each cluster's rows end up together. Then, for each cluster and
 * vector of columns, one SIMD pass over the cluster's rows counts the values below the column's
 * guess (guesses[j · d + t], the centre's last value, as a value of T), equal to it, and -0 (by
 * their bits), and finds the greatest value below it and the least above. Where the middle rank
 * or ranks hold values equal to the guess or next to its equal part, the counts tell the median
 * (once a fit settles, most medians stay where they were or move to a neighbouring value; an
 * even count's mean of two values is not a value, but its two middle values are the neighbours
 * of the guess), with the sign of zero from the counts (sorted: the negatives, -0, +0). Only
 * other columns are selected (selectMedian).
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
  // count's lanes, 16 of each neighbour's (the greatest below the guess, the least above), and a
  // pivot's sample (256 bytes).
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
        let belowMaxV = v128.splat<T>(-Infinity);
        let aboveMinV = v128.splat<T>(Infinity);
        let at = block + <usize>v * S;
        // Comparisons give -1 (all bits) in each lane where they hold.
        for (let p = 0; p < count; p++, at += BAND_BYTES) {
          const value = v128.load(at);
          if (S == 4) {
            const less = f32x4.lt(value, g);
            const more = f32x4.gt(value, g);
            lessV = i32x4.sub(lessV, less);
            equalV = i32x4.sub(equalV, f32x4.eq(value, g));
            minusV = i32x4.sub(minusV, i32x4.eq(value, minusZero));
            belowMaxV = f32x4.max(belowMaxV, v128.bitselect(value, f32x4.splat(-Infinity), less));
            aboveMinV = f32x4.min(aboveMinV, v128.bitselect(value, f32x4.splat(Infinity), more));
          } else {
            const less = f64x2.lt(value, g);
            const more = f64x2.gt(value, g);
            lessV = i64x2.sub(lessV, less);
            equalV = i64x2.sub(equalV, f64x2.eq(value, g));
            minusV = i64x2.sub(minusV, i64x2.eq(value, minusZero));
            belowMaxV = f64x2.max(belowMaxV, v128.bitselect(value, f64x2.splat(-Infinity), less));
            aboveMinV = f64x2.min(aboveMinV, v128.bitselect(value, f64x2.splat(Infinity), more));
          }
        }
        v128.store(lanesAt, lessV, 16);
        v128.store(lanesAt, equalV, 32);
        v128.store(lanesAt, minusV, 48);
        v128.store(lanesAt, belowMaxV, 64);
        v128.store(lanesAt, aboveMinV, 80);
        for (let l = 0; l < lanes && v + l < cols; l++) {
          // The guess as a value of T: the counts are against it.
          const guess = <f64>load<T>(lanesAt + <usize>l * S);
          // Lane l's counts: int32 lanes for float32 values, int64 for float64.
          const below = S == 4 ? load<i32>(lanesAt + 16 + <usize>l * 4) : <i32>load<i64>(lanesAt + 16 + <usize>l * 8);
          const equal = S == 4 ? load<i32>(lanesAt + 32 + <usize>l * 4) : <i32>load<i64>(lanesAt + 32 + <usize>l * 8);
          const minus = S == 4 ? load<i32>(lanesAt + 48 + <usize>l * 4) : <i32>load<i64>(lanesAt + 48 + <usize>l * 8);
          const belowMax = <f64>load<T>(lanesAt + 64 + <usize>l * S);
          const aboveMin = <f64>load<T>(lanesAt + 80 + <usize>l * S);
          const target = out + (<usize>j * <usize>d + <usize>(t0 + v + l)) * 8;
          // The middle values where the counts tell them: the guess for ranks in its equal part
          // (zeros signed from the counts: sorted, the negatives, -0, +0), the greatest value
          // below it for the rank just before, the least above it for the rank just after.
          // Anything else NaN: selected instead.
          const a = rankValue(first, guess, below, equal, minus, belowMax, aboveMin);
          const b = odd ? a : rankValue(mid, guess, below, equal, minus, belowMax, aboveMin);
          if (a == a && b == b) {
            // As sorting computes it: the middle value, or the mean of the two.
            store<f64>(target, odd ? a : (a + b) / 2);
            continue;
          }
          store<f64>(target, selectMedian<T>(block + <usize>(v + l) * S, BAND_BYTES, count, column, column + spareAt, lanesAt + 96));
        }
      }
    }
  }
}
