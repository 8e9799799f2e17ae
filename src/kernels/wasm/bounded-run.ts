/**
 * A run of bounded passes on the WebAssembly kernels (BoundedRun in types.ts): Hamerly's or
 * Elkan's bounds on euclidean distances, or Hamerly's on L1 distances (k-medians: labels only),
 * kept in the kernels memory between passes. Each pass measures how far each
 * centre moved since the last one (the bounds are lowered by it), lays out the centre gaps the
 * bounds are tested against, and chooses how the block sums are made: late in a run few labels
 * change, and a pass then redoes only the sums of the blocks and clusters that changed.
 */

import { paddedClusters } from '../blocks.js';
import type { BoundedRun, BoundsMethod, DistanceKind } from '../types.js';
import { nearListLength } from './layout.js';
import type { WasmKernels } from './wasm-kernels.js';
import { WORK_PER_CALL } from './wasm-matrix.js';

/**
 * Bounded passes redo only the changed block sums when the share of (block, cluster) sums the
 * previous pass's changes would touch is below this; otherwise they add every row as they go
 * (while it is in cache).
 */
const INCREMENTAL_SUMS_BELOW = 0.5;

/** The smallest float32 not below v (v >= 0), as the kernels' roundUp. */
function float32Above(v: number): number {
  const r = Math.fround(v);
  return r >= v ? r : Math.fround(v + v * 2 ** -22 + 1e-44);
}

/** Squared euclidean distance between centre a of `A` and centre b of `B`. */
function squaredGap(A: Float64Array, a: number, B: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = A[a * d + t] - B[b * d + t];
    s += diff * diff;
  }
  return s;
}

/** L1 distance between centre a of `A` and centre b of `B`. */
function l1Gap(A: Float64Array, a: number, B: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += Math.abs(A[a * d + t] - B[b * d + t]);
  return s;
}

/**
 * The L1 bounds' rounding allowance, relative to the values compared (assembly/l1-bounds.ts):
 * each is a float64 sum of non-negative terms, within (d + passes) · 2^-52 of its size; 1e-9
 * covers a million columns over thousands of passes, and wider rows get their own.
 */
function l1BoundSlack(d: number): number {
  return Math.max(1e-9, (d + 16) * 2 ** -44);
}

/** Where the sums of a pass go: the caller's arrays, for these weights. */
interface SumsTarget {
  weights: Float64Array;
  sums: Float64Array;
  clusterWeights: Float64Array;
}

/** How far each centre moved since the last pass, and the two largest moves. */
interface Moves {
  largest: number;
  second: number;
  /** The centre that moved most (-1: none moved). */
  most: number;
}

export class WasmBoundedRun implements BoundedRun {
  /** The centres of the previous pass, to measure how far each moved; undefined: scan afresh. */
  private previousCenters: Float64Array | undefined;
  /** How many labels the previous pass changed. */
  private lastChanges = Number.POSITIVE_INFINITY;

  /** `distance`: the bounds' distance; 'manhattan' keeps Hamerly's bounds only (labels only). */
  constructor(
    private readonly kernels: WasmKernels,
    readonly method: BoundsMethod,
    readonly distance: DistanceKind = 'sqeuclidean',
  ) {
    if (distance === 'manhattan' && method !== 'hamerly')
      throw new Error(`lloyd: ${method}'s bounds are kept for euclidean distances only`);
  }

  pass(
    centers: Float64Array,
    k: number,
    weights: Float64Array,
    labels: Int32Array,
    sums: Float64Array,
    clusterWeights: Float64Array,
  ): number {
    return this.boundedPass(centers, k, labels, { weights, sums, clusterWeights });
  }

  finalAssign(centers: Float64Array, k: number, labels: Int32Array): void {
    this.assign(centers, k, labels);
  }

  assign(centers: Float64Array, k: number, labels: Int32Array): number {
    if (this.distance === 'manhattan') return this.l1Pass(centers, k, labels);
    return this.boundedPass(centers, k, labels, undefined);
  }

