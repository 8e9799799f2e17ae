// Elkan's bounds (exact): per row an upper bound on the distance to its centre and a float32
// lower bound on the distance to every centre.

import { best, bestScore, exact, relabel } from './best';
import { quickDotF32, rowCentreDistance, toF32 } from './distances';
import { panelArgmin, panelScoresStrided } from './panels';
import { boundF32, mixedBound, scanPair, scannedInF32, settleF32, settleMixed } from './scan';
import { copyStride, scratchScores } from './scratch';
import { addRow } from './sums';

/**
 * One pass of Elkan's algorithm over rows [start, end) of T, fused with the cluster sums as
 * assignSum: per row an upper bound on the distance to its centre (`upper`) and a lower bound on
 * the distance to every centre (`lower`, rows x kq float32, kq = k rounded up to 4, rounded down,
 * +Infinity past k), lowered by `moveUp` (kq float32, how far each centre moved, rounded up; 0
 * past k). A centre is passed over only when a bound shows it strictly farther than the row's
 * centre by more than `slack`, so ties are always computed; a centre is chosen only by exact
 * distances (the reference's), compared squared, ties to the lower index: the labels are exactly
 * those of a full scan. `reset` sets the bounds from a full scan (elkanReset). Each row's label
 * goes to `sumsLabels` as its sums are added; with `sums` 0 the caller brings the sums up to date
 * instead (refreshSums). Labels changed are counted (best.ts: relabel).
 */
@inline export function elkan<T>(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, gaps: usize, half: usize, move: usize, moveUp: usize,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  if (reset != 0) {
    elkanReset<T>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, margin, weights, sums, clusterWeights, blockRows, sumsLabels, cp, cnh, kp, scratch);
    return;
  }
  const f64Rows = sizeof<T>() == 8;
  const rootMax = Math.sqrt(cnMax);
  const rowBytes = <usize>d * sizeof<T>();
  const rowBytes32 = <usize>d * 4;
  const kq = (k + 3) & ~3;
  for (let i = start; i < end; i++) {
    const xnorm = load<f64>(xn + <usize>i * 8);
    const slack = 1e-9 * (Math.sqrt(xnorm) + rootMax);
    const bounds = lower + <usize>i * <usize>kq * 4;
    let a = load<i32>(labels + <usize>i * 4);
    let u = load<f64>(upper + <usize>i * 8) + load<f64>(move + <usize>a * 8);
    if (u + slack < load<f64>(half + <usize>a * 8)) {
      for (let j = 0; j < kq; j += 4) decayBounds(bounds + <usize>j * 4, moveUp + <usize>j * 4);
    } else {
      // A centre the bounds cannot pass over is scored by the fast form first (a quarter of an
      // exact distance's cost): its score less the rounding bound is a lower bound, the row's
      // centre's plus it an upper bound, and only a centre still not clearly farther takes the
      // exact distances. Float64 rows are scored from a float32 copy, unless out of its range.
      const fast = !f64Rows || scannedInF32(xnorm, cnMax);
      const bound = f64Rows ? mixedBound(d, xnorm, cnMax) : boundF32(d, xnorm, cnMax, margin);
      let row32 = x + <usize>i * rowBytes; // the float32 row scored (a copy for float64 rows)
      let tightened = false; // u tightened since the bounds were decayed
      let uSq = -1.0; // the exact squared distance to `a` once computed
      // A centre whose decayed bound is above u + slack now is farther than the row's centre
      // whatever the row's scores change below (u only falls, up to rounding `slack` absorbs),
      // so only the lanes at or under this limit are looked at; NaN bounds (distances past
      // float32's range) always are.
      const limit = f32x4.splat(roundUp(u + slack));
      for (let j4 = 0; j4 < kq; j4 += 4) {
        const decayed = decayBounds(bounds + <usize>j4 * 4, moveUp + <usize>j4 * 4);
        let hits = i32x4.bitmask(v128.not(f32x4.gt(decayed, limit)));
        while (hits != 0) {
          const j = j4 + ctz(hits);
          hits &= hits - 1;
          if (j == a || j >= k || passedOver(u + slack, bounds, gaps, a, k, j)) continue;
          if (fast) {
            if (!tightened) {
              tightened = true;
              if (f64Rows) {
                toF32(row32, scratch, d);
                row32 = scratch;
              }
              const scoreA = load<f64>(cn + <usize>a * 8) - 2 * quickDotF32(row32, c32 + <usize>a * rowBytes32, d);
              u = Math.min(u, Math.sqrt(Math.max(0, xnorm + scoreA + bound)));
              raiseBound(bounds + <usize>a * 4, Math.sqrt(Math.max(0, xnorm + scoreA - bound)));
              if (passedOver(u + slack, bounds, gaps, a, k, j)) continue;
            }
            const score = load<f64>(cn + <usize>j * 8) - 2 * quickDotF32(row32, c32 + <usize>j * rowBytes32, d);
            raiseBound(bounds + <usize>j * 4, Math.sqrt(Math.max(0, xnorm + score - bound)));
            if (u + slack < <f64>load<f32>(bounds + <usize>j * 4)) continue;
          }
          if (uSq < 0) {
            tightened = true;
            uSq = rowCentreDistance<T>(x, i, d, c64, a);
            u = Math.sqrt(uSq);
            store<f32>(bounds + <usize>a * 4, roundDown(u));
            if (passedOver(u + slack, bounds, gaps, a, k, j)) continue;
          }
          const sq = rowCentreDistance<T>(x, i, d, c64, j);
          store<f32>(bounds + <usize>j * 4, roundDown(Math.sqrt(sq)));
          if (sq < uSq || (sq == uSq && j < a)) {
            a = j;
            uSq = sq;
            u = Math.sqrt(sq);
          }
        }
      }
    }
    store<f64>(upper + <usize>i * 8, u);
    finishElkanRow<T>(x, i, d, k, a, labels, weights, sums, clusterWeights, blockRows, sumsLabels);
  }
}

