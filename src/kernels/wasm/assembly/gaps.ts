// Distances between centres, for the bounds: Elkan's every pair, Hamerly's nearest others.

import { squaredDistance } from './distances';
import { l1Distance } from './l1';

/**
 * Centre-to-centre half distances for Elkan's bounds: for the centres a in [start, end),
 * gaps[a * k + b] = gaps[b * k + a] = ||c_a − c_b|| / 2 for b > a (each pair once: the two
 * differences square to the same bits), and gaps[a * k + a] = 0. nearestGaps then reads them.
 */
@inline export function centreGaps(c64: usize, start: i32, end: i32, d: i32, k: i32, gaps: usize): void {
  const rowBytes = <usize>d * 8;
  for (let a = start; a < end; a++) {
    const ca = c64 + <usize>a * rowBytes;
    store<f64>(gaps + (<usize>a * <usize>k + <usize>a) * 8, 0);
    for (let b = a + 1; b < k; b++) {
      const gap = Math.sqrt(squaredDistance<f64>(ca, c64 + <usize>b * rowBytes, d)) / 2;
      store<f64>(gaps + (<usize>a * <usize>k + <usize>b) * 8, gap);
      store<f64>(gaps + (<usize>b * <usize>k + <usize>a) * 8, gap);
    }
  }
}

/** half[a]: the smallest of gaps[a * k + b] over b ≠ a (Infinity when k = 1), for a in [start, end). */
@inline export function nearestGaps(gaps: usize, start: i32, end: i32, k: i32, half: usize): void {
  for (let a = start; a < end; a++) {
    let nearest = Infinity;
    for (let b = 0; b < k; b++) {
      const gap = load<f64>(gaps + (<usize>a * <usize>k + <usize>b) * 8);
      if (b != a && gap < nearest) nearest = gap;
    }
    store<f64>(half + <usize>a * 8, nearest);
  }
}

/**
 * Hamerly's half gaps: for each centre a in [start, end), half the distance to its nearest other
 * centre into half[a] (Infinity when k = 1), each centre's computed by one thread alone; and its
 * `m` nearest other centres (m < k; 0: none), nearest first: their indices into
 * order[a * m + q] (i32) and their half gaps into sortedHalf[a * m + q]. Hamerly's passes read a
 * row's centre's list to find the few centres that can be nearer than it (see scanNear).
 * `scratch` holds the k − 1 gaps and their indices, as a heap the m are taken from. With `l1`
 * the gaps are L1 distances (k-medians' bounds), else euclidean.
 */
@inline export function nearCentres(
  c64: usize, start: i32, end: i32, d: i32, k: i32, m: i32,
  order: usize, sortedHalf: usize, half: usize, scratch: usize, l1: bool = false,
): void {
  const rowBytes = <usize>d * 8;
  const values = scratch;
  const ids = scratch + <usize>k * 8;
  for (let a = start; a < end; a++) {
    const ca = c64 + <usize>a * rowBytes;
    let count = 0;
    let nearest = Infinity;
    for (let b = 0; b < k; b++) {
      if (b == a) continue;
      const cb = c64 + <usize>b * rowBytes;
      const gap = (l1 ? l1Distance<f64>(ca, cb, d) : Math.sqrt(squaredDistance<f64>(ca, cb, d))) / 2;
      store<f64>(values + <usize>count * 8, gap);
      store<i32>(ids + <usize>count * 4, b);
      count++;
      if (gap < nearest) nearest = gap;
    }
    store<f64>(half + <usize>a * 8, nearest);
    if (m == 0) continue;
    for (let p = (count >> 1) - 1; p >= 0; p--) siftDown(values, ids, p, count);
    const list = <usize>a * <usize>m;
    for (let q = 0; q < m; q++) {
      store<i32>(order + (list + <usize>q) * 4, load<i32>(ids));
      store<f64>(sortedHalf + (list + <usize>q) * 8, load<f64>(values));
      count--;
      store<f64>(values, load<f64>(values + <usize>count * 8));
      store<i32>(ids, load<i32>(ids + <usize>count * 4));
      siftDown(values, ids, 0, count);
    }
  }
}

/** Moves entry p of a min-heap of `count` (values f64, ids i32) down to its place. */
@inline function siftDown(values: usize, ids: usize, p: i32, count: i32): void {
  const value = load<f64>(values + <usize>p * 8);
  const id = load<i32>(ids + <usize>p * 4);
  let at = p;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= count) break;
    if (child + 1 < count && load<f64>(values + <usize>(child + 1) * 8) < load<f64>(values + <usize>child * 8)) child++;
    if (load<f64>(values + <usize>child * 8) >= value) break;
    store<f64>(values + <usize>at * 8, load<f64>(values + <usize>child * 8));
    store<i32>(ids + <usize>at * 4, load<i32>(ids + <usize>child * 4));
    at = child;
  }
  store<f64>(values + <usize>at * 8, value);
  store<i32>(ids + <usize>at * 4, id);
}
