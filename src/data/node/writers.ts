import type { Matrix } from '../../matrix.js';
import { encodeNpy } from '../npy.js';
import { writeFileAtomic } from './output.js';

/** Labels as CSV text: one per line, or `id,label` lines with a header when ids are given. */
export function labelsToCsv(labels: ArrayLike<number>, ids?: ArrayLike<string | number>): string {
  const lines: string[] = ids ? ['id,label'] : [];
  for (let i = 0; i < labels.length; i++)
    lines.push(ids ? `${ids[i]},${labels[i]}` : String(labels[i]));
  return `${lines.join('\n')}\n`;
}

/** Labels written a line at a time in chunks of about this many bytes (see labelsCsvChunks). */
const LABEL_CHUNK_BYTES = 1 << 20;

/**
 * Labels as CSV text (one a line, as labelsToCsv), in chunks of bytes: a file of any number of
 * labels is written without its whole text ever held. Each iteration starts afresh.
 */
export function labelsCsvChunks(labels: ArrayLike<number>): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      const encoder = new TextEncoder();
      let text = '';
      for (let i = 0; i < labels.length; i++) {
        text += `${labels[i]}\n`;
        if (text.length >= LABEL_CHUNK_BYTES) {
          yield encoder.encode(text);
          text = '';
        }
      }
      if (text.length > 0) yield encoder.encode(text);
    },
  };
}

/**
 * Labels as an NPY file of int32 (numpy's '<i4', one dimension), in two chunks: the header and
 * the labels' own bytes, never copied.
 */
export function labelsNpyChunks(labels: Int32Array): Uint8Array[] {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${labels.length},), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(head.buffer).setUint16(8, header.length, true);
  head.set(new TextEncoder().encode(header), 10);
  return [head, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength)];
}

/** Rows as CSV text, with an optional header; numbers at full precision. */
export function rowsToCsv(
  rows: readonly (readonly number[])[],
  header?: readonly string[],
): string {
  const lines = header ? [header.join(',')] : [];
  for (const row of rows) lines.push(row.map((v) => String(v)).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes labels (CSV) atomically. */
export async function writeLabels(
  path: string,
  labels: ArrayLike<number>,
  ids?: ArrayLike<string | number>,
): Promise<void> {
  await writeFileAtomic(path, labelsToCsv(labels, ids));
}

/** Centroids as a file's bytes: .npy when the path ends in .npy, else CSV. */
export function centroidsFileData(
  path: string,
  centroids: readonly (readonly number[])[],
): string | Uint8Array {
  if (!/\.npy$/i.test(path)) return rowsToCsv(centroids);
  const cols = centroids[0]?.length ?? 0;
  const matrix: Matrix = {
    data: Float64Array.from(centroids.flat()),
    rows: centroids.length,
    cols,
  };
  return encodeNpy(matrix);
}

/** Writes centroids atomically, as .npy when the path ends in .npy, else CSV. */
export async function writeCentroids(
  path: string,
  centroids: readonly (readonly number[])[],
): Promise<void> {
  await writeFileAtomic(path, centroidsFileData(path, centroids));
}

/** A model's JSON form as a file's text. */
export function modelFileText(model: { toJSON(): unknown }): string {
  return `${JSON.stringify(model.toJSON())}\n`;
}

/** Writes a model's JSON form atomically. */
export async function writeModel(path: string, model: { toJSON(): unknown }): Promise<void> {
  await writeFileAtomic(path, modelFileText(model));
}
