// L1 distances, k-medians' assignment distance: exact, in float64, in the reference backend's
// order (reference/distances.ts): lanes hold the partial sums of |x - c| for t mod 4, combined as
// (s0 + s2) + (s1 + s3), then the tail in order. Rows are of type T (f32 or f64: float32 values
// are promoted, as the reference reads them); centres are float64. Assignment scans in float32
// and settles exactly where the scan cannot tell (l1AssignScan); ties keep the lowest index.

import { pairAt, toF32, valueAt } from './distances';
import { copyStride } from './scratch';
import { sum2 } from './simd';

/** The four lanes of |row − centre| over t in [t, t + 4), added into a pair of accumulators. */
@inline function absLo<T>(row: usize, centre: usize, t: i32): v128 {
  return f64x2.abs(f64x2.sub(pairAt<T>(row, t), v128.load(centre + <usize>t * 8)));
}

/** L1 distance from a row of T to a float64 centre, in the reference's order. */
@inline export function l1Distance<T>(row: usize, centre: usize, d: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    a0 = f64x2.add(a0, absLo<T>(row, centre, t));
    a1 = f64x2.add(a1, absLo<T>(row, centre, t + 2));
  }
  // a0 holds (s0, s1), a1 (s2, s3): their sum's lanes are s0 + s2 and s1 + s3.
  let s = sum2(f64x2.add(a0, a1));
  for (; t < d; t++) s += Math.abs(valueAt<T>(row, t) - load<f64>(centre + <usize>t * 8));
  return s;
}

/** L1 distance of each row of T in [start, end) to the centre named by its label. */
@inline export function l1AssignedDistances<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<f64>(dist + <usize>i * 8, l1Distance<T>(x + <usize>i * <usize>d * sizeof<T>(), c64 + <usize>label * <usize>d * 8, d));
  }
}

/** Every row-to-centre L1 distance for rows [start, end) of T, into out[i * k + j]. */
@inline export function l1Pairwise<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * sizeof<T>();
    const o = out + <usize>i * <usize>k * 8;
    for (let j = 0; j < k; j++) store<f64>(o + <usize>j * 8, l1Distance<T>(row, c64 + <usize>j * <usize>d * 8, d));
  }
}

/**
 * As l1Assign, by a float32 scan settled exactly (l1ScanRow, row by row): labels and, unless
 * `dist` is 0, distances.
 */
@inline export function l1AssignScan<T>(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, c1: usize, k: i32,
  margin: f64, labels: usize, dist: usize, scratch: usize,
): void {
  for (let i = start; i < end; i++) {
    const best = l1ScanRow<T>(x + <usize>i * <usize>d * sizeof<T>(), d, c32, c64, c1, k, margin, false, scratch);
    store<i32>(labels + <usize>i * 4, best);
    if (dist != 0) store<f64>(dist + <usize>i * 8, scannedDistance);
  }
}

/** The exact L1 distance from the row l1ScanRow last scanned to its nearest centre. */
export let scannedDistance: f64 = 0;
/**
 * With `withLower`, a lower bound on the L1 distance from that row to every centre but its
 * nearest (0 where a score could not bound it; Infinity when k = 1).
 */
export let scannedLower: f64 = 0;

/**
 * The nearest centre to one row of T (`source`) by L1 distance, by a float32 scan settled
 * exactly; its exact distance into scannedDistance. Every centre's L1 distance is first computed
 * in float32 lanes (|x − c| with the centre, and float64 rows, rounded to float32: a float64 row
 * is copied to float32 in `scratch` first; summed in eight lanes, twice the rate of float64
 * lanes) into scores (k float64, in scratch after the copy). Its error against the exact distance
 * is at most err = margin · (score + ||c||₁ + ||x||₁) + (d + 4) · 2^-126 (c1 holds the centres'
 * L1 norms, k float64; ||x||₁ counts only for float64 rows, whose float32 copy is rounded):
 * margin = (d + 16) · 2^-22 covers the roundings to float32 (2^-24 of ||c||₁ and ||x||₁), each
 * |x − c|'s and the lane sums' (about d / 8 + 2 roundings of 2^-24 each, on values at most the
 * score plus that) several times over; the absolute term covers values in or below float32's
 * subnormal range, and the exact distance's own float64 rounding is far inside. So the nearest
 * centre is among those whose score − err is at most the least score + err; where that is one
 * centre it is the nearest (strictly: every other's exact distance exceeds its own), else the
 * exact distances of those centres, in index order with a strict `<`, settle it. A score that is
 * not finite (values past float32's range) keeps its centre in the settle. The label and
 * distance are the reference's, bit for bit: ties keep the lowest index. With `withLower`, the
 * least score − err over the other centres goes to scannedLower (for Hamerly's bounds).
 */
