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
//   l1.ts         L1 distances (k-medians): assignment, assigned distances, every distance
//   medians.ts    k-medians' update: the clusters' column medians by selection
//   gaps.ts       distances between centres, for the bounds
//   checks.ts     checks over values computed anyway
//   frame.ts      the call frame every kernel reads its arguments from
//
// Every kernel takes (frame, start, end, scratch): its arguments are the frame's fields (named
// there), rows or values [start, end) are its share of the pass, and scratch is its thread's
// own scratch memory (scratch.ts; kernels that need none ignore it).

import { changedCount, startCount } from './best';
import { anyNonFinite } from './checks';
import { rowSquaredNorms } from './distances';
import { elkan } from './elkan';
import { Frame } from './frame';
import { centreGaps, nearCentres, nearestGaps } from './gaps';
import { hamerly } from './hamerly';
import { l1AssignedDistances, l1AssignScan, l1Pairwise } from './l1';
import { clusterMedians } from './medians';
import { assignedDistances, assignSum, pairwise, pairwiseFast } from './lloyd';
import { reduceBlocks, refreshSums, sumBlocks, weightedSum } from './sums';

export { FRAME_ADDRESS, FRAME_BYTES } from './frame';

/** Squared euclidean norm of each float32 row, accumulated in float64, into `out`. */
export function rowSqNormsF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  rowSquaredNorms<f32>(frame.x, start, end, frame.d, frame.out);
}

/** Squared euclidean norm of each float64 row, into `out`. */
export function rowSqNormsF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  rowSquaredNorms<f64>(frame.x, start, end, frame.d, frame.out);
}

/** Lloyd's pass over float32 rows (lloyd.ts: assignSum). */
export function assignSumF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  assignSum<f32>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.distances, frame.margin, frame.weights, frame.sums, frame.clusterWeights,
    frame.blockRows, frame.panels, frame.halfNorms, frame.panelK, scratch,
  );
}

/** Lloyd's pass over float64 rows (lloyd.ts: assignSum). */
export function assignSumF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  assignSum<f64>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.distances, frame.margin, frame.weights, frame.sums, frame.clusterWeights,
    frame.blockRows, frame.panels, frame.halfNorms, frame.panelK, scratch,
  );
}

/** Squared distance of each float32 row to the centre named by its label, into `distances`. */
export function assignedDistF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  assignedDistances<f32>(frame.x, start, end, frame.d, frame.centres64, frame.labels, frame.distances);
}

/** Squared distance of each float64 row to the centre named by its label, into `distances`. */
export function assignedDistF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  assignedDistances<f64>(frame.x, start, end, frame.d, frame.centres64, frame.labels, frame.distances);
}

/**
 * The compensated sum of values · weights over [start, end), carried in `state`, on the
 * caller's thread piece by piece (sums.ts: weightedSum).
 */
export function weightedSumF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  weightedSum(frame.values, frame.weights, start, end, frame.state);
}

/** `blocks` partial results of `length` values each added in block order into `out` (sums.ts: reduceBlocks). */
export function reduceBlocksF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  reduceBlocks(frame.values, start, end, frame.blocks, frame.length, frame.out);
}

/** 1 if any float64 value of [start, end) of `values` is not finite, else 0 (checks.ts). */
export function anyNonFiniteF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  return anyNonFinite(frame.values, start, end);
}

/** Every float32 row-to-centre squared distance, into out[i * k + j]. */
export function pairwiseF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  pairwise<f32>(frame.x, start, end, frame.d, frame.centres64, frame.k, frame.out);
}

/** Every float64 row-to-centre squared distance, into out[i * k + j]. */
export function pairwiseF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  pairwise<f64>(frame.x, start, end, frame.d, frame.centres64, frame.k, frame.out);
}

/** Block sums of float32 rows by label (sums.ts: sumBlocks). */
export function sumBlocksF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  sumBlocks<f32>(frame.x, start, end, frame.d, frame.weights, frame.labels, frame.k, frame.sums, frame.clusterWeights, frame.blockRows);
}

/** Block sums of float64 rows by label (sums.ts: sumBlocks). */
export function sumBlocksF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  sumBlocks<f64>(frame.x, start, end, frame.d, frame.weights, frame.labels, frame.k, frame.sums, frame.clusterWeights, frame.blockRows);
}

/** One block's sums of float32 rows brought up to date for new labels (sums.ts: refreshSums). */
export function refreshSumsF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  refreshSums<f32>(
    frame.x, start, end, frame.d, frame.weights, frame.labels, frame.sumsLabels, frame.k, frame.sums,
    frame.clusterWeights, frame.blockRows, frame.dirty,
  );
}

/** One block's sums of float64 rows brought up to date for new labels (sums.ts: refreshSums). */
export function refreshSumsF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  refreshSums<f64>(
    frame.x, start, end, frame.d, frame.weights, frame.labels, frame.sumsLabels, frame.k, frame.sums,
    frame.clusterWeights, frame.blockRows, frame.dirty,
  );
}

/** The fast form's squared distances of float32 rows, into out[i * k + j] (lloyd.ts: pairwiseFast). */
export function pairwiseFastF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  pairwiseFast<f32>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.out, scratch,
  );
}

