/**
 * A partial pass of a distributed fit, in memory and as bytes (docs/distributed.md describes the
 * format). Every number is little-endian; float64 values are stored as their bits.
 */

import { ValidationError } from '../errors.js';

/** A row far from its assigned centre: a candidate to move into an empty cluster. */
export interface FarRow {
  /** Its index in the whole matrix. */
  row: number;
  /** Its distance to the centre it was assigned (squared euclidean). */
  distance: number;
  /** The cluster it was assigned. */
  label: number;
}

/** A row moved into an empty cluster, by its index in the whole matrix. */
export interface DistributedRelocation {
  cluster: number;
  row: number;
}

/**
 * What a pass over some whole blocks of rows returns, or the union of several (a merge).
 *
 * - 'assignment': the rows assigned to the centres whose fingerprint it carries; per block, the
 *   clusters' weighted sums and weights as that block's rows add them in row order, and the
 *   Neumaier state (sum, compensation) of its rows' weighted distances; the changed labels; the
 *   k rows farthest from their centres.
 * - 'relocation': the block sums again, with `relocations` applied to the labels, for the blocks
 *   that hold a relocated row only (see relocationPass).
 */
export interface PassPartial {
  kind: 'assignment' | 'relocation';
  k: number;
  d: number;
  /** Rows of the whole matrix, and the rows per block (sumBlockRows of them). */
  totalRows: number;
  blockRows: number;
  /** fingerprintCentres of the centres the rows were assigned to (16 hex digits). */
  fingerprint: string;
  /** The blocks held, by their index in the whole matrix, increasing. */
  blocks: Uint32Array;
  /** blocks.length x k x d: block i's sums at i·k·d. */
  sums: Float64Array;
  /** blocks.length x k. */
  weights: Float64Array;
  /** blocks.length x 2: each block's Neumaier (sum, compensation) of weight x distance ('assignment'). */
  inertia: Float64Array;
  /** Labels that differ from the previous pass's ('assignment'; every row on a first pass). */
  changed: number;
  /** The k rows farthest from their centres, farthest first, ties to the lower row ('assignment'). */
  farthest: FarRow[];
  /** The relocations applied ('relocation'), in the order of the plan. */
  relocations: DistributedRelocation[];
}

/** The format's version; a reader refuses others. */
export const PARTIAL_VERSION = 1;
const MAGIC = 'LLOYDPRT';
const HEADER_BYTES = 64;
const FAR_BYTES = 24;
const RELOCATION_BYTES = 16;

/** The number of blocks of the whole matrix. */
export function blockCount(partial: Pick<PassPartial, 'totalRows' | 'blockRows'>): number {
  return Math.ceil(partial.totalRows / partial.blockRows);
}

/**
 * A 64-bit fingerprint of k x d float64 centres (their bits, k and d), as 16 hex digits: two
 * FNV-1a lanes of 32 bits. It tells partials of different centres apart; it is no cryptographic
 * hash.
 */
export function fingerprintCentres(centres: Float64Array, k: number, d: number): string {
  const bytes = new Uint8Array(8 * k * d + 8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, k, true);
  view.setUint32(4, d, true);
  for (let i = 0; i < k * d; i++) view.setFloat64(8 + 8 * i, centres[i], true);
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193);
    b = Math.imul(b ^ bytes[bytes.length - 1 - i], 0x01000193);
  }
  const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b);
}

/** Whether two lists of relocations are the same moves in the same order. */
export function sameRelocations(
  a: readonly DistributedRelocation[],
  b: readonly DistributedRelocation[],
): boolean {
  return (
    a.length === b.length && a.every((m, i) => m.cluster === b[i].cluster && m.row === b[i].row)
  );
}

/** Sorts far rows farthest first, ties to the lower row: the order planRelocations picks in. */
export function compareFar(a: FarRow, b: FarRow): number {
  return b.distance - a.distance || a.row - b.row;
}

