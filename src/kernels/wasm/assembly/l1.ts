// L1 distances, k-medians' assignment distance: exact, in float64, in the reference backend's
// order (reference/distances.ts): lanes hold the partial sums of |x - c| for t mod 4, combined as
// (s0 + s2) + (s1 + s3), then the tail in order. Rows are of type T (f32 or f64: float32 values
// are promoted, as the reference reads them); centres are float64. There is no fast form to
// scan with (as ||c||² − 2 x·c is for squared euclidean), so every distance is exact and the
// running best needs no settle step: ties keep the lowest index, by a strict `<`.

import { pairAt, valueAt } from './distances';
import { sum2 } from './simd';

/** The four lanes of |row − centre| over t in [t, t + 4), added into a pair of accumulators. */
@inline function absLo<T>(row: usize, centre: usize, t: i32): v128 {
  return f64x2.abs(f64x2.sub(pairAt<T>(row, t), v128.load(centre + <usize>t * 8)));
}

/** L1 distance from a row of T to a float64 centre, in the reference's order. */
@inline export function l1Distance<T>(row: usize, centre: usize, d: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    a0 = f64x2.add(a0, absLo<T>(row, centre, t));
    a1 = f64x2.add(a1, absLo<T>(row, centre, t + 2));
  }
  // a0 holds (s0, s1), a1 (s2, s3): their sum's lanes are s0 + s2 and s1 + s3.
  let s = sum2(f64x2.add(a0, a1));
  for (; t < d; t++) s += Math.abs(valueAt<T>(row, t) - load<f64>(centre + <usize>t * 8));
  return s;
}

/** The tail of a row's L1 distance, added in order after the lanes' sum (l1Distance's last loop). */
@inline function l1Tail<T>(s: f64, row: usize, centre: usize, from: i32, d: i32): f64 {
  let sum = s;
  for (let t = from; t < d; t++) sum += Math.abs(valueAt<T>(row, t) - load<f64>(centre + <usize>t * 8));
  return sum;
}

/**
 * Each row of T in [start, end): its nearest centre by L1 distance into `labels`, the distance
 * into `dist` (unless 0). Centres are taken two at a time, sharing the row's loads (and float32
 * rows' promotions); each centre's distance is l1Distance's, bit for bit. Ties keep the lower
 * index: centres are considered in index order and only a strictly smaller distance replaces
 * the best.
 */
@inline export function l1Assign<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, labels: usize, dist: usize): void {
  const rowBytes = <usize>d * sizeof<T>();
  const centreBytes = <usize>d * 8;
  const body = d & ~3;
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * rowBytes;
    let best = 0;
    let bestDistance = Infinity;
    let j = 0;
    for (; j + 2 <= k; j += 2) {
      const c0 = c64 + <usize>j * centreBytes;
      const c1 = c0 + centreBytes;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      for (let t = 0; t < body; t += 4) {
        const lo = pairAt<T>(row, t);
        const hi = pairAt<T>(row, t + 2);
        const off = <usize>t * 8;
        a0 = f64x2.add(a0, f64x2.abs(f64x2.sub(lo, v128.load(c0 + off))));
        a1 = f64x2.add(a1, f64x2.abs(f64x2.sub(hi, v128.load(c0 + off + 16))));
        b0 = f64x2.add(b0, f64x2.abs(f64x2.sub(lo, v128.load(c1 + off))));
        b1 = f64x2.add(b1, f64x2.abs(f64x2.sub(hi, v128.load(c1 + off + 16))));
      }
      const s0 = l1Tail<T>(sum2(f64x2.add(a0, a1)), row, c0, body, d);
      const s1 = l1Tail<T>(sum2(f64x2.add(b0, b1)), row, c1, body, d);
      if (s0 < bestDistance) {
        bestDistance = s0;
        best = j;
      }
      if (s1 < bestDistance) {
        bestDistance = s1;
        best = j + 1;
      }
    }
    if (j < k) {
      const s = l1Distance<T>(row, c64 + <usize>j * centreBytes, d);
      if (s < bestDistance) {
        bestDistance = s;
        best = j;
      }
    }
    store<i32>(labels + <usize>i * 4, best);
    if (dist != 0) store<f64>(dist + <usize>i * 8, bestDistance);
  }
}

/** L1 distance of each row of T in [start, end) to the centre named by its label. */
@inline export function l1AssignedDistances<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<f64>(dist + <usize>i * 8, l1Distance<T>(x + <usize>i * <usize>d * sizeof<T>(), c64 + <usize>label * <usize>d * 8, d));
  }
}

/** Every row-to-centre L1 distance for rows [start, end) of T, into out[i * k + j]. */
@inline export function l1Pairwise<T>(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + <usize>i * <usize>d * sizeof<T>();
    const o = out + <usize>i * <usize>k * 8;
    for (let j = 0; j < k; j++) store<f64>(o + <usize>j * 8, l1Distance<T>(row, c64 + <usize>j * <usize>d * 8, d));
  }
}
