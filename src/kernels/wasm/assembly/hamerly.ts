// Hamerly's bounds (exact): per row an upper bound on the distance to its centre and a lower
// bound on the distance to every other centre. A row whose upper bound is below both its lower
// bound and half the gap from its centre to the nearest other centre keeps its centre without a
// scan. `slack` (relative to ||x|| + max ||c||) absorbs rounding in the bounds, so a row is only
// skipped when its centre is the nearest by a clear margin, ties included: the labels are
// exactly those of a full scan.

import {
  best, bestScore, consider, exact, fastBestIndex, relabel, second, startScan, takeSecondRow,
} from './best';
import { dot, quickDotF32, squaredDistance, toF32 } from './distances';
import { panelArgmin, panelScores4, panelScoresStrided } from './panels';
import { scanTwoRows, scoreBound, settleRow } from './precision';
import { boundF32, scannedInF32 } from './scan';
import { copyStride, scratchScores, scratchSecond } from './scratch';
import { addRowsKeepingLabels } from './sums';

/**
 * One bounded Lloyd pass over rows [start, end) of T, fused with the cluster sums as assignSum.
 * `half` (k): half the distance from each centre to its nearest other centre; `move` (k): how far
 * each centre moved since the last pass; `moveMax1`/`moveMax2`: the largest and second largest
 * moves, `moveArg1` the centre that moved most. With `reset`, every row is scanned and its bounds
 * set. A row the bounds cannot settle is scanned against the centres near its own alone where
 * there are few (scanNear; `order`, `sortedHalf` and `nearLimit` from nearCentres, `order` 0:
 * never); the rest are listed in `pending` (i32, from index `start`) and scanned two at a time
 * (four by panels when `kp` is not 0, as Lloyd's pass scans); the sums are then added in row
 * order, as every other pass adds them, and each row's label is kept in `sumsLabels`; unless
 * `sums` is 0: then the caller brings the sums up to date with refreshSums, or leaves them (a
 * run's final assignment). Labels changed are counted (best.ts: relabel).
 */
