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
//   l1-bounds.ts  Hamerly's bounded pass for L1 distances
//   medians.ts    k-medians' update: the clusters' column medians by selection
//   gaps.ts       distances between centres, for the bounds
//   checks.ts     checks over values computed anyway
//   frame.ts      the call frame every kernel reads its arguments from
//
// Every kernel takes (frame, start, end, scratch): its arguments are the frame's fields (named
// there), rows or values [start, end) are its share of the pass, and scratch is its thread's
// own scratch memory (scratch.ts; kernels that need none ignore it). Each pass reads its fields
// once, in an @inline function of this file generic in the row type, and the exported kernels
// are one-line wrappers for float32 and float64 rows (the build reads the fields each reads).

import { changedCount, startCount } from './best';
import { anyNonFinite } from './checks';
import { rowSquaredNorms } from './distances';
import { elkan } from './elkan';
import { Frame } from './frame';
import { centreGaps, nearCentres, nearestGaps } from './gaps';
import { hamerly } from './hamerly';
import { l1AssignedDistances, l1AssignScan, l1Pairwise } from './l1';
import { l1Hamerly } from './l1-bounds';
import { clusterMedians } from './medians';
import { assignedDistances, assignSum, pairwise, pairwiseFast } from './lloyd';
import { reduceBlocks, refreshSums, sumBlocks, weightedSum } from './sums';

export { FRAME_ADDRESS, FRAME_BYTES } from './frame';

/** Squared euclidean norm of each row, accumulated in float64, into `out`. */
@inline function rowNormsPass<T>(frame: Frame, start: i32, end: i32): void {
  rowSquaredNorms<T>(frame.x, start, end, frame.d, frame.out);
}
export function rowSqNormsF32(frame: Frame, start: i32, end: i32, scratch: usize): void { rowNormsPass<f32>(frame, start, end); }
export function rowSqNormsF64(frame: Frame, start: i32, end: i32, scratch: usize): void { rowNormsPass<f64>(frame, start, end); }

/** Lloyd's pass (lloyd.ts: assignSum). */
@inline function lloydPass<T>(frame: Frame, start: i32, end: i32, scratch: usize): void {
  assignSum<T>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.distances, frame.margin, frame.weights, frame.sums, frame.clusterWeights,
    frame.blockRows, frame.panels, frame.halfNorms, frame.panelK, scratch,
  );
}
export function assignSumF32(frame: Frame, start: i32, end: i32, scratch: usize): void { lloydPass<f32>(frame, start, end, scratch); }
export function assignSumF64(frame: Frame, start: i32, end: i32, scratch: usize): void { lloydPass<f64>(frame, start, end, scratch); }

/** Squared distance of each row to the centre named by its label, into `distances`. */
@inline function assignedDistancesPass<T>(frame: Frame, start: i32, end: i32): void {
  assignedDistances<T>(frame.x, start, end, frame.d, frame.centres64, frame.labels, frame.distances);
}
export function assignedDistF32(frame: Frame, start: i32, end: i32, scratch: usize): void { assignedDistancesPass<f32>(frame, start, end); }
export function assignedDistF64(frame: Frame, start: i32, end: i32, scratch: usize): void { assignedDistancesPass<f64>(frame, start, end); }

/**
 * The compensated sum of values · weights over [start, end), carried in `state`, on the
 * caller's thread piece by piece (sums.ts: weightedSum).
 */
export function weightedSumF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  weightedSum(frame.values, frame.weights, start, end, frame.state);
}

/** `blocks` partial results of `length` values each added in block order into `out` (sums.ts: reduceBlocks). */
export function reduceBlocksF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  reduceBlocks(frame.values, start, end, frame.blocks, frame.length, frame.out, frame.accumulate != 0);
}

/** 1 if any float64 value of [start, end) of `values` is not finite, else 0 (checks.ts). */
export function anyNonFiniteF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  return anyNonFinite(frame.values, start, end);
}

/** Every row-to-centre squared distance, into out[i * k + j]. */
@inline function pairwisePass<T>(frame: Frame, start: i32, end: i32): void {
  pairwise<T>(frame.x, start, end, frame.d, frame.centres64, frame.k, frame.out);
}
export function pairwiseF32(frame: Frame, start: i32, end: i32, scratch: usize): void { pairwisePass<f32>(frame, start, end); }
export function pairwiseF64(frame: Frame, start: i32, end: i32, scratch: usize): void { pairwisePass<f64>(frame, start, end); }