  /**
   * A pass with Hamerly's bounds on L1 distances: the labels of a full L1 scan, ties included
   * (assembly/l1-bounds.ts). Returns how many labels changed.
   */
  private l1Pass(centers: Float64Array, k: number, labels: Int32Array): number {
    const { kernels } = this;
    if (!kernels.isCurrentRun(this))
      throw new Error('lloyd: this bounded run was ended by a newer one on the same kernels');
    const d = kernels.cols;
    const previous = this.previousCenters;
    const restart = !previous || previous.length !== k * d;
    const scan = kernels.loadL1Scan(centers, k);
    const room = kernels.room();
    const buffers = kernels.matrix.buffers;
    const moves = this.measureMoves(centers, k, restart ? undefined : previous);
    kernels.runtime.run('l1NearCentresF64', k, Math.max(1, Math.floor(WORK_PER_CALL / (k * d))), {
      centres64: room.centres64,
      d,
      k,
      half: room.half,
    });
    kernels.view(Int32Array, buffers.labels, kernels.rows).set(labels);
    const changes = kernels.run(kernels.f32 ? 'l1HamerlyF32' : 'l1HamerlyF64', k * d, {
      ...scan,
      labels: buffers.labels,
      upper: buffers.upper,
      lower: buffers.lower,
      half: room.half,
      move: room.move,
      largestMove: moves.largest,
      secondMove: moves.second,
      mostMoved: moves.most,
      boundSlack: l1BoundSlack(d),
      reset: restart ? 1 : 0,
    });
    labels.set(kernels.view(Int32Array, buffers.labels, kernels.rows));
    this.previousCenters = centers.slice(0, k * d);
    return changes;
  }

  /**
   * A pass with the bounds: labels, and with `into` the cluster sums of those weights. Without it
   * the block sums are left as they were (they still match sumsLabels). Returns how many labels
   * changed.
   */
  private boundedPass(
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    into: SumsTarget | undefined,
  ): number {
    const { kernels } = this;
    if (!kernels.isCurrentRun(this))
      throw new Error('lloyd: this bounded run was ended by a newer one on the same kernels');
    const d = kernels.cols;
    const rows = kernels.rows;
    const previous = this.previousCenters;
    const restart = !previous || previous.length !== k * d;
    const scan = kernels.loadScan(centers, k);
    if (kernels.beyondFloat32()) return this.exactPass(centers, k, labels, into);
    const room = kernels.room();
    const buffers = kernels.matrix.buffers;
    const blocks = Math.ceil(rows / kernels.blockRows);
    const changedShare = 1 - Math.exp((-2 * this.lastChanges) / (blocks * k));
    const incremental =
      into !== undefined &&
      kernels.sumsReusable(into.weights, k) &&
      changedShare < INCREMENTAL_SUMS_BELOW;
    const addSums = into !== undefined && !incremental;
    if (addSums) kernels.prepareSums(into.weights, k);
    const moves = this.measureMoves(centers, k, restart ? undefined : previous);
    const nearScan = this.method === 'hamerly' && k > 1 && room.near !== undefined;
    this.centreGaps(k, nearScan);
    // The pass counts the rows whose label it changes from these (a restart's too).
    kernels.view(Int32Array, buffers.labels, rows).set(labels);
    const sumsFields = {
      weights: kernels.weightsPointer,
      sums: addSums ? room.sums : 0,
      clusterWeights: room.clusterWeights,
      blockRows: kernels.blockRows,
      reset: restart ? 1 : 0,
      sumsLabels: buffers.sumsLabels,
    };
    const boundsFields = {
      labels: buffers.labels,
      upper: buffers.upper,
      half: room.half,
      move: room.move,
    };
    let changes: number;
    if (this.method === 'elkan') {
      const elkan = room.elkan;
      if (!elkan) throw new Error("lloyd: Elkan's bounds are not laid out");
      const moveUp = kernels.view(Float32Array, elkan.moveUp, paddedClusters(k));
      const move = kernels.view(Float64Array, room.move, k);
      for (let j = 0; j < moveUp.length; j++) moveUp[j] = j < k ? float32Above(move[j]) : 0;
      changes = kernels.runBlocks(kernels.f32 ? 'elkanF32' : 'elkanF64', k * d, {
        ...scan,
        ...sumsFields,
        ...boundsFields,
        lower: elkan.lower,
        gaps: elkan.gaps,
        moveUp: elkan.moveUp,
      });
    } else {
      changes = kernels.runBlocks(kernels.f32 ? 'hamerlyF32' : 'hamerlyF64', k * d, {
        ...scan,
        ...sumsFields,
        ...boundsFields,
        lower: buffers.lower,
        largestMove: moves.largest,
        secondMove: moves.second,
        mostMoved: moves.most,
        pending: buffers.pending,
        nearOrder: nearScan && room.near ? room.near.order : 0,
        nearHalf: room.near?.half ?? 0,
        nearLimit: nearListLength(k),
      });
    }
    // A pass with sums keeps each row's label in sumsLabels: the sums are current either way. A
    // pass without leaves sums and sumsLabels as they were, still matching each other.
    if (incremental) kernels.refreshSums(k);
    if (into) kernels.sumsMade(k);
    this.lastChanges = changes;
    labels.set(kernels.view(Int32Array, buffers.labels, rows));
    if (into) kernels.reduceSums(blocks, k, into.sums, into.clusterWeights);
    this.previousCenters = centers.slice(0, k * d);
    return changes;
  }

