// A thread's scratch memory (its own, `scratch` in every pass): float32 copies of float64 rows
// for the float32 scan, four at most, each copyStride(d) bytes, then four rows' kept scores.

/** Bytes between the float32 row copies (d float32, 16-byte aligned). */
@inline export function copyStride(d: i32): usize {
  return (<usize>d * 4 + 15) & ~15;
}

/** The second float32 copy (the pair scan's second row). */
@inline export function scratchSecond(scratch: usize, d: i32): usize {
  return scratch + copyStride(d);
}

/** Where the kept scores start, after the four copies. */
@inline export function scratchScores(scratch: usize, d: i32): usize {
  return scratch + 4 * copyStride(d);
}
