// The fast scan: a row's nearest centre by scores ||c||² − 2 x·c computed in SIMD lanes of the
// row's type (float64 rows within range are scanned from float32 copies: twice the lanes), then
// settled. Scores are within a rounding bound of the exact squared distances less ||x||²; when
// the two best are within the bound, the centres within it of the best are settled by exact
// distances (the reference's), ties to the lower index: labels are exactly the reference's.
// The scans and the tie settle are calls of their own, not inlined into every pass: V8
// optimises a WebAssembly function only once it has run a while, in time that grows with its
// size, and until then a pass runs unoptimised.

import {
  best, bestScore, considerExact, consider, considerSecond, keepFastBest, second, startExact, startScan,
} from './best';
import { dot, squaredDistance, valueAt } from './distances';
import { laneSum, lanesOf, maddLanes, reduce4, sum2 } from './simd';

/** 2^-147: each float32 product that underflows loses at most 2^-150. */
const TINY32: f64 = 5.605193857299268e-45;
/**
 * Float64 rows are scanned in float32 when their squared norms and the centres' are within 2^80
 * (values within 2^40 of zero), so that no product overflows float32; the rounding bound
 * (mixedBound) then covers the float32 rounding of the row too.
 */
export const MIXED_LIMIT: f64 = 1.2089258196146292e24; // 2^80
const EPS32: f64 = 1.1920928955078125e-7; // 2^-23
const UNDERFLOW: f64 = 7.888609052210118e-31; // 2^-100

/**
 * The rounding bound of a float32 row's fast scores: relative to (||x|| + max ||c||)², plus an
 * absolute term for products that underflow float32 (values near 1e-22 have squares below
 * float32's normal range, and their scores would otherwise be trusted).
 */
@inline export function boundF32(d: i32, xnorm: f64, cnMax: f64, margin: f64): f64 {
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  return margin * scale * scale + <f64>(d + 16) * TINY32;
}

/** The rounding bound of a float32 scan of a float64 row (see MIXED_LIMIT). */
@inline export function mixedBound(d: i32, xnorm: f64, cnMax: f64): f64 {
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  return <f64>(d + 16) * EPS32 * scale * scale + <f64>d * UNDERFLOW;
}

/** The rounding bound of a float64 row's float64 scores. */
@inline export function boundF64(xnorm: f64, cnMax: f64, margin: f64): f64 {
  const scale = Math.sqrt(xnorm) + Math.sqrt(cnMax);
  return margin * scale * scale;
}

/** Whether a float64 row of squared norm `xnorm` is scanned from a float32 copy (see MIXED_LIMIT). */
@inline export function scannedInF32(xnorm: f64, cnMax: f64): bool {
  return cnMax <= MIXED_LIMIT && xnorm <= MIXED_LIMIT;
}

/**
 * The nearest centre of one row of T into the running best (best.ts): scores four centres at a
 * time against `cScan` (the centres as T), then settles (settleF32 or settleF64).
 */