  /**
   * Writes how far each centre moved since `previous` (0 for all when undefined: a restart) into
   * the move buffer, and returns the two largest moves.
   */
  private measureMoves(centers: Float64Array, k: number, previous?: Float64Array): Moves {
    const { kernels } = this;
    const d = kernels.cols;
    const move = kernels.view(Float64Array, kernels.room().move, k);
    const moves: Moves = { largest: 0, second: 0, most: -1 };
    for (let j = 0; j < k; j++) {
      const moved = !previous
        ? 0
        : this.distance === 'manhattan'
          ? l1Gap(centers, j, previous, j, d)
          : Math.sqrt(squaredGap(centers, j, previous, j, d));
      move[j] = moved;
      if (moved > moves.largest) {
        moves.second = moves.largest;
        moves.largest = moved;
        moves.most = j;
      } else if (moved > moves.second) {
        moves.second = moved;
      }
    }
    return moves;
  }

  /**
   * Half the gap from each centre to its nearest other one (and for Elkan's bounds to every other
   * one; for Hamerly's near scans, each centre's nearest others in order): k² distances (Elkan's
   * each pair once), on every thread.
   */
  private centreGaps(k: number, nearScan: boolean): void {
    const { kernels } = this;
    const d = kernels.cols;
    const room = kernels.room();
    const gapChunk = Math.max(1, Math.floor(WORK_PER_CALL / (k * d)));
    if (this.method === 'elkan' && room.elkan) {
      kernels.runtime.run('centreGapsF64', k, gapChunk, {
        centres64: room.centres64,
        d,
        k,
        gaps: room.elkan.gaps,
      });
      kernels.runtime.run('nearestGapsF64', k, Math.max(1, Math.floor(WORK_PER_CALL / k)), {
        gaps: room.elkan.gaps,
        k,
        half: room.half,
      });
      return;
    }
    kernels.runtime.run('nearCentresF64', k, gapChunk, {
      centres64: room.centres64,
      d,
      k,
      nearLimit: nearScan ? nearListLength(k) : 0,
      nearOrder: room.near?.order ?? 0,
      nearHalf: room.near?.half ?? 0,
      half: room.half,
    });
  }

  /**
   * A pass beyond the fast scan's range (float32 values past 2^40): the reference's exact
   * assignment (and sums), counting the changes here. The bounds are not kept: the next pass
   * starts afresh.
   */
  private exactPass(
    centers: Float64Array,
    k: number,
    labels: Int32Array,
    into: SumsTarget | undefined,
  ): number {
    const { kernels } = this;
    const before = labels.slice();
    if (into)
      kernels.exactAssignAndSum(
        centers,
        k,
        into.weights,
        labels,
        null,
        into.sums,
        into.clusterWeights,
      );
    else kernels.fallback.assign('sqeuclidean', centers, k, labels, new Float64Array(kernels.rows));
    this.previousCenters = undefined;
    return labels.reduce((changes, label, i) => changes + (label !== before[i] ? 1 : 0), 0);
  }
}