/** Block sums of rows by label (sums.ts: sumBlocks). */
@inline function sumBlocksPass<T>(frame: Frame, start: i32, end: i32): void {
  sumBlocks<T>(frame.x, start, end, frame.d, frame.weights, frame.labels, frame.k, frame.sums, frame.clusterWeights, frame.blockRows);
}
export function sumBlocksF32(frame: Frame, start: i32, end: i32, scratch: usize): void { sumBlocksPass<f32>(frame, start, end); }
export function sumBlocksF64(frame: Frame, start: i32, end: i32, scratch: usize): void { sumBlocksPass<f64>(frame, start, end); }

/** One block's sums brought up to date for new labels (sums.ts: refreshSums). */
@inline function refreshSumsPass<T>(frame: Frame, start: i32, end: i32): void {
  refreshSums<T>(
    frame.x, start, end, frame.d, frame.weights, frame.labels, frame.sumsLabels, frame.k, frame.sums,
    frame.clusterWeights, frame.blockRows, frame.dirty,
  );
}
export function refreshSumsF32(frame: Frame, start: i32, end: i32, scratch: usize): void { refreshSumsPass<f32>(frame, start, end); }
export function refreshSumsF64(frame: Frame, start: i32, end: i32, scratch: usize): void { refreshSumsPass<f64>(frame, start, end); }

/** The fast form's squared distances, into out[i * k + j] (lloyd.ts: pairwiseFast). */
@inline function pairwiseFastPass<T>(frame: Frame, start: i32, end: i32, scratch: usize): void {
  pairwiseFast<T>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.out, scratch,
  );
}
export function pairwiseFastF32(frame: Frame, start: i32, end: i32, scratch: usize): void { pairwiseFastPass<f32>(frame, start, end, scratch); }
export function pairwiseFastF64(frame: Frame, start: i32, end: i32, scratch: usize): void { pairwiseFastPass<f64>(frame, start, end, scratch); }

/** Hamerly's pass (hamerly.ts); returns how many labels it changed. */
@inline function hamerlyPass<T>(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  hamerly<T>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.upper, frame.lower, frame.half, frame.move, frame.largestMove,
    frame.secondMove, frame.mostMoved, frame.margin, frame.weights, frame.sums, frame.clusterWeights,
    frame.blockRows, frame.reset, frame.pending, frame.sumsLabels, frame.panels, frame.halfNorms, frame.panelK,
    frame.nearOrder, frame.nearHalf, frame.nearLimit, scratch,
  );
  return changedCount();
}
export function hamerlyF32(frame: Frame, start: i32, end: i32, scratch: usize): i32 { return hamerlyPass<f32>(frame, start, end, scratch); }
export function hamerlyF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 { return hamerlyPass<f64>(frame, start, end, scratch); }

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

/** Hamerly's L1 half gaps: half the L1 distance from each centre to its nearest other (gaps.ts: nearCentres). */
export function l1NearCentresF64(frame: Frame, start: i32, end: i32, scratch: usize): void {
  nearCentres(frame.centres64, start, end, frame.d, frame.k, 0, 0, 0, frame.half, scratch, true);
}

/** Hamerly's L1 pass (l1-bounds.ts), labels only; returns how many labels it changed. */
@inline function l1HamerlyPass<T>(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  l1Hamerly<T>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.margin,
    frame.labels, frame.upper, frame.lower, frame.half, frame.move, frame.largestMove, frame.secondMove,
    frame.mostMoved, frame.boundSlack, frame.reset, scratch,
  );
  return changedCount();
}
export function l1HamerlyF32(frame: Frame, start: i32, end: i32, scratch: usize): i32 { return l1HamerlyPass<f32>(frame, start, end, scratch); }
export function l1HamerlyF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 { return l1HamerlyPass<f64>(frame, start, end, scratch); }

/** Elkan's pass (elkan.ts); returns how many labels it changed. */
@inline function elkanPass<T>(frame: Frame, start: i32, end: i32, scratch: usize): i32 {
  startCount();
  elkan<T>(
    frame.x, start, end, frame.d, frame.centres32, frame.centres64, frame.centreNorms, frame.k, frame.maxCentreNorm,
    frame.rowNorms, frame.labels, frame.upper, frame.lower, frame.gaps, frame.half, frame.move, frame.moveUp,
    frame.margin, frame.weights, frame.sums, frame.clusterWeights, frame.blockRows, frame.reset, frame.sumsLabels,
    frame.panels, frame.halfNorms, frame.panelK, scratch,
  );
  return changedCount();
}
export function elkanF32(frame: Frame, start: i32, end: i32, scratch: usize): i32 { return elkanPass<f32>(frame, start, end, scratch); }
export function elkanF64(frame: Frame, start: i32, end: i32, scratch: usize): i32 { return elkanPass<f64>(frame, start, end, scratch); }

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
