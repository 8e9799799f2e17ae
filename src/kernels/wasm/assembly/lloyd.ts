// Lloyd's pass: every row's nearest centre, fused with the cluster sums, and the other full
// passes over rows and centres (assigned distances, every distance).

import { best, exact, takeSecondRow } from './best';
import { plainDotF32, squaredDistance, toF32 } from './distances';
import { panelArgmin, panelScoresStrided } from './panels';
import { scanOneRow, scanTwoRows, settleRow } from './precision';
import { scannedInF32 } from './scan';
import { copyStride, scratchScores, scratchSecond } from './scratch';
import { addToBlock } from './sums';

/**
 * One pass for a Lloyd iteration over rows [start, end) of T: each row's nearest centre into
 * `labels`, its squared distance into `dist` (unless 0), and with `sums` (not 0) w·x added to
 * that cluster's partial sum of the row's block. With `sums` 0 the pass only labels (predict,
 * and a run's final assignment): one function for both, because V8 optimises a WebAssembly
 * function only once it has run a while, and a separate one ran its first passes unoptimised.
 * Rows go by panels when `kp` is not 0 (four at a time), else by the pair scan.
 */
@inline export function assignSum<T>(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const withSums = sums != 0;
  if (kp > 0) {
    if (sizeof<T>() == 4) panelRowsF32(x, start, end, d, c64, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
    else panelRowsF64(x, start, end, d, c64, cn, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
    return;
  }
  const rowBytes = <usize>d * sizeof<T>();
  let i = start;
  // Rows two at a time share the centres' loads; the second row's result waits beside the first's.
  for (; i + 1 < end; i += 2) {
    const row0 = x + <usize>i * rowBytes;
    const row1 = row0 + rowBytes;
    const xn0 = load<f64>(xn + <usize>i * 8);
    const xn1 = load<f64>(xn + <usize>(i + 1) * 8);
    const inF32 = scanTwoRows<T>(row0, row1, xn0, xn1, d, c32, c64, cn, k, cnMax, scratch);
    settleRow<T>(row0, scratch, inF32, d, c32, c64, cn, k, cnMax, xn0, margin);
    finishRow<T>(row0, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
    takeSecondRow();
    settleRow<T>(row1, scratchSecond(scratch, d), inF32, d, c32, c64, cn, k, cnMax, xn1, margin);
    finishRow<T>(row1, i + 1, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
  for (; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    scanOneRow<T>(row, d, c32, c64, cn, k, cnMax, load<f64>(xn + <usize>i * 8), margin);
    finishRow<T>(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
}

/** Stores a settled row's label (and distance when asked) and, `withSums`, adds it to its block's sums. */
@inline function finishRow<T>(
  row: usize, i: i32, d: i32, c64: usize, k: i32, labels: usize, dist: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
): void {
  const label = best;
  store<i32>(labels + <usize>i * 4, label);
  if (dist != 0) store<f64>(dist + <usize>i * 8, exact >= 0 ? exact : squaredDistance<T>(row, c64 + <usize>label * <usize>d * 8, d));
  if (withSums) addToBlock<T>(row, i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label);
}

/**
 * Nearest centres of float32 rows [start, end) by panels, four rows at a time (the last group
 * padded with its last row), settled and finished as the pair scan's.
 */
@inline function panelRowsF32(
  x: usize, start: i32, end: i32, d: i32,
  c64: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * 4;
  const scoreBytes = <usize>kp * 4;
  for (let i = start; i < end; i += 4) {
    const count = min(4, end - i);
    const row0 = x + <usize>i * rowBytes;
    panelScoresStrided(row0, rowBytes, count, d, cp, cnh, kp, scratch);
    for (let r = 0; r < count; r++) {
      const scores = scratch + <usize>r * scoreBytes;
      panelArgmin(scores, kp);
      const row = row0 + <usize>r * rowBytes;
      settleRow<f32>(row, row, true, d, 0, c64, 0, k, cnMax, load<f64>(xn + <usize>(i + r) * 8), margin, scores);
      finishRow<f32>(row, i + r, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
    }
  }
}

/**
 * As panelRowsF32, for float64 rows: each scanned from its float32 copy and settled against the
 * float64 row; a row or centres beyond MIXED_LIMIT are scanned in float64 instead (the copies
 * waiting before it finished first, so rows are finished, and summed, in order).
 */
@inline function panelRowsF64(
  x: usize, start: i32, end: i32, d: i32,
  c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const rowBytes = <usize>d * 8;
  const copyBytes = copyStride(d);
  let waiting = 0;
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    const xnorm = load<f64>(xn + <usize>i * 8);
    if (scannedInF32(xnorm, cnMax)) {
      toF32(row, scratch + <usize>waiting * copyBytes, d);
      waiting++;
      if (waiting == 4) {
        finishCopiesF64(x, i - 3, 4, d, c64, k, cnMax, xn, labels, dist, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
        waiting = 0;
      }
      continue;
    }
    if (waiting > 0) finishCopiesF64(x, i - waiting, waiting, d, c64, k, cnMax, xn, labels, dist, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
    waiting = 0;
    scanOneRow<f64>(row, d, 0, c64, cn, k, cnMax, xnorm, margin);
    finishRow<f64>(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
  if (waiting > 0) finishCopiesF64(x, end - waiting, waiting, d, c64, k, cnMax, xn, labels, dist, weights, sums, clusterWeights, blockRows, withSums, cp, cnh, kp, scratch);
}

// Scores the `count` waiting copies of rows first.. and settles and finishes each (panelRowsF64).
@inline function finishCopiesF64(
  x: usize, first: i32, count: i32, d: i32, c64: usize, k: i32, cnMax: f64, xn: usize, labels: usize, dist: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, withSums: bool,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const kept = scratchScores(scratch, d);
  panelScoresStrided(scratch, copyStride(d), count, d, cp, cnh, kp, kept);
  for (let r = 0; r < count; r++) {
    const scores = kept + <usize>r * <usize>kp * 4;
    panelArgmin(scores, kp);
    const i = first + r;
    const row = x + <usize>i * <usize>d * 8;
    settleRow<f64>(row, 0, true, d, 0, c64, 0, k, cnMax, load<f64>(xn + <usize>i * 8), 0, scores);
    finishRow<f64>(row, i, d, c64, k, labels, dist, weights, sums, clusterWeights, blockRows, withSums);
  }
}

/** Squared distance of each row of T in [start, end) to the centre named by its label. */
@inline export function assignedDistances<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<f64>(dist + <usize>i * 8, squaredDistance<T>(x + <usize>i * <usize>d * sizeof<T>(), c64 + <usize>label * <usize>d * 8, d));
  }
}

/** Every row-to-centre squared distance for rows [start, end) of T, into out[i * k + j]. */
@inline export function pairwise<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * sizeof<T>();
    const o = out + <usize>i * <usize>k * 8;
    for (let j = 0; j < k; j++) store<f64>(o + <usize>j * 8, squaredDistance<T>(row, c64 + <usize>j * <usize>d * 8, d));
  }
}

/**
 * Squared distances by the fast form ||x||² + (||c||² − 2 x·c) for rows of T (float64 rows
 * scanned from a float32 copy in `scratch`), x·c as plainDotF32 sums it (the reference's
 * fastSquaredDistances, bit for bit); exact distances for rows or centres past MIXED_LIMIT.
 * Into out[i * k + j]: k-means++ weighs its draws with these.
 */
@inline export function pairwiseFast<T>(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, out: usize, scratch: usize,
): void {
  const rowBytes = <usize>d * sizeof<T>();
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    const xnorm = load<f64>(xn + <usize>i * 8);
    const o = out + <usize>i * <usize>k * 8;
    const fast = scannedInF32(xnorm, cnMax);
    let row32 = row;
    if (sizeof<T>() == 8 && fast) {
      toF32(row, scratch, d);
      row32 = scratch;
    }
    for (let j = 0; j < k; j++) {
      const value = fast
        ? Math.max(0, xnorm + (load<f64>(cn + <usize>j * 8) - 2 * plainDotF32(row32, c32 + <usize>j * <usize>d * 4, d)))
        : squaredDistance<T>(row, c64 + <usize>j * <usize>d * 8, d);
      store<f64>(o + <usize>j * 8, value);
    }
  }
}
