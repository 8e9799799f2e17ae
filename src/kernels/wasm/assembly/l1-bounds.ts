// Hamerly's bounds for L1 distances (k-medians), exact: the L1 distance is a metric, so the
// triangle inequality bounds it directly (no square roots): per row an upper bound on the
// distance to its centre and a lower bound on the distance to every other centre, each lowered
// or raised by how far the centres moved (in L1). A row whose upper bound is below both its lower
// bound and half the L1 gap from its centre to the nearest other centre keeps its centre without
// a scan; any other row is scanned as the plain pass scans it (l1ScanRow: float32 scores settled
// by exact distances), so the labels are a full scan's, ties included.

import { relabel } from './best';
import { l1Distance, l1ScanRow, scannedDistance, scannedLower } from './l1';

/**
 * One bounded L1 pass over rows [start, end) of T: labels only (k-medians' update reads none of
 * the rows' sums). `half` (k): half the L1 distance from each centre to its nearest other;
 * `move` (k): how far each centre moved since the last pass; `moveMax1`/`moveMax2`: the largest
 * and second largest moves, `moveArg1` the centre that moved most. With `reset`, every row is
 * scanned and its bounds set. `slack` (relative) covers the rounding of the bounds: every value
 * in them (exact distances, gaps, moves, and their sums) is a float64 sum of non-negative terms,
 * within (d + passes) · 2^-52 of its own size, so a row is skipped only when its centre is nearer
 * by more than slack · (u + m), which the plain pass's own rounding cannot undo. Labels changed
 * are counted (best.ts: relabel).
 */
@inline export function l1Hamerly<T>(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, c1: usize, k: i32, margin: f64,
  labels: usize, upper: usize, lower: usize, half: usize, move: usize,
  moveMax1: f64, moveMax2: f64, moveArg1: i32, slack: f64, reset: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * sizeof<T>();
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    if (reset == 0) {
      const label = load<i32>(labels + <usize>i * 4);
      let u = load<f64>(upper + <usize>i * 8) + load<f64>(move + <usize>label * 8);
      const l = load<f64>(lower + <usize>i * 8) - (label == moveArg1 ? moveMax2 : moveMax1);
      const m = Math.max(load<f64>(half + <usize>label * 8), l);
      if (u + slack * (u + m) < m) {
        store<f64>(upper + <usize>i * 8, u);
        store<f64>(lower + <usize>i * 8, l);
        continue;
      }
      u = l1Distance<T>(row, c64 + <usize>label * <usize>d * 8, d);
      if (u + slack * (u + m) < m) {
        store<f64>(upper + <usize>i * 8, u);
        store<f64>(lower + <usize>i * 8, l);
        continue;
      }
    }
    relabel(labels, i, l1ScanRow<T>(row, d, c32, c64, c1, k, margin, true, scratch));
    store<f64>(upper + <usize>i * 8, scannedDistance);
    store<f64>(lower + <usize>i * 8, scannedLower);
  }
}
