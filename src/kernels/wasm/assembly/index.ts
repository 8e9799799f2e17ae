// lloyd's WebAssembly kernels (AssemblyScript, SIMD128): the exported passes, each a thin wrapper
// over one body generic in the row type (f32 or f64). Every buffer lives in linear memory and is
// laid out by the caller (src/kernels/wasm/backend.ts); the kernels only compute, and allocate
// nothing. Rows are processed in [start, end) so the caller can call in pieces: V8 tiers a
// function up only on its next call, and a pass split into calls gets the optimised code early.
//
// The modules, by concern:
//   simd.ts       lane sums and the fast scan's multiply-add
//   distances.ts  a row against a centre: exact distances, dot products, norms
//   best.ts       the running best of the row being assigned, and the changed-label count
//   scan.ts       the fast scans (one row, two rows) and the exact settle step
//   precision.ts  where float32 and float64 rows differ (float64 rows scanned as float32)
//   panels.ts     four centres to a vector, for k large against d
//   scratch.ts    a thread's scratch memory
//   sums.ts       the block partial sums and their reductions
//   lloyd.ts      Lloyd's pass, and the other full passes
//   hamerly.ts    Hamerly's bounded pass
//   elkan.ts      Elkan's bounded pass
//   gaps.ts       distances between centres, for the bounds
//   checks.ts     checks over values computed anyway

import { changedCount, startCount } from './best';
import { anyNonFinite } from './checks';
import { rowSquaredNorms } from './distances';
import { elkan } from './elkan';
import { centreGaps, nearCentres, nearestGaps } from './gaps';
import { hamerly } from './hamerly';
import { assignedDistances, assignSum, pairwise, pairwiseFast } from './lloyd';
import { reduceBlocks, refreshSums, sumBlocks, weightedSum } from './sums';

/** Squared euclidean norm of each float32 row, accumulated in float64. */
export function rowSqNormsF32(x: usize, start: i32, end: i32, d: i32, out: usize): void {
  rowSquaredNorms<f32>(x, start, end, d, out);
}

/** Squared euclidean norm of each float64 row. */
export function rowSqNormsF64(x: usize, start: i32, end: i32, d: i32, out: usize): void {
  rowSquaredNorms<f64>(x, start, end, d, out);
}

/** Lloyd's pass over float32 rows (lloyd.ts: assignSum). */
export function assignSumF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  assignSum<f32>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, cp, cnh, kp, scratch);
}

/** Lloyd's pass over float64 rows (lloyd.ts: assignSum). */
export function assignSumF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, dist: usize, margin: f64,
  weights: usize, sums: usize, clusterWeights: usize, blockRows: i32,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): void {
  assignSum<f64>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, dist, margin, weights, sums, clusterWeights, blockRows, cp, cnh, kp, scratch);
}

/** Squared distance of each float32 row to the centre named by its label. */
export function assignedDistF32(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  assignedDistances<f32>(x, start, end, d, c64, labels, dist);
}

/** Squared distance of each float64 row to the centre named by its label. */
export function assignedDistF64(x: usize, start: i32, end: i32, d: i32, c64: usize, labels: usize, dist: usize): void {
  assignedDistances<f64>(x, start, end, d, c64, labels, dist);
}

/** Compensated weighted sum, on the caller's thread, piece by piece (sums.ts: weightedSum). */
export function weightedSumF64(values: usize, weights: usize, start: i32, end: i32, state: usize): void {
  weightedSum(values, weights, start, end, state);
}

/** Block partial results added in block order (sums.ts: reduceBlocks). */
export function reduceBlocksF64(partials: usize, start: i32, end: i32, blocks: i32, length: i32, out: usize): void {
  reduceBlocks(partials, start, end, blocks, length, out);
}

/** 1 if any float64 value of [start, end) is not finite, else 0 (checks.ts). */
export function anyNonFiniteF64(values: usize, start: i32, end: i32): i32 {
  return anyNonFinite(values, start, end);
}

/** Every float32 row-to-centre squared distance, into out[i * k + j]. */
export function pairwiseF32(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  pairwise<f32>(x, start, end, d, c64, k, out);
}

/** Every float64 row-to-centre squared distance, into out[i * k + j]. */
export function pairwiseF64(x: usize, start: i32, end: i32, d: i32, c64: usize, k: i32, out: usize): void {
  pairwise<f64>(x, start, end, d, c64, k, out);
}

/** Block sums of float32 rows by label (sums.ts: sumBlocks). */
export function sumBlocksF32(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, k: i32, sums: usize, clusterWeights: usize, blockRows: i32,
): void {
  sumBlocks<f32>(x, start, end, d, weights, labels, k, sums, clusterWeights, blockRows);
}

/** Block sums of float64 rows by label (sums.ts: sumBlocks). */
export function sumBlocksF64(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, k: i32, sums: usize, clusterWeights: usize, blockRows: i32,
): void {
  sumBlocks<f64>(x, start, end, d, weights, labels, k, sums, clusterWeights, blockRows);
}