export function nearest<T>(row: usize, d: i32, cScan: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64): void {
  const lanes = lanesOf<T>();
  const body = d & ~(lanes - 1);
  const k4 = k & ~3;
  const rowBytes = <usize>d * sizeof<T>();
  startScan();
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = cScan + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let t = 0; t < body; t += lanes) {
      const off = <usize>t * sizeof<T>();
      const v = v128.load(row + off);
      a0 = maddLanes<T>(v, v128.load(c0 + off), a0);
      a1 = maddLanes<T>(v, v128.load(c1 + off), a1);
      a2 = maddLanes<T>(v, v128.load(c2 + off), a2);
      a3 = maddLanes<T>(v, v128.load(c3 + off), a3);
    }
    let s0: f64 = 0;
    let s1: f64 = 0;
    let s2: f64 = 0;
    let s3: f64 = 0;
    if (sizeof<T>() == 4) {
      const r = reduce4(a0, a1, a2, a3);
      s0 = <f64>f32x4.extract_lane(r, 0);
      s1 = <f64>f32x4.extract_lane(r, 1);
      s2 = <f64>f32x4.extract_lane(r, 2);
      s3 = <f64>f32x4.extract_lane(r, 3);
    } else {
      s0 = sum2(a0);
      s1 = sum2(a1);
      s2 = sum2(a2);
      s3 = sum2(a3);
    }
    for (let t = body; t < d; t++) {
      const v = valueAt<T>(row, t);
      s0 += v * valueAt<T>(c0, t);
      s1 += v * valueAt<T>(c1, t);
      s2 += v * valueAt<T>(c2, t);
      s3 += v * valueAt<T>(c3, t);
    }
    consider(load<f64>(cn + <usize>j * 8) - 2 * s0, j);
    consider(load<f64>(cn + <usize>(j + 1) * 8) - 2 * s1, j + 1);
    consider(load<f64>(cn + <usize>(j + 2) * 8) - 2 * s2, j + 2);
    consider(load<f64>(cn + <usize>(j + 3) * 8) - 2 * s3, j + 3);
  }
  for (; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dot<T>(row, cScan + <usize>j * rowBytes, d), j);
  if (sizeof<T>() == 4) settleF32(row, d, cScan, c64, cn, k, cnMax, xnorm, margin);
  else settleF64(row, d, c64, cn, k, cnMax, xnorm, margin);
}

/**
 * The fast scan for two rows of T at once: each centre's values are loaded once for both rows
 * (2 rows x 4 centres of accumulators). Leaves row0's running best current and row1's beside it
 * (takeSecondRow); each score is computed exactly as nearest and dot compute it. With `keep`
 * (not 0; Elkan's first pass) every score is also kept, halved in float32 as the panels keep
 * theirs: row0's at `keep`, row1's `keepStride` bytes after.
 */