/** The fast form's squared distances of float64 rows, into out[i * k + j] (lloyd.ts: pairwiseFast). */
export function pairwiseFastF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  pairwiseFast<f64>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.out, scratch,
  );
}

/** Hamerly's pass over float32 rows (hamerly.ts); returns how many labels it changed. */
export function hamerlyF32(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  hamerly<f32>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.upper, frame.lower, frame.half, frame.move, frame.largestMove,
    frame.secondMove, frame.mostMoved, frame.margin, frame.weights, frame.sums, frame.clusterWeights,
    frame.blockRows, frame.reset, frame.pending, frame.sumsLabels, frame.panels, frame.halfNorms, frame.panelK,
    frame.nearOrder, frame.nearHalf, frame.nearLimit, scratch,
  );
  return changedCount();
}

/** Hamerly's pass over float64 rows (hamerly.ts); returns how many labels it changed. */
export function hamerlyF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  hamerly<f64>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.upper, frame.lower, frame.half, frame.move, frame.largestMove,
    frame.secondMove, frame.mostMoved, frame.margin, frame.weights, frame.sums, frame.clusterWeights,
    frame.blockRows, frame.reset, frame.pending, frame.sumsLabels, frame.panels, frame.halfNorms, frame.panelK,
    frame.nearOrder, frame.nearHalf, frame.nearLimit, scratch,
  );
  return changedCount();
}

/** Half distances between every pair of centres a in [start, end), into `gaps` (gaps.ts: centreGaps). */
export function centreGapsF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  centreGaps(frame.centres64, start, end, frame.d, frame.k, frame.gaps);
}

/** Each centre's smallest half gap, from Elkan's `gaps` into `half` (gaps.ts: nearestGaps). */
export function nearestGapsF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  nearestGaps(frame.gaps, start, end, frame.k, frame.half);
}

/** Hamerly's half gaps and each centre's nearLimit nearest others (gaps.ts: nearCentres). */
export function nearCentresF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  nearCentres(
    frame.centres64, start, end, frame.d, frame.k, frame.nearLimit, frame.nearOrder, frame.nearHalf, frame.half,
    scratch,
  );
}

/** Elkan's pass over float32 rows (elkan.ts); returns how many labels it changed. */
export function elkanF32(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  elkan<f32>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.upper, frame.lower, frame.gaps, frame.half, frame.move, frame.moveUp,
    frame.margin, frame.weights, frame.sums, frame.clusterWeights, frame.blockRows, frame.reset, frame.sumsLabels,
    frame.panels, frame.halfNorms, frame.panelK, scratch,
  );
  return changedCount();
}

/** Elkan's pass over float64 rows (elkan.ts); returns how many labels it changed. */
export function elkanF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  elkan<f64>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.upper, frame.lower, frame.gaps, frame.half, frame.move, frame.moveUp,
    frame.margin, frame.weights, frame.sums, frame.clusterWeights, frame.blockRows, frame.reset, frame.sumsLabels,
    frame.panels, frame.halfNorms, frame.panelK, scratch,
  );
  return changedCount();
}

/**
 * Nearest centres of float32 rows by L1 distance, and the distances: a float32 scan settled
 * exactly (l1.ts: l1AssignScan), with the centres' L1 norms in `centreNorms`.
 */
export function l1AssignF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  l1AssignScan<f32>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.margin,
    frame.labels, frame.distances, scratch,
  );
}

/** As l1AssignF32 for float64 rows, each scanned from a float32 copy (l1.ts: l1AssignScan). */
export function l1AssignF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  l1AssignScan<f64>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.margin,
    frame.labels, frame.distances, scratch,
  );
}

/** L1 distance of each float32 row to the centre named by its label, into `distances`. */
export function l1AssignedDistF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  l1AssignedDistances<f32>(frame.x, start, end, frame.d, frame.centres64, frame.labels, frame.distances);
}

/** L1 distance of each float64 row to the centre named by its label, into `distances`. */
export function l1AssignedDistF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  l1AssignedDistances<f64>(frame.x, start, end, frame.d, frame.centres64, frame.labels, frame.distances);
}

/** Every float32 row-to-centre L1 distance, into out[i * k + j]. */
export function l1PairwiseF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  l1Pairwise<f32>(frame.x, start, end, frame.d, frame.centres64, frame.k, frame.out);
}

/** Every float64 row-to-centre L1 distance, into out[i * k + j]. */
export function l1PairwiseF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  l1Pairwise<f64>(frame.x, start, end, frame.d, frame.centres64, frame.k, frame.out);
}

/** Column medians of the clusters of float32 rows, by bands of columns (medians.ts). */
export function mediansF32(frame: Frame, start: i32, end: i32, scratch: usize): void {
  clusterMedians<f32>(frame.x, start, end, frame.d, frame.k, frame.positions, frame.offsets, frame.bandCols, frame.centres64, frame.out, scratch);
}

/** Column medians of the clusters of float64 rows, by bands of columns (medians.ts). */
export function mediansF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  clusterMedians<f64>(frame.x, start, end, frame.d, frame.k, frame.positions, frame.offsets, frame.bandCols, frame.centres64, frame.out, scratch);
}