/**
 * Four lower bounds at `p` less their centres' moves (`moveUp`, float32 rounded up), stored and
 * returned: in float32 lanes, the difference shrunk by 2^-22 so that its rounding cannot raise
 * it (exact in the subnormal range), and never below 0. A NaN bound stays NaN.
 */
@inline function decayBounds(p: usize, moveUp: usize): v128 {
  const decayed = f32x4.max(
    f32x4.splat(0),
    f32x4.mul(f32x4.sub(v128.load(p), v128.load(moveUp)), f32x4.splat(0.9999997615814209)),
  );
  v128.store(p, decayed);
  return decayed;
}

/** The smallest float32 not below v (v >= 0). */
@inline function roundUp(v: f64): f32 {
  const r = <f32>v;
  return <f64>r >= v ? r : <f32>(v + v * 2.384185791015625e-7 + 1e-44);
}

/** The largest float32 not above v (v >= 0), so a stored lower bound never rises. */
@inline function roundDown(v: f64): f32 {
  const r = <f32>v;
  return <f64>r > v ? <f32>(<f64>r - <f64>r * 1.1920928955078125e-7) : r;
}

/**
 * Whether a row's bounds show centre j farther than `reach` (its centre a's distance, plus slack):
 * its own lower bound, or half the gap from a to j.
 */
@inline function passedOver(reach: f64, bounds: usize, gaps: usize, a: i32, k: i32, j: i32): bool {
  return reach < <f64>load<f32>(bounds + <usize>j * 4) || reach < load<f64>(gaps + (<usize>a * <usize>k + <usize>j) * 8);
}

/** Raises the stored lower bound at `p` to `v` (rounded down) where that is tighter. */
@inline function raiseBound(p: usize, v: f64): void {
  const r = roundDown(v);
  if (r > load<f32>(p)) store<f32>(p, r);
}

/** Stores row i's label and, unless `sums` is 0, adds the row to its block's sums. */
@inline function finishElkanRow<T>(
  x: usize, i: i32, d: i32, k: i32, a: i32, labels: usize,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, sumsLabels: usize,
): void {
  relabel(labels, i, a);
  if (sums == 0) return; // the caller brings the sums up to date itself (refreshSums)
  store<i32>(sumsLabels + <usize>i * 4, a);
  addRow<T>(x, i, d, weights, k, sums, clusterWeights, blockRows, a);
}

/**
 * Elkan's bounds set afresh: rows are scored as Lloyd's passes score them (panels when `kp` is
 * not 0, else two rows at a time; float64 rows from float32 copies) with every score kept, and
 * settled as those passes settle. A kept score less the rounding bound bounds the distance to
 * its centre from below, the best score plus it the distance to the row's centre from above (the
 * next pass takes the exact distance if it needs it), at the cost of one scan. Float64 rows or
 * centres past MIXED_LIMIT take exact distances.
 */