@inline export function l1ScanRow<T>(
  source: usize, d: i32, c32: usize, c64: usize, c1: usize, k: i32, margin: f64, withLower: bool, scratch: usize,
): i32 {
  const scores = sizeof<T>() == 4 ? scratch : scratch + copyStride(d);
  const rowBytes = <usize>d * 4;
  const body = d & ~7;
  const tiny = <f64>(d + 4) * 1.1754943508222875e-38;
  let row = source;
  let rowNorm = 0.0;
  if (sizeof<T>() == 8) {
    toF32(source, scratch, d);
    row = scratch;
    rowNorm = l1Norm(source, d);
  }
  let upper = Infinity;
  let j = 0;
  for (; j + 2 <= k; j += 2) {
    const c0 = c32 + <usize>j * rowBytes;
    const c1p = c0 + rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    for (let t = 0; t < body; t += 8) {
      const off = <usize>t * 4;
      const lo = v128.load(row + off);
      const hi = v128.load(row + off + 16);
      a0 = f32x4.add(a0, f32x4.abs(f32x4.sub(lo, v128.load(c0 + off))));
      a1 = f32x4.add(a1, f32x4.abs(f32x4.sub(hi, v128.load(c0 + off + 16))));
      b0 = f32x4.add(b0, f32x4.abs(f32x4.sub(lo, v128.load(c1p + off))));
      b1 = f32x4.add(b1, f32x4.abs(f32x4.sub(hi, v128.load(c1p + off + 16))));
    }
    let s0 = laneTotal(f32x4.add(a0, a1));
    let s1 = laneTotal(f32x4.add(b0, b1));
    for (let t = body; t < d; t++) {
      const v = load<f32>(row + <usize>t * 4);
      s0 += <f64>Mathf.abs(v - load<f32>(c0 + <usize>t * 4));
      s1 += <f64>Mathf.abs(v - load<f32>(c1p + <usize>t * 4));
    }
    store<f64>(scores + <usize>j * 8, s0);
    store<f64>(scores + <usize>(j + 1) * 8, s1);
    upper = min(upper, s0 + margin * (s0 + rowNorm + load<f64>(c1 + <usize>j * 8)) + tiny);
    upper = min(upper, s1 + margin * (s1 + rowNorm + load<f64>(c1 + <usize>(j + 1) * 8)) + tiny);
  }
  if (j < k) {
    const c0 = c32 + <usize>j * rowBytes;
    let a0 = f32x4.splat(0);
    for (let t = 0; t < body; t += 4) {
      const off = <usize>t * 4;
      a0 = f32x4.add(a0, f32x4.abs(f32x4.sub(v128.load(row + off), v128.load(c0 + off))));
    }
    let s0 = laneTotal(a0);
    for (let t = body; t < d; t++) s0 += <f64>Mathf.abs(load<f32>(row + <usize>t * 4) - load<f32>(c0 + <usize>t * 4));
    store<f64>(scores + <usize>j * 8, s0);
    upper = min(upper, s0 + margin * (s0 + rowNorm + load<f64>(c1 + <usize>j * 8)) + tiny);
  }
  // The centres that may be nearest; settled exactly where there are two or more. With
  // withLower, the two least lower bounds and the centre of the least.
  let only = -1;
  let candidates = 0;
  let least = Infinity;
  let leastAt = -1;
  let nextLeast = Infinity;
  for (let q = 0; q < k; q++) {
    const score = load<f64>(scores + <usize>q * 8);
    const low = score - margin * (score + rowNorm + load<f64>(c1 + <usize>q * 8)) - tiny;
    if (withLower) {
      // NaN (a score past float32's range) bounds nothing: 0.
      const bound = low > 0 ? low : 0.0;
      if (bound < least) {
        nextLeast = least;
        least = bound;
        leastAt = q;
      } else if (bound < nextLeast) {
        nextLeast = bound;
      }
    }
    // Not `low > upper` (NaN, from a score past float32's range, keeps the centre in).
    if (!(low > upper)) {
      candidates++;
      only = q;
    } else {
      store<f64>(scores + <usize>q * 8, -1);
    }
  }
  let best = only;
  let bestDistance = 0.0;
  if (candidates == 1) {
    bestDistance = l1Distance<T>(source, c64 + <usize>only * <usize>d * 8, d);
  } else {
    bestDistance = Infinity;
    best = -1;
    for (let q = 0; q < k; q++) {
      if (load<f64>(scores + <usize>q * 8) == -1) continue;
      const s = l1Distance<T>(source, c64 + <usize>q * <usize>d * 8, d);
      if (best < 0 || s < bestDistance) {
        bestDistance = s;
        best = q;
      }
    }
  }
  scannedDistance = bestDistance;
  if (withLower) scannedLower = best == leastAt ? nextLeast : least;
  return best;
}

/**
 * ||x||₁ of a float64 row, for the scan's error bound only (its own rounding is far inside the
 * margin): four lanes, so the additions are not one dependent chain (a scalar loop of d adds, each
 * waiting on the last, took as long as the scan of ten centres).
 */
@inline function l1Norm(row: usize, d: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    a0 = f64x2.add(a0, f64x2.abs(v128.load(row + <usize>t * 8)));
    a1 = f64x2.add(a1, f64x2.abs(v128.load(row + <usize>t * 8 + 16)));
  }
  let s = sum2(f64x2.add(a0, a1));
  for (; t < d; t++) s += Math.abs(load<f64>(row + <usize>t * 8));
  return s;
}

/** The sum of four float32 lanes, in float64. */
@inline function laneTotal(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}
