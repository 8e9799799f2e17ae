// SIMD helpers shared by every kernel: lane sums in the orders the reference backend emulates,
// and the fast scan's multiply-add.

/**
 * The fast scan's lane sum of four float32 lanes: (l0 + l2) + (l1 + l3) in float32, as a
 * float64. reduce4 sums four accumulators at once in exactly this order, so every score of the
 * scans, the rescore and the reference's emulation agree bit for bit.
 */
@inline export function scanSum(v: v128): f64 {
  const t = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return <f64>(f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1));
}

/** [scanSum(a0), scanSum(a1), scanSum(a2), scanSum(a3)] as float32 lanes. */
@inline export function reduce4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 1, 4, 5), v128.shuffle<f32>(a0, a1, 2, 3, 6, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 1, 4, 5), v128.shuffle<f32>(a2, a3, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 2, 4, 6), v128.shuffle<f32>(t0, t1, 1, 3, 5, 7));
}

/** The sum of the two lanes of an f64x2. */
@inline export function sum2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * acc + a·b in float32 lanes for the fast scan: one fused multiply-add in the relaxed-SIMD build
 * (where the engine has it; the build is picked at load time), a multiply and an add otherwise.
 * Either way a score is within the scan's rounding bound, which is all the exact settle needs.
 */
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * acc + a·b in lanes of T (f32: the fast scan's madd; f64: a multiply and an add, as float64
 * scores are always computed).
 */
@inline export function maddLanes<T>(a: v128, b: v128, acc: v128): v128 {
  if (sizeof<T>() == 4) return madd(a, b, acc);
  return f64x2.add(acc, f64x2.mul(a, b));
}

/** One accumulator's lanes of T summed, in float64 (f32: scanSum's order). */
@inline export function laneSum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) return scanSum(v);
  return sum2(v);
}

/** Values of T in one v128. */
@inline export function lanesOf<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}
