// Cluster sums. Every pass adds w·x of each row to the partial sums of its label in its row's
// block (blockRows rows each: block b's sums at sums + b·k·d·8, its weights at
// clusterWeights + b·k·8), terms in row order within a block; blocks are added in block order
// (reduceBlocksF64). The result therefore does not depend on how rows are shared between threads
// or which pass made a block's sums.

import { pairAt, valueAt } from './distances';

/**
 * Adds w·x of a row of T to a float64 sum, element by element. Unweighted rows skip the product
 * (x·1 is x, so the same bits).
 */
@inline function accumulate<T>(row: usize, s: usize, d: i32, w: f64): void {
  const ww = f64x2.splat(w);
  let t = 0;
  if (w == 1) {
    for (; t + 2 <= d; t += 2) {
      const p = s + <usize>t * 8;
      v128.store(p, f64x2.add(v128.load(p), pairAt<T>(row, t)));
    }
  }
  for (; t + 2 <= d; t += 2) {
    const p = s + <usize>t * 8;
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(pairAt<T>(row, t), ww)));
  }
  for (; t < d; t++) {
    const p = s + <usize>t * 8;
    store<f64>(p, load<f64>(p) + valueAt<T>(row, t) * w);
  }
}

/**
 * Row i's weight; `weights` 0 stands for weights that are all 1, which are not copied in. 1
 * times a value is that value, so the sums are the same bits either way.
 */
@inline export function weightOf(weights: usize, i: i32): f64 {
  return weights == 0 ? 1.0 : load<f64>(weights + <usize>i * 8);
}

/** Adds row i (at `row`, of T), with its weight, to the partial sums of `label` in `block`. */
@inline export function addToBlock<T>(
  row: usize, i: i32, d: i32, weights: usize, k: i32, sums: usize, clusterWeights: usize,
  block: usize, label: i32,
): void {
  const w = weightOf(weights, i);
  const cw = clusterWeights + (block * <usize>k + <usize>label) * 8;
  store<f64>(cw, load<f64>(cw) + w);
  accumulate<T>(row, sums + (block * <usize>k + <usize>label) * <usize>d * 8, d, w);
}

/** Adds row i of X to its block's sums under `label` (the block is i / blockRows). */
@inline export function addRow<T>(
  x: usize, i: i32, d: i32, weights: usize, k: i32, sums: usize, clusterWeights: usize, blockRows: i32, label: i32,
): void {
  addToBlock<T>(x + <usize>i * <usize>d * sizeof<T>(), i, d, weights, k, sums, clusterWeights, <usize>(i / blockRows), label);
}

/**
 * The bounded passes' sums: each row of [start, end) added under its label, which is also kept
 * in `sumsLabels` (the labels the block sums were made from; see refreshSums).
 */
@inline export function addRowsKeepingLabels<T>(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32,
): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    store<i32>(sumsLabels + <usize>i * 4, label);
    addRow<T>(x, i, d, weights, k, sums, clusterWeights, blockRows, label);
  }
}

/** Adds each row of [start, end) to its label's block sums (labels outside [0, k) are skipped). */
@inline export function sumBlocks<T>(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, k: i32, sums: usize, clusterWeights: usize, blockRows: i32,
): void {
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    if (label < 0 || label >= k) continue;
    addRow<T>(x, i, d, weights, k, sums, clusterWeights, blockRows, label);
  }
}

/**
 * Brings the block partial sums up to date for new labels, redoing only what changed:
 * [start, end) is one whole block, `sumsLabels` (i32) the labels its sums were made from (-1:
 * none yet, with the sums zeroed). Each (block, cluster) that lost or gained a row is zeroed and
 * summed again from its rows in row order, the order sumBlocks adds them in: the result is the
 * same, bit for bit, as summing the whole block afresh. `dirty` holds k bytes per block, left zero.
 */
@inline export function refreshSums<T>(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32, dirty: usize,
): void {
  const block = <usize>(start / blockRows);
  const flags = dirty + block * <usize>k;
  let changed = false;
  for (let i = start; i < end; i++) {
    const now = load<i32>(labels + <usize>i * 4);
    const then = load<i32>(sumsLabels + <usize>i * 4);
    if (now == then) continue;
    if (then >= 0) store<u8>(flags + <usize>then, 1);
    store<u8>(flags + <usize>now, 1);
    store<i32>(sumsLabels + <usize>i * 4, now);
    changed = true;
  }
  if (!changed) return;
  for (let j = 0; j < k; j++) {
    if (load<u8>(flags + <usize>j) == 0) continue;
    store<f64>(clusterWeights + (block * <usize>k + <usize>j) * 8, 0);
    memory.fill(sums + (block * <usize>k + <usize>j) * <usize>d * 8, 0, <usize>d * 8);
  }
  for (let i = start; i < end; i++) {
    const label = load<i32>(labels + <usize>i * 4);
    if (load<u8>(flags + <usize>label) == 0) continue;
    addToBlock<T>(x + <usize>i * <usize>d * sizeof<T>(), i, d, weights, k, sums, clusterWeights, block, label);
  }
  memory.fill(flags, 0, <usize>k);
}

/**
 * Adds `blocks` partial results of `length` float64 values laid end to end (block b's at
 * partials + b·length·8) into out[t] for t in [start, end): 0 + p0[t] + p1[t] + ... in block
 * order, as reduceBlocks (blocks.ts) adds them, so the same bits however the values are split.
 * With `accumulate`, out[t] + p0[t] + p1[t] + ...: the fold over a matrix's blocks continued
 * over the next rows' blocks (a window of a larger matrix), so the same bits as one reduction.
 */
@inline export function reduceBlocks(partials: usize, start: i32, end: i32, blocks: i32, length: i32, out: usize, accumulate: bool): void {
  const stride = <usize>length * 8;
  let t = start;
  for (; t + 2 <= end; t += 2) {
    let at = partials + <usize>t * 8;
    let sum = accumulate ? v128.load(out + <usize>t * 8) : f64x2.splat(0);
    for (let b = 0; b < blocks; b++) {
      sum = f64x2.add(sum, v128.load(at));
      at += stride;
    }
    v128.store(out + <usize>t * 8, sum);
  }
  if (t < end) {
    let sum: f64 = accumulate ? load<f64>(out + <usize>t * 8) : 0;
    for (let b = 0; b < blocks; b++) sum += load<f64>(partials + <usize>b * stride + <usize>t * 8);
    store<f64>(out + <usize>t * 8, sum);
  }
}

/**
 * Neumaier's compensated sum of values[i] · weights[i] (weights 0: all 1), term by term in row
 * order as compensatedWeightedSum (summation.ts) adds them, so the same bits: rows [start, end)
 * added to the running sum and compensation at `state` (two float64), left there for the next
 * call. The caller's thread calls it piece by piece: a sum split over threads would add in
 * another order, and pieces let V8 optimise it for the next one.
 */
@inline export function weightedSum(values: usize, weights: usize, start: i32, end: i32, state: usize): void {
  let sum = load<f64>(state);
  let compensation = load<f64>(state, 8);
  for (let i = start; i < end; i++) {
    const term = load<f64>(values + <usize>i * 8) * weightOf(weights, i);
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  store<f64>(state, sum);
  store<f64>(state, compensation, 8);
}
