/**
 * The files the distributed verbs read and write: shards and centres (NPY), labels (NPY int32,
 * one a row), partials (see distributed/format.ts) and relocation plans (JSON). Errors name
 * the flag and the file.
 */

import { readBytes } from '../data/node/files.js';
import { parseNpy } from '../data/npy.js';
import { decodePartial, type PassPartial } from '../distributed/format.js';
import type { RelocationPlan } from '../distributed/update.js';
import { ValidationError } from '../errors.js';
import type { DType, Matrix } from '../matrix.js';

/**
 * A reader's ValidationError about `path` ("file: PATH: why"), named by `flag` instead ("--flag:
 * PATH: why"); a positional input is its own flag ("PATH: why").
 */
function named(error: unknown, flag: string, path: string): unknown {
  if (!(error instanceof ValidationError)) return error;
  let why = error.message.slice(error.parameter.length + 2);
  if (flag === path && why.startsWith(`${path}: `)) why = why.slice(path.length + 2);
  return new ValidationError(flag, why);
}

/** Bytes of a file named by `flag`; a failure names the flag and the file. */
async function bytesOf(path: string, flag: string): Promise<Uint8Array> {
  try {
    return await readBytes(path);
  } catch (error) {
    throw named(error, flag, path);
  }
}

/** An NPY matrix named by `flag`. */
export async function readNpyFlag(path: string, flag: string, dtype: DType): Promise<Matrix> {
  const bytes = await bytesOf(path, flag);
  try {
    return parseNpy(bytes, path, dtype);
  } catch (error) {
    throw named(error, flag, path);
  }
}

/** Centres as float64, k x d, from an NPY file. */
export async function readCentres(
  path: string,
  flag = '--centroids',
): Promise<{ centres: Float64Array; k: number; d: number }> {
  const m = await readNpyFlag(path, flag, 'float64');
  return { centres: Float64Array.from(m.data), k: m.rows, d: m.cols };
}

/** Labels (one a row, whole numbers) from an NPY file, checked against the shard's rows. */
export async function readLabels(path: string, flag: string, rows: number): Promise<Int32Array> {
  const m = await readNpyFlag(path, flag, 'float64');
  if (m.rows * m.cols !== rows)
    throw new ValidationError(
      flag,
      `${path}: holds ${m.rows * m.cols} labels; the shard has ${rows} rows`,
    );
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = m.data[i];
    if (!Number.isInteger(v) || v < -1 || v > 0x7fffffff)
      throw new ValidationError(flag, `${path}: label ${i} is ${v}, not a cluster index`);
    labels[i] = v;
  }
  return labels;
}

/** Labels as a version 1.0 NPY file of little-endian int32, shape (n,). */
export function encodeLabelsNpy(labels: Int32Array): Uint8Array {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${labels.length},), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * labels.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const start = 10 + header.length;
  for (let i = 0; i < labels.length; i++) view.setInt32(start + 4 * i, labels[i], true);
  return out;
}

/** A partial file named by `flag` (or the positional input). */
export async function readPartial(path: string, flag: string): Promise<PassPartial> {
  const bytes = await bytesOf(path, flag);
  try {
    return decodePartial(bytes, path);
  } catch (error) {
    throw named(error, flag, path);
  }
}

/** A relocation plan (JSON, as `lloyd plan` writes it). */
export async function readPlan(path: string, flag: string): Promise<RelocationPlan> {
  const text = new TextDecoder().decode(await bytesOf(path, flag));
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(flag, `${path}: not JSON (${(error as Error).message})`);
  }
  const p = plan as Partial<RelocationPlan>;
  const whole = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (
    typeof plan !== 'object' ||
    plan === null ||
    p.version !== 1 ||
    typeof p.fingerprint !== 'string' ||
    !/^[0-9a-f]{16}$/.test(p.fingerprint) ||
    ![p.k, p.d, p.totalRows, p.blockRows].every(whole) ||
    !Array.isArray(p.relocations) ||
    !p.relocations.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        whole(m.cluster) &&
        m.cluster < (p.k as number) &&
        whole(m.row) &&
        m.row < (p.totalRows as number),
    )
  )
    throw new ValidationError(flag, `${path}: not a version 1 relocation plan (see lloyd plan)`);
  return p as RelocationPlan;
}