@inline function elkanReset<T>(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  const f64Rows = sizeof<T>() == 8;
  const rowBytes = <usize>d * sizeof<T>();
  const copyBytes = copyStride(d);
  const kq = (k + 3) & ~3; // kp when by panels
  const scoreBytes = <usize>kq * 4;
  const scores = scratchScores(scratch, d);
  const group = kp > 0 ? 4 : 2;
  for (let i = start; i < end; i += group) {
    const count = min(group, end - i);
    const first = x + <usize>i * rowBytes;
    let scanned = first; // the float32 rows scored: X's, or the copies
    let stride = rowBytes;
    if (f64Rows) {
      let inRange = true;
      for (let r = 0; r < count; r++) inRange = inRange && scannedInF32(load<f64>(xn + <usize>(i + r) * 8), cnMax);
      if (!inRange) {
        for (let r = 0; r < count; r++) {
          const a = elkanExactRow<T>(x, i + r, d, c64, k, upper, lower);
          finishElkanRow<T>(x, i + r, d, k, a, labels, weights, sums, clusterWeights, blockRows, sumsLabels);
        }
        continue;
      }
      for (let r = 0; r < count; r++) toF32(first + <usize>r * rowBytes, scratch + <usize>r * copyBytes, d);
      scanned = scratch;
      stride = copyBytes;
    }
    if (kp > 0) {
      panelScoresStrided(scanned, stride, count, d, cp, cnh, kp, scores);
    } else {
      scanPair<f32>(scanned, scanned + (count > 1 ? stride : 0), d, c32, cn, k, scores, scoreBytes);
      for (let j = k; j < kq; j++) {
        store<f32>(scores + <usize>j * 4, Infinity);
        store<f32>(scores + scoreBytes + <usize>j * 4, Infinity);
      }
    }
    for (let r = 0; r < count; r++) {
      const kept = scores + <usize>r * scoreBytes;
      const xnorm = load<f64>(xn + <usize>(i + r) * 8);
      const row32 = scanned + <usize>r * stride;
      panelArgmin(kept, kq);
      let bound: f64;
      if (f64Rows) {
        settleMixed(0, first + <usize>r * rowBytes, d, 0, c64, 0, k, cnMax, xnorm, kept);
        bound = mixedBound(d, xnorm, cnMax);
      } else {
        settleF32(row32, d, 0, c64, 0, k, cnMax, xnorm, margin, kept);
        bound = boundF32(d, xnorm, cnMax, margin);
      }
      store<f64>(upper + <usize>(i + r) * 8, Math.sqrt(exact >= 0 ? exact : Math.max(0, xnorm + bestScore + bound)));
      const bounds = lower + <usize>(i + r) * scoreBytes;
      for (let j = 0; j < k; j++) {
        const below = xnorm + 2 * <f64>load<f32>(kept + <usize>j * 4) - bound;
        store<f32>(bounds + <usize>j * 4, roundDown(Math.sqrt(Math.max(0, below))));
      }
      for (let j = k; j < kq; j++) store<f32>(bounds + <usize>j * 4, Infinity);
      finishElkanRow<T>(x, i + r, d, k, best, labels, weights, sums, clusterWeights, blockRows, sumsLabels);
    }
  }
}

/** Every exact distance of row i: its bounds set, its nearest centre returned (elkanReset). */
@inline function elkanExactRow<T>(x: usize, i: i32, d: i32, c64: usize, k: i32, upper: usize, lower: usize): i32 {
  const kq = (k + 3) & ~3;
  const bounds = lower + <usize>i * <usize>kq * 4;
  for (let j = k; j < kq; j++) store<f32>(bounds + <usize>j * 4, Infinity);
  let a = 0;
  let bestSq = Infinity;
  for (let j = 0; j < k; j++) {
    const sq = rowCentreDistance<T>(x, i, d, c64, j);
    store<f32>(bounds + <usize>j * 4, roundDown(Math.sqrt(sq)));
    if (sq < bestSq) {
      bestSq = sq;
      a = j;
    }
  }
  store<f64>(upper + <usize>i * 8, Math.sqrt(bestSq));
  return a;
}
