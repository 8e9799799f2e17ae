// Distances and dot products of one row against one centre. Rows are of type T (f32 or f64,
// known at compile time: every `sizeof<T>()` test folds away); centres for exact distances are
// float64. Each function fixes an order of operations that the reference backend reproduces, so
// the two backends agree bit for bit.

import { laneSum, lanesOf, maddLanes, scanSum, sum2, madd } from './simd';

/** Elements t and t + 1 of a row of T, as float64 lanes. */
@inline export function pairAt<T>(row: usize, t: i32): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(row + <usize>t * 4));
  return v128.load(row + <usize>t * 8);
}

/** Element t of a row of T, as a float64. */
@inline export function valueAt<T>(row: usize, t: i32): f64 {
  return <f64>load<T>(row + <usize>t * sizeof<T>());
}

/**
 * Squared distance from a row of T to a float64 centre, in float64. Lanes hold the partial sums
 * of t mod 4, combined as (s0 + s2) + (s1 + s3), then the tail: the reference backend's order.
 */
@inline export function squaredDistance<T>(row: usize, centre: usize, d: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    const lo = f64x2.sub(pairAt<T>(row, t), v128.load(centre + <usize>t * 8));
    const hi = f64x2.sub(pairAt<T>(row, t + 2), v128.load(centre + <usize>t * 8 + 16));
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  let s = sum2(f64x2.add(a0, a1));
  for (; t < d; t++) {
    const diff = valueAt<T>(row, t) - load<f64>(centre + <usize>t * 8);
    s += diff * diff;
  }
  return s;
}

/** Squared distance from row i of X (rows of T) to centre j of the float64 centres. */
@inline export function rowCentreDistance<T>(x: usize, i: i32, d: i32, c64: usize, j: i32): f64 {
  return squaredDistance<T>(x + <usize>i * <usize>d * sizeof<T>(), c64 + <usize>j * <usize>d * 8, d);
}

/**
 * x·c for a row and a centre of the same type T, as the scans compute one centre's score: one
 * accumulator of T lanes (float32: the fast scan's multiply-add), summed by laneSum, then the
 * tail in float64. The scans' four-centre loops sum each centre's lanes in the same order, so a
 * score is the same whichever computes it.
 */
@inline export function dot<T>(row: usize, c: usize, d: i32): f64 {
  const lanes = lanesOf<T>();
  const body = d & ~(lanes - 1);
  let a = v128.splat<T>(0);
  for (let t = 0; t < body; t += lanes) {
    const off = <usize>t * sizeof<T>();
    a = maddLanes<T>(v128.load(row + off), v128.load(c + off), a);
  }
  let s = laneSum<T>(a);
  for (let t = body; t < d; t++) s += valueAt<T>(row, t) * valueAt<T>(c, t);
  return s;
}

/**
 * x·c in float32 with four accumulators (four independent chains, about four times the rate of
 * dot's one): for bounds, which need a score within the scan's rounding bound, not its bits.
 */
@inline export function quickDotF32(row: usize, c: usize, d: i32): f64 {
  const d16 = d & ~15;
  const d4 = d & ~3;
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let t = 0;
  for (; t < d16; t += 16) {
    const off = <usize>t * 4;
    a0 = madd(v128.load(row + off), v128.load(c + off), a0);
    a1 = madd(v128.load(row + off + 16), v128.load(c + off + 16), a1);
    a2 = madd(v128.load(row + off + 32), v128.load(c + off + 32), a2);
    a3 = madd(v128.load(row + off + 48), v128.load(c + off + 48), a3);
  }
  for (; t < d4; t += 4) a0 = madd(v128.load(row + <usize>t * 4), v128.load(c + <usize>t * 4), a0);
  let s = scanSum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; t < d; t++) s += <f64>load<f32>(row + <usize>t * 4) * <f64>load<f32>(c + <usize>t * 4);
  return s;
}

/**
 * As dot<f32> with a multiply and an add in every build: k-means++ weighs its draws with these,
 * and the reference backend reproduces them bit for bit (fastSquaredDistances).
 */
@inline export function plainDotF32(row: usize, c: usize, d: i32): f64 {
  const d4 = d & ~3;
  let a = f32x4.splat(0);
  for (let t = 0; t < d4; t += 4) a = f32x4.add(a, f32x4.mul(v128.load(row + <usize>t * 4), v128.load(c + <usize>t * 4)));
  let s = scanSum(a);
  for (let t = d4; t < d; t++) s += <f64>load<f32>(row + <usize>t * 4) * <f64>load<f32>(c + <usize>t * 4);
  return s;
}

/** Writes a float64 row as float32 values at `out` (the float32 scan of float64 rows). */
@inline export function toF32(row: usize, out: usize, d: i32): void {
  const d4 = d & ~3;
  for (let t = 0; t < d4; t += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(row + <usize>t * 8));
    const hi = f32x4.demote_f64x2_zero(v128.load(row + <usize>t * 8 + 16));
    v128.store(out + <usize>t * 4, i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  }
  for (let t = d4; t < d; t++) store<f32>(out + <usize>t * 4, <f32>load<f64>(row + <usize>t * 8));
}

/** Squared euclidean norm of each row of T in [start, end), accumulated in float64, into out. */
@inline export function rowSquaredNorms<T>(x: usize, start: i32, end: i32, d: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * sizeof<T>();
    let acc = f64x2.splat(0);
    let t = 0;
    for (; t + 2 <= d; t += 2) {
      const v = pairAt<T>(row, t);
      acc = f64x2.add(acc, f64x2.mul(v, v));
    }
    let s = sum2(acc);
    for (; t < d; t++) {
      const v = valueAt<T>(row, t);
      s += v * v;
    }
    store<f64>(out + <usize>i * 8, s);
  }
}