@inline export function hamerly<T>(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize,
  half: usize, move: usize, moveMax1: f64, moveMax2: f64, moveArg1: i32,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32,
  pending: usize, sumsLabels: usize, cp: usize, cnh: usize, kp: i32,
  order: usize, sortedHalf: usize, nearLimit: i32, scratch: usize,
): void {
  const rootMax = Math.sqrt(cnMax);
  const rowBytes = <usize>d * sizeof<T>();
  let count = 0;
  for (let i = start; i < end; i++) {
    const xnorm = load<f64>(xn + <usize>i * 8);
    const slack = 1e-9 * (Math.sqrt(xnorm) + rootMax);
    const label = load<i32>(labels + <usize>i * 4);
    let scan = reset != 0;
    if (!scan) {
      let u = load<f64>(upper + <usize>i * 8) + load<f64>(move + <usize>label * 8);
      const l = load<f64>(lower + <usize>i * 8) - (label == moveArg1 ? moveMax2 : moveMax1);
      const m = Math.max(load<f64>(half + <usize>label * 8), l);
      if (u + slack >= m) {
        u = tightenedUpper<T>(x + <usize>i * rowBytes, d, c32, c64, cn, label, cnMax, xnorm, margin);
        scan = u + slack >= m;
        if (scan && order != 0 && scanNear<T>(x, i, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin, label, u, l, slack, order, sortedHalf, nearLimit, scratch)) continue;
      }
      store<f64>(upper + <usize>i * 8, u);
      store<f64>(lower + <usize>i * 8, l);
    }
    if (scan) {
      store<i32>(pending + <usize>(start + count) * 4, i);
      count++;
    }
  }
  let p = 0;
  if (kp > 0) {
    if (sizeof<T>() == 4) pendingPanelsF32(x, pending + <usize>start * 4, count, d, c64, k, cnMax, xn, labels, upper, lower, margin, cp, cnh, kp, scratch);
    else pendingPanelsF64(x, pending + <usize>start * 4, count, d, c64, cn, k, cnMax, xn, labels, upper, lower, margin, cp, cnh, kp, scratch);
    p = count;
  }
  for (; p + 1 < count; p += 2) {
    const i0 = load<i32>(pending + <usize>(start + p) * 4);
    const i1 = load<i32>(pending + <usize>(start + p + 1) * 4);
    const row0 = x + <usize>i0 * rowBytes;
    const row1 = x + <usize>i1 * rowBytes;
    const inF32 = scanTwoRows<T>(row0, row1, load<f64>(xn + <usize>i0 * 8), load<f64>(xn + <usize>i1 * 8), d, c32, c64, cn, k, cnMax, scratch);
    settleBounds<T>(x, i0, scratch, inF32, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
    takeSecondRow();
    settleBounds<T>(x, i1, scratchSecond(scratch, d), inF32, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  }
  if (p < count) {
    // The last pending row alone, scanned in its own type.
    const i0 = load<i32>(pending + <usize>(start + p) * 4);
    const row = x + <usize>i0 * rowBytes;
    const cScan = sizeof<T>() == 4 ? c32 : c64;
    startScan();
    for (let j = 0; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dot<T>(row, cScan + <usize>j * rowBytes, d), j);
    settleBounds<T>(x, i0, row, false, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  }
  if (sums != 0) addRowsKeepingLabels<T>(x, start, end, d, weights, labels, sumsLabels, k, sums, clusterWeights, blockRows);
}

/**
 * A row's upper bound tightened to its centre `label`: for float32 rows the fast form plus its
 * rounding bound (as settleBounds bounds a scanned row: a quarter of an exact distance's cost),
 * for float64 rows the exact distance.
 */
@inline function tightenedUpper<T>(row: usize, d: i32, c32: usize, c64: usize, cn: usize, label: i32, cnMax: f64, xnorm: f64, margin: f64): f64 {
  if (sizeof<T>() == 4) {
    const dot = quickDotF32(row, c32 + <usize>label * <usize>d * 4, d);
    const score = load<f64>(cn + <usize>label * 8) - 2 * dot + boundF32(d, xnorm, cnMax, margin);
    return Math.sqrt(Math.max(0, xnorm + score));
  }
  return Math.sqrt(squaredDistance<f64>(row, c64 + <usize>label * <usize>d * 8, d));
}

/**
 * A lower bound on the distance from a row (squared norm xnorm) to every centre but `best`,
 * from the fast scores: scores are within `bound` of the exact squared distances less ||x||².
 */
@inline function lowerBound(xnorm: f64, fastBest: i32, fastBestScore: f64, fastSecond: f64, bound: f64): f64 {
  const other = best == fastBest ? fastSecond : fastBestScore;
  return Math.sqrt(Math.max(0, xnorm + other - bound));
}

/**
 * Settles scanned row i of X (its fast scan left in the running best; `row32` and `inF32` as
 * settleRow's) and sets its label and bounds. Without the exact check, the fast score bounds
 * the distance from above (it is within the bound of the exact value), which saves a pass over
 * the row; a later pass tightens it if it must.
 */
@inline function settleBounds<T>(
  x: usize, i: i32, row32: usize, inF32: bool, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64, scores: usize = 0,
): void {
  const row = x + <usize>i * <usize>d * sizeof<T>();
  const xnorm = load<f64>(xn + <usize>i * 8);
  settleRow<T>(row, row32, inF32, d, c32, c64, cn, k, cnMax, xnorm, margin, scores);
  relabel(labels, i, best);
  const bound = scoreBound<T>(inF32, d, xnorm, cnMax, margin);
  store<f64>(upper + <usize>i * 8, Math.sqrt(exact >= 0 ? exact : Math.max(0, xnorm + bestScore + bound)));
  store<f64>(lower + <usize>i * 8, lowerBound(xnorm, fastBestIndex, bestScore, second, bound));
}

/** The `count` pending float32 rows listed at `entries`, by panels, four at a time (the last group padded). */
@inline function pendingPanelsF32(
  x: usize, entries: usize, count: i32, d: i32, c64: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64, cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * 4;
  const scoreBytes = <usize>kp * 4;
  for (let p = 0; p < count; p += 4) {
    const group = min(4, count - p);
    const at = entries + <usize>p * 4;
    panelScores4(
      x + <usize>load<i32>(at) * rowBytes,
      x + <usize>load<i32>(at + <usize>min(1, group - 1) * 4) * rowBytes,
      x + <usize>load<i32>(at + <usize>min(2, group - 1) * 4) * rowBytes,
      x + <usize>load<i32>(at + <usize>(group - 1) * 4) * rowBytes,
      d, cp, cnh, kp, scratch, scoreBytes,
    );
    for (let r = 0; r < group; r++) {
      const scores = scratch + <usize>r * scoreBytes;
      panelArgmin(scores, kp);
      settleBounds<f32>(x, load<i32>(at + <usize>r * 4), 0, true, d, 0, c64, 0, k, cnMax, xn, labels, upper, lower, margin, scores);
    }
  }
}

/**
 * The `count` pending float64 rows listed at `entries`, by panels from float32 copies: in-range
 * rows wait in `scratch`, four at most, and are settled before a row out of range is scanned in
 * float64 alone, so the waiting rows are always the entries just before.
 */
@inline function pendingPanelsF64(
  x: usize, entries: usize, count: i32, d: i32, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64, cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * 8;
  const copyBytes = copyStride(d);
  let waiting = 0;
  for (let p = 0; p < count; p++) {
    const i = load<i32>(entries + <usize>p * 4);
    if (scannedInF32(load<f64>(xn + <usize>i * 8), cnMax)) {
      toF32(x + <usize>i * rowBytes, scratch + <usize>waiting * copyBytes, d);
      waiting++;
      if (waiting == 4) {
        settleCopiesBounds(x, entries + <usize>(p - 3) * 4, 4, d, c64, k, cnMax, xn, labels, upper, lower, cp, cnh, kp, scratch);
        waiting = 0;
      }
      continue;
    }
    if (waiting > 0) settleCopiesBounds(x, entries + <usize>(p - waiting) * 4, waiting, d, c64, k, cnMax, xn, labels, upper, lower, cp, cnh, kp, scratch);
    waiting = 0;
    const row = x + <usize>i * rowBytes;
    startScan();
    for (let j = 0; j < k; j++) consider(load<f64>(cn + <usize>j * 8) - 2 * dot<f64>(row, c64 + <usize>j * rowBytes, d), j);
    settleBounds<f64>(x, i, row, false, d, 0, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  }
  if (waiting > 0) settleCopiesBounds(x, entries + <usize>(count - waiting) * 4, waiting, d, c64, k, cnMax, xn, labels, upper, lower, cp, cnh, kp, scratch);
}

/** Scores the `count` waiting copies of the rows listed at `entries` and settles each, with its bounds. */
@inline function settleCopiesBounds(
  x: usize, entries: usize, count: i32, d: i32, c64: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const kept = scratchScores(scratch, d);
  panelScoresStrided(scratch, copyStride(d), count, d, cp, cnh, kp, kept);
  for (let r = 0; r < count; r++) {
    const scores = kept + <usize>r * <usize>kp * 4;
    panelArgmin(scores, kp);
    settleBounds<f64>(x, load<i32>(entries + <usize>r * 4), 0, true, d, 0, c64, 0, k, cnMax, xn, labels, upper, lower, 0, scores);
  }
}

/**
 * A row the bounds could not settle, scanned against the centres near its own only, when they are
 * fewer than `nearLimit` (else it waits for the full scan): with `u` an upper bound on its
 * distance to its centre `label`, a centre whose distance to that centre is above 2 (u + slack)
 * is farther from the row than its centre is, by the triangle inequality, so it can be neither
 * the nearest nor tied with it (`slack` covers the rounding of the gaps). `order` and
 * `sortedHalf` (nearCentres) list each centre's `nearLimit` nearest others, nearest first.
 * The row is scored as the full scans score it (float64 rows from a float32 copy in `scratch`,
 * unless out of its range) and settled as they settle it (ties by exact distances), and its lower
 * bound is also kept below the first centre left out, less `u`. Returns whether it was settled here.
 */
@inline function scanNear<T>(
  x: usize, i: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64,
  label: i32, u: f64, l: f64, slack: f64, order: usize, sortedHalf: usize, nearLimit: i32,
  scratch: usize,
): bool {
  const list = <usize>label * <usize>nearLimit;
  const reach = u + slack;
  let near = 0;
  while (near < nearLimit && load<f64>(sortedHalf + (list + <usize>near) * 8) <= reach) near++;
  if (near >= nearLimit) return false;
  // The nearest centre left out: every other is at least as far from `label`.
  const beyond = 2 * load<f64>(sortedHalf + (list + <usize>near) * 8) - u - slack;
  if (near == 0) {
    // No other centre can be as near as its own: the label stays, bounded by the tightened u.
    store<f64>(upper + <usize>i * 8, u);
    store<f64>(lower + <usize>i * 8, Math.max(l, beyond));
    return true;
  }
  const row = x + <usize>i * <usize>d * sizeof<T>();
  const xnorm = load<f64>(xn + <usize>i * 8);
  const inF32 = sizeof<T>() == 4 || scannedInF32(xnorm, cnMax);
  let row32 = row;
  if (sizeof<T>() == 8 && inF32) {
    toF32(row, scratch, d);
    row32 = scratch;
  }
  startScan();
  for (let q = -1; q < near; q++) {
    const j = q < 0 ? label : load<i32>(order + (list + <usize>q) * 4);
    const score = inF32
      ? dot<f32>(row32, c32 + <usize>j * <usize>d * 4, d)
      : dot<f64>(row, c64 + <usize>j * <usize>d * 8, d);
    consider(load<f64>(cn + <usize>j * 8) - 2 * score, j);
  }
  settleBounds<T>(x, i, row32, inF32, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin);
  if (beyond < load<f64>(lower + <usize>i * 8)) store<f64>(lower + <usize>i * 8, Math.max(0, beyond));
  return true;
}
