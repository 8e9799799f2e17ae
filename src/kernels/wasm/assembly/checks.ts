// Checks over values computed anyway.

/**
 * 1 if any of the float64 values [start, end) is not finite, else 0: each value times zero is 0
 * when it is finite and NaN otherwise (the row norms' check: allFinite in backend.ts).
 */
@inline export function anyNonFinite(values: usize, start: i32, end: i32): i32 {
  const zero = f64x2.splat(0);
  let probe = zero;
  let i = start;
  for (; i + 2 <= end; i += 2) probe = f64x2.add(probe, f64x2.mul(v128.load(values + <usize>i * 8), zero));
  let rest = f64x2.extract_lane(probe, 0) + f64x2.extract_lane(probe, 1);
  if (i < end) rest += load<f64>(values + <usize>i * 8) * 0;
  return i32(rest != 0);
}