/** One block's sums of float32 rows brought up to date for new labels (sums.ts: refreshSums). */
export function refreshSumsF32(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32, dirty: usize,
): void {
  refreshSums<f32>(x, start, end, d, weights, labels, sumsLabels, k, sums, clusterWeights, blockRows, dirty);
}

/** One block's sums of float64 rows brought up to date for new labels (sums.ts: refreshSums). */
export function refreshSumsF64(
  x: usize, start: i32, end: i32, d: i32, weights: usize, labels: usize, sumsLabels: usize, k: i32,
  sums: usize, clusterWeights: usize, blockRows: i32, dirty: usize,
): void {
  refreshSums<f64>(x, start, end, d, weights, labels, sumsLabels, k, sums, clusterWeights, blockRows, dirty);
}

/** The fast form's squared distances of float32 rows (lloyd.ts: pairwiseFast). */
export function pairwiseFastF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, out: usize, scratch: usize,
): void {
  pairwiseFast<f32>(x, start, end, d, c32, c64, cn, k, cnMax, xn, out, scratch);
}

/** The fast form's squared distances of float64 rows (lloyd.ts: pairwiseFast). */
export function pairwiseFastF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, out: usize, scratch: usize,
): void {
  pairwiseFast<f64>(x, start, end, d, c32, c64, cn, k, cnMax, xn, out, scratch);
}

/** Hamerly's pass over float32 rows (hamerly.ts); returns how many labels it changed. */
export function hamerlyF32(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize,
  half: usize, move: usize, moveMax1: f64, moveMax2: f64, moveArg1: i32,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32,
  pending: usize, sumsLabels: usize, cp: usize, cnh: usize, kp: i32,
  order: usize, sortedHalf: usize, nearLimit: i32, scratch: usize,
): i32 {
  startCount();
  hamerly<f32>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, half, move, moveMax1, moveMax2, moveArg1, margin, weights, sums, clusterWeights, blockRows, reset, pending, sumsLabels, cp, cnh, kp, order, sortedHalf, nearLimit, scratch);
  return changedCount();
}

/** Hamerly's pass over float64 rows (hamerly.ts); returns how many labels it changed. */
export function hamerlyF64(
  x: usize, start: i32, end: i32, d: i32,
  c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize,
  half: usize, move: usize, moveMax1: f64, moveMax2: f64, moveArg1: i32,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32,
  pending: usize, sumsLabels: usize, cp: usize, cnh: usize, kp: i32,
  order: usize, sortedHalf: usize, nearLimit: i32, scratch: usize,
): i32 {
  startCount();
  hamerly<f64>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, half, move, moveMax1, moveMax2, moveArg1, margin, weights, sums, clusterWeights, blockRows, reset, pending, sumsLabels, cp, cnh, kp, order, sortedHalf, nearLimit, scratch);
  return changedCount();
}

/** Half distances between every pair of centres, for Elkan's bounds (gaps.ts: centreGaps). */
export function centreGapsF64(c64: usize, start: i32, end: i32, d: i32, k: i32, gaps: usize): void {
  centreGaps(c64, start, end, d, k, gaps);
}

/** Each centre's smallest half gap, from Elkan's gaps (gaps.ts: nearestGaps). */
export function nearestGapsF64(gaps: usize, start: i32, end: i32, k: i32, half: usize): void {
  nearestGaps(gaps, start, end, k, half);
}

/** Hamerly's half gaps and each centre's nearest others (gaps.ts: nearCentres). */
export function nearCentresF64(
  c64: usize, start: i32, end: i32, d: i32, k: i32, m: i32,
  order: usize, sortedHalf: usize, half: usize, scratch: usize,
): void {
  nearCentres(c64, start, end, d, k, m, order, sortedHalf, half, scratch);
}

/** Elkan's pass over float32 rows (elkan.ts); returns how many labels it changed. */
export function elkanF32(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, gaps: usize, half: usize, move: usize, moveUp: usize,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): i32 {
  startCount();
  elkan<f32>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, gaps, half, move, moveUp, margin, weights, sums, clusterWeights, blockRows, reset, sumsLabels, cp, cnh, kp, scratch);
  return changedCount();
}

/** Elkan's pass over float64 rows (elkan.ts); returns how many labels it changed. */
export function elkanF64(
  x: usize, start: i32, end: i32, d: i32, c32: usize, c64: usize, cn: usize, k: i32, cnMax: f64,
  xn: usize, labels: usize, upper: usize, lower: usize, gaps: usize, half: usize, move: usize, moveUp: usize,
  margin: f64, weights: usize, sums: usize, clusterWeights: usize, blockRows: i32, reset: i32, sumsLabels: usize,
  cp: usize, cnh: usize, kp: i32, scratch: usize,
): i32 {
  startCount();
  elkan<f64>(x, start, end, d, c32, c64, cn, k, cnMax, xn, labels, upper, lower, gaps, half, move, moveUp, margin, weights, sums, clusterWeights, blockRows, reset, sumsLabels, cp, cnh, kp, scratch);
  return changedCount();
}
