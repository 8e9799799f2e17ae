// Where float32 and float64 rows differ: float32 rows are scanned as they are; float64 rows are
// scanned from float32 copies (twice the lanes) within MIXED_LIMIT, settled by exact float64
// distances, and scanned in float64 past it. Every pass calls these instead of branching itself.

import { nearest, scanPair, scannedInF32, settleF32, settleF64, settleMixed, boundF32, boundF64, mixedBound } from './scan';
import { toF32 } from './distances';
import { scratchSecond } from './scratch';

/**
 * Scans rows row0 and row1 of T (squared norms xn0, xn1) with the pair scan; float64 rows from
 * float32 copies at `scratch` and scratchSecond(scratch) when both are in range. Returns whether
 * they were scanned in float32 (settleRow then reads the copies).
 */
@inline export function scanTwoRows<T>(
  row0: usize, row1: usize, xn0: f64, xn1: f64, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, scratch: usize,
): bool {
  if (sizeof<T>() == 4) {
    scanPair<f32>(row0, row1, d, c32, cn, k);
    return true;
  }
  if (scannedInF32(xn0, cnMax) && scannedInF32(xn1, cnMax)) {
    const copy1 = scratchSecond(scratch, d);
    toF32(row0, scratch, d);
    toF32(row1, copy1, d);
    scanPair<f32>(scratch, copy1, d, c32, cn, k);
    return true;
  }
  scanPair<f64>(row0, row1, d, c64, cn, k);
  return false;
}

/** Scans one row of T in its own type (nearest<T>), settled. */
@inline export function scanOneRow<T>(row: usize, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64): void {
  if (sizeof<T>() == 4) nearest<f32>(row, d, c32, c64, cn, k, cnMax, xnorm, margin);
  else nearest<f64>(row, d, c64, c64, cn, k, cnMax, xnorm, margin);
}

/**
 * Settles a row of T after its scan left the running best: `row32` is the float32 row the scan
 * read (the row itself for float32 data, a copy when a float64 row was scanned `inF32`), and
 * `scores` a panel scan's kept scores (0: rescore).
 */
@inline export function settleRow<T>(
  row: usize, row32: usize, inF32: bool, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64, xnorm: f64, margin: f64, scores: usize = 0,
): void {
  if (sizeof<T>() == 4) settleF32(row, d, c32, c64, cn, k, cnMax, xnorm, margin, scores);
  else if (inF32) settleMixed(row32, row, d, c32, c64, cn, k, cnMax, xnorm, scores);
  else settleF64(row, d, c64, cn, k, cnMax, xnorm, margin);
}

/** The rounding bound of the scores settleRow settled with (the same arguments). */
@inline export function scoreBound<T>(inF32: bool, d: i32, xnorm: f64, cnMax: f64, margin: f64): f64 {
  if (sizeof<T>() == 4) return boundF32(d, xnorm, cnMax, margin);
  return inF32 ? mixedBound(d, xnorm, cnMax) : boundF64(xnorm, cnMax, margin);
}