export function scanPair<T>(row0: usize, row1: usize, d: i32, cScan: usize, cn: usize, k: i32, keep: usize = 0, keepStride: usize = 0): void {
  const lanes = lanesOf<T>();
  const body = d & ~(lanes - 1);
  const k4 = k & ~3;
  const rowBytes = <usize>d * sizeof<T>();
  startScan();
  let j = 0;
  for (; j < k4; j += 4) {
    const c0 = cScan + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let b2 = f64x2.splat(0);
    let b3 = f64x2.splat(0);
    for (let t = 0; t < body; t += lanes) {
      const off = <usize>t * sizeof<T>();
      const u = v128.load(row0 + off);
      const v = v128.load(row1 + off);
      const w0 = v128.load(c0 + off);
      const w1 = v128.load(c1 + off);
      const w2 = v128.load(c2 + off);
      const w3 = v128.load(c3 + off);
      a0 = maddLanes<T>(u, w0, a0);
      b0 = maddLanes<T>(v, w0, b0);
      a1 = maddLanes<T>(u, w1, a1);
      b1 = maddLanes<T>(v, w1, b1);
      a2 = maddLanes<T>(u, w2, a2);
      b2 = maddLanes<T>(v, w2, b2);
      a3 = maddLanes<T>(u, w3, a3);
      b3 = maddLanes<T>(v, w3, b3);
    }
    let s0: f64 = 0;
    let s1: f64 = 0;
    let s2: f64 = 0;
    let s3: f64 = 0;
    let r0: f64 = 0;
    let r1: f64 = 0;
    let r2: f64 = 0;
    let r3: f64 = 0;
    if (sizeof<T>() == 4) {
      const ra = reduce4(a0, a1, a2, a3);
      const rb = reduce4(b0, b1, b2, b3);
      s0 = <f64>f32x4.extract_lane(ra, 0);
      s1 = <f64>f32x4.extract_lane(ra, 1);
      s2 = <f64>f32x4.extract_lane(ra, 2);
      s3 = <f64>f32x4.extract_lane(ra, 3);
      r0 = <f64>f32x4.extract_lane(rb, 0);
      r1 = <f64>f32x4.extract_lane(rb, 1);
      r2 = <f64>f32x4.extract_lane(rb, 2);
      r3 = <f64>f32x4.extract_lane(rb, 3);
    } else {
      s0 = sum2(a0);
      s1 = sum2(a1);
      s2 = sum2(a2);
      s3 = sum2(a3);
      r0 = sum2(b0);
      r1 = sum2(b1);
      r2 = sum2(b2);
      r3 = sum2(b3);
    }
    for (let t = body; t < d; t++) {
      const u = valueAt<T>(row0, t);
      const v = valueAt<T>(row1, t);
      const w0 = valueAt<T>(c0, t);
      const w1 = valueAt<T>(c1, t);
      const w2 = valueAt<T>(c2, t);
      const w3 = valueAt<T>(c3, t);
      s0 += u * w0;
      s1 += u * w1;
      s2 += u * w2;
      s3 += u * w3;
      r0 += v * w0;
      r1 += v * w1;
      r2 += v * w2;
      r3 += v * w3;
    }
    const n0 = load<f64>(cn + <usize>j * 8);
    const n1 = load<f64>(cn + <usize>(j + 1) * 8);
    const n2 = load<f64>(cn + <usize>(j + 2) * 8);
    const n3 = load<f64>(cn + <usize>(j + 3) * 8);
    consider(n0 - 2 * s0, j);
    consider(n1 - 2 * s1, j + 1);
    consider(n2 - 2 * s2, j + 2);
    consider(n3 - 2 * s3, j + 3);
    considerSecond(n0 - 2 * r0, j);
    considerSecond(n1 - 2 * r1, j + 1);
    considerSecond(n2 - 2 * r2, j + 2);
    considerSecond(n3 - 2 * r3, j + 3);
    if (keep != 0) {
      keepPair(keep, keepStride, j, n0, s0, r0);
      keepPair(keep, keepStride, j + 1, n1, s1, r1);
      keepPair(keep, keepStride, j + 2, n2, s2, r2);
      keepPair(keep, keepStride, j + 3, n3, s3, r3);
    }
  }
  // The last k mod 4 centres: two at a time while two are left (four independent sums, where one
  // centre's two would wait on each other's latency), then one; both rows share each load, each
  // dot as dot<T> computes it.
  if (j + 2 <= k) {
    const c0 = cScan + <usize>j * rowBytes;
    const c1 = c0 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    for (let t = 0; t < body; t += lanes) {
      const off = <usize>t * sizeof<T>();
      const u = v128.load(row0 + off);
      const v = v128.load(row1 + off);
      const w0 = v128.load(c0 + off);
      const w1 = v128.load(c1 + off);
      a0 = maddLanes<T>(u, w0, a0);
      b0 = maddLanes<T>(v, w0, b0);
      a1 = maddLanes<T>(u, w1, a1);
      b1 = maddLanes<T>(v, w1, b1);
    }
    let s0 = laneSum<T>(a0);
    let s1 = laneSum<T>(a1);
    let r0 = laneSum<T>(b0);
    let r1 = laneSum<T>(b1);
    for (let t = body; t < d; t++) {
      const u = valueAt<T>(row0, t);
      const v = valueAt<T>(row1, t);
      const w0 = valueAt<T>(c0, t);
      const w1 = valueAt<T>(c1, t);
      s0 += u * w0;
      s1 += u * w1;
      r0 += v * w0;
      r1 += v * w1;
    }
    const n0 = load<f64>(cn + <usize>j * 8);
    const n1 = load<f64>(cn + <usize>(j + 1) * 8);
    consider(n0 - 2 * s0, j);
    consider(n1 - 2 * s1, j + 1);
    considerSecond(n0 - 2 * r0, j);
    considerSecond(n1 - 2 * r1, j + 1);
    if (keep != 0) {
      keepPair(keep, keepStride, j, n0, s0, r0);
      keepPair(keep, keepStride, j + 1, n1, s1, r1);
    }
    j += 2;
  }
  for (; j < k; j++) {
    const n = load<f64>(cn + <usize>j * 8);
    const c = cScan + <usize>j * rowBytes;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    for (let t = 0; t < body; t += lanes) {
      const off = <usize>t * sizeof<T>();
      const w = v128.load(c + off);
      a = maddLanes<T>(v128.load(row0 + off), w, a);
      b = maddLanes<T>(v128.load(row1 + off), w, b);
    }
    let s = laneSum<T>(a);
    let r = laneSum<T>(b);
    for (let t = body; t < d; t++) {
      const w = valueAt<T>(c, t);
      s += valueAt<T>(row0, t) * w;
      r += valueAt<T>(row1, t) * w;
    }
    consider(n - 2 * s, j);
    considerSecond(n - 2 * r, j);
    if (keep != 0) keepPair(keep, keepStride, j, n, s, r);
  }
}

