// Panels: for k large against d, rows are scored against four centres at once, one lane per
// centre, from the centres transposed in groups of four (`cp`: [kp / 4][d][4] float32, zeros past
// k) and half their squared norms (`cnh`: kp float32, +Infinity past k). A lane's score is
// cnh − x·c with the d products added in order, the same arithmetic in every panel function, so
// the scores a row gets do not depend on which rows it was scanned with. The scores are kept
// (kp float32 per row in the thread's scratch) for the argmin and the settle step: twice a
// score is within the float32 scan's rounding bound of ||c||² − 2 x·c (the halved norm's and
// the subtraction's roundings add at most 2^-23 (||x|| + ||c||)², inside the bound's slack).

import { setScanned } from './best';
import { madd } from './simd';

/** Scores of four rows into `out` (kp float32 per row, `outStride` bytes apart). */
@inline export function panelScores4(row0: usize, row1: usize, row2: usize, row3: usize, d: i32, cp: usize, cnh: usize, kp: i32, out: usize, outStride: usize): void {
  const panelBytes = <usize>d * 16;
  const out1 = out + outStride;
  const out2 = out1 + outStride;
  const out3 = out2 + outStride;
  let j = 0;
  // Four rows by two panels: eight accumulators, each panel vector loaded once for four rows.
  for (; j + 8 <= kp; j += 8) {
    const p0 = cp + <usize>(j >> 2) * panelBytes;
    const p1 = p0 + panelBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let e0 = f32x4.splat(0);
    let e1 = f32x4.splat(0);
    let f0 = f32x4.splat(0);
    let f1 = f32x4.splat(0);
    for (let t = 0; t < d; t++) {
      const off = <usize>t * 16;
      const at = <usize>t * 4;
      const w0 = v128.load(p0 + off);
      const w1 = v128.load(p1 + off);
      const u = v128.load32_splat(row0 + at);
      a0 = madd(u, w0, a0);
      a1 = madd(u, w1, a1);
      const v = v128.load32_splat(row1 + at);
      b0 = madd(v, w0, b0);
      b1 = madd(v, w1, b1);
      const y = v128.load32_splat(row2 + at);
      e0 = madd(y, w0, e0);
      e1 = madd(y, w1, e1);
      const z = v128.load32_splat(row3 + at);
      f0 = madd(z, w0, f0);
      f1 = madd(z, w1, f1);
    }
    const o = <usize>j * 4;
    const h0 = v128.load(cnh + o);
    const h1 = v128.load(cnh + o + 16);
    v128.store(out + o, f32x4.sub(h0, a0));
    v128.store(out + o + 16, f32x4.sub(h1, a1));
    v128.store(out1 + o, f32x4.sub(h0, b0));
    v128.store(out1 + o + 16, f32x4.sub(h1, b1));
    v128.store(out2 + o, f32x4.sub(h0, e0));
    v128.store(out2 + o + 16, f32x4.sub(h1, e1));
    v128.store(out3 + o, f32x4.sub(h0, f0));
    v128.store(out3 + o + 16, f32x4.sub(h1, f1));
  }
  if (j < kp) {
    const p0 = cp + <usize>(j >> 2) * panelBytes;
    let a0 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let e0 = f32x4.splat(0);
    let f0 = f32x4.splat(0);
    for (let t = 0; t < d; t++) {
      const w0 = v128.load(p0 + <usize>t * 16);
      const at = <usize>t * 4;
      a0 = madd(v128.load32_splat(row0 + at), w0, a0);
      b0 = madd(v128.load32_splat(row1 + at), w0, b0);
      e0 = madd(v128.load32_splat(row2 + at), w0, e0);
      f0 = madd(v128.load32_splat(row3 + at), w0, f0);
    }
    const o = <usize>j * 4;
    const h0 = v128.load(cnh + o);
    v128.store(out + o, f32x4.sub(h0, a0));
    v128.store(out1 + o, f32x4.sub(h0, b0));
    v128.store(out2 + o, f32x4.sub(h0, e0));
    v128.store(out3 + o, f32x4.sub(h0, f0));
  }
}

/**
 * Scores of `count` (1 to 4) float32 rows `stride` bytes apart from `first`, the group padded
 * with its last row (so every row gets the same instructions), into `out` (kp float32 per row).
 * Rows of X, or the float32 copies of float64 rows waiting in a thread's scratch.
 */
@inline export function panelScoresStrided(first: usize, stride: usize, count: i32, d: i32, cp: usize, cnh: usize, kp: i32, out: usize): void {
  panelScores4(
    first, first + <usize>min(1, count - 1) * stride, first + <usize>min(2, count - 1) * stride,
    first + <usize>(count - 1) * stride, d, cp, cnh, kp, out, <usize>kp * 4,
  );
}

/**
 * From a row's kept panel scores: the nearest centre into the running best (the lowest index on
 * equal scores), with the best and second-best scores doubled (the other scans' units).
 */
@inline export function panelArgmin(scores: usize, kp: i32): void {
  // Per lane the smallest and second smallest score (pmin/pmax: one instruction each).
  let low = f32x4.splat(Infinity);
  let next = f32x4.splat(Infinity);
  for (let j = 0; j < kp; j += 4) {
    const v = v128.load(scores + <usize>j * 4);
    next = f32x4.pmin(next, f32x4.pmax(low, v));
    low = f32x4.pmin(low, v);
  }
  const l0 = f32x4.extract_lane(low, 0);
  const l1 = f32x4.extract_lane(low, 1);
  const l2 = f32x4.extract_lane(low, 2);
  const l3 = f32x4.extract_lane(low, 3);
  const min01 = min(l0, l1);
  const min23 = min(l2, l3);
  const lowest = min(min01, min23);
  // The second smallest of all: the second smallest lane minimum, or any lane's second.
  const nexts = f32x4.pmin(next, v128.shuffle<f32>(next, next, 2, 3, 0, 1));
  const runnerUp = min(
    min(max(min01, min23), min(max(l0, l1), max(l2, l3))),
    min(f32x4.extract_lane(nexts, 0), f32x4.extract_lane(nexts, 1)),
  );
  const target = f32x4.splat(lowest);
  let j = 0;
  let hits = i32x4.bitmask(f32x4.eq(v128.load(scores), target));
  while (hits == 0) {
    j += 4;
    hits = i32x4.bitmask(f32x4.eq(v128.load(scores + <usize>j * 4), target));
  }
  setScanned(j + ctz(hits), 2 * <f64>lowest, 2 * <f64>runnerUp);
}