/** The bytes of a partial (see docs/distributed.md for the layout). */
export function encodePartial(p: PassPartial): Uint8Array {
  const nb = p.blocks.length;
  const indexBytes = Math.ceil((4 * nb) / 8) * 8;
  const floats = p.sums.length + p.weights.length + p.inertia.length;
  const size =
    HEADER_BYTES +
    indexBytes +
    8 * floats +
    FAR_BYTES * p.farthest.length +
    RELOCATION_BYTES * p.relocations.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, PARTIAL_VERSION, true);
  view.setUint32(12, p.kind === 'assignment' ? 0 : 1, true);
  view.setUint32(16, p.k, true);
  view.setUint32(20, p.d, true);
  view.setBigUint64(24, BigInt(p.totalRows), true);
  view.setUint32(32, p.blockRows, true);
  view.setUint32(36, nb, true);
  view.setBigUint64(40, BigInt(`0x${p.fingerprint}`), true);
  view.setBigUint64(48, BigInt(p.changed), true);
  view.setUint32(56, p.farthest.length, true);
  view.setUint32(60, p.relocations.length, true);
  let at = HEADER_BYTES;
  for (let i = 0; i < nb; i++) view.setUint32(at + 4 * i, p.blocks[i], true);
  at += indexBytes;
  for (const values of [p.sums, p.weights, p.inertia]) {
    for (let i = 0; i < values.length; i++, at += 8) view.setFloat64(at, values[i], true);
  }
  for (const far of p.farthest) {
    view.setFloat64(at, far.distance, true);
    view.setBigUint64(at + 8, BigInt(far.row), true);
    view.setInt32(at + 16, far.label, true);
    at += FAR_BYTES;
  }
  for (const move of p.relocations) {
    view.setBigUint64(at, BigInt(move.row), true);
    view.setUint32(at + 8, move.cluster, true);
    at += RELOCATION_BYTES;
  }
  return out;
}

/** A partial from its bytes; anything malformed is an error naming `source`. */
export function decodePartial(bytes: Uint8Array, source = 'partial'): PassPartial {
  const fail = (message: string): never => {
    throw new ValidationError('partial', `${source}: ${message}`);
  };
  if (bytes.length < HEADER_BYTES) fail('too short to be a lloyd partial');
  for (let i = 0; i < MAGIC.length; i++)
    if (bytes[i] !== MAGIC.charCodeAt(i)) fail('not a lloyd partial (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== PARTIAL_VERSION)
    fail(`format version ${version}; this lloyd reads version ${PARTIAL_VERSION}`);
  const kindCode = view.getUint32(12, true);
  if (kindCode > 1) fail(`unknown kind ${kindCode}`);
  const k = view.getUint32(16, true);
  const d = view.getUint32(20, true);
  const totalRows = Number(view.getBigUint64(24, true));
  const blockRows = view.getUint32(32, true);
  const nb = view.getUint32(36, true);
  const fingerprint = view.getBigUint64(40, true).toString(16).padStart(16, '0');
  const changed = Number(view.getBigUint64(48, true));
  const farCount = view.getUint32(56, true);
  const moveCount = view.getUint32(60, true);
  if (k < 1 || d < 1 || blockRows < 1 || totalRows < 1)
    fail('k, d, rows and block rows must be >= 1');
  const indexBytes = Math.ceil((4 * nb) / 8) * 8;
  const expected =
    HEADER_BYTES +
    indexBytes +
    8 * nb * (k * d + k + 2) +
    FAR_BYTES * farCount +
    RELOCATION_BYTES * moveCount;
  if (bytes.length !== expected)
    fail(`holds ${bytes.length} bytes; its header says ${expected} (cut short or not one file)`);
  const blocks = new Uint32Array(nb);
  for (let i = 0; i < nb; i++) blocks[i] = view.getUint32(HEADER_BYTES + 4 * i, true);
  const limit = Math.ceil(totalRows / blockRows);
  for (let i = 0; i < nb; i++)
    if (blocks[i] >= limit || (i > 0 && blocks[i] <= blocks[i - 1]))
      fail('its block indices are out of range or out of order');
  let at = HEADER_BYTES + indexBytes;
  const floats = (length: number): Float64Array => {
    const values = new Float64Array(length);
    for (let i = 0; i < length; i++, at += 8) values[i] = view.getFloat64(at, true);
    return values;
  };
  const sums = floats(nb * k * d);
  const weights = floats(nb * k);
  const inertia = floats(nb * 2);
  const farthest: FarRow[] = [];
  for (let i = 0; i < farCount; i++, at += FAR_BYTES) {
    farthest.push({
      distance: view.getFloat64(at, true),
      row: Number(view.getBigUint64(at + 8, true)),
      label: view.getInt32(at + 16, true),
    });
  }
  const relocations: DistributedRelocation[] = [];
  for (let i = 0; i < moveCount; i++, at += RELOCATION_BYTES) {
    relocations.push({
      cluster: view.getUint32(at + 8, true),
      row: Number(view.getBigUint64(at, true)),
    });
  }
  return {
    kind: kindCode === 0 ? 'assignment' : 'relocation',
    k,
    d,
    totalRows,
    blockRows,
    fingerprint,
    blocks,
    sums,
    weights,
    inertia,
    changed,
    farthest,
    relocations,
  };
}