/** Keeps centre j's scores of both rows of the pair scan, halved in float32 (see panelScores4). */
@inline function keepPair(keep: usize, keepStride: usize, j: i32, n: f64, s: f64, r: f64): void {
  store<f32>(keep + <usize>j * 4, <f32>(0.5 * n - s));
  store<f32>(keep + keepStride + <usize>j * 4, <f32>(0.5 * n - r));
}

/**
 * The settle step, after a scan of T rows has left the running best: when the two best scores
 * are within `bound`, rescore (the same arithmetic, so the same scores; a panel scan's kept
 * `scores` instead) and settle the centres within the bound of the best by exact distance to
 * `rowExact` (float64 when `exactF64`), leaving it in `exact`. `rowScan` is the row the scan
 * read, against `cScan`.
 */
@inline export function settle<T>(rowScan: usize, rowExact: usize, exactF64: bool, d: i32, cScan: usize, c64: usize, cn: usize, k: i32, bound: f64, scores: usize = 0): void {
  keepFastBest();
  if (second - bestScore > bound) return;
  settleTies<T>(rowScan, rowExact, exactF64, d, cScan, c64, cn, k, bound, scores);
}

// The rest of settle, for the few rows whose two best scores are within the bound: a call of its
// own, so that the passes' functions stay small enough for V8 to optimise them quickly.
function settleTies<T>(rowScan: usize, rowExact: usize, exactF64: bool, d: i32, cScan: usize, c64: usize, cn: usize, k: i32, bound: f64, scores: usize): void {
  const rowBytes = <usize>d * sizeof<T>();
  const limit = bestScore + bound;
  startExact();
  for (let q = 0; q < k; q++) {
    // A panel scan kept its scores (halved); the other scans' are recomputed, bit for bit.
    const score = scores != 0
      ? 2 * <f64>load<f32>(scores + <usize>q * 4)
      : load<f64>(cn + <usize>q * 8) - 2 * dot<T>(rowScan, cScan + <usize>q * rowBytes, d);
    if (score > limit) continue;
    const centre = c64 + <usize>q * <usize>d * 8;
    considerExact(exactF64 ? squaredDistance<f64>(rowExact, centre, d) : squaredDistance<f32>(rowExact, centre, d), q);
  }
}

/** Settles a float32 row after its scan (or from its kept panel `scores`). */
@inline export function settleF32(row: usize, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64, scores: usize = 0): void {
  settle<f32>(row, row, false, d, c32, c64, cn, k, boundF32(d, xnorm, cnMax, margin), scores);
}

/**
 * Settles a float64 row after a float32 scan of its copy `row32` (rescored from that copy, so the
 * same scores), by exact float64 distances to the row `row64`.
 */
@inline export function settleMixed(row32: usize, row64: usize, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, scores: usize = 0): void {
  settle<f32>(row32, row64, true, d, c32, c64, cn, k, mixedBound(d, xnorm, cnMax), scores);
}

/** Settles a float64 row after a float64 scan. */
@inline export function settleF64(row: usize, d: i32, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64): void {
  settle<f64>(row, row, true, d, c64, c64, cn, k, boundF64(xnorm, cnMax, margin));
}
