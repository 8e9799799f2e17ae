/**
 * Writes the Ray bench's data: ROWS x 128 float32 blobs as SHARDS NPY shards (first rows from
 * `lloyd blocks`: whole blocks each), their concatenation whole.npy, and c0.npy, the first 64
 * rows as the initial centres. Each shard is makeBlobs's 64 blobs for its own seed.
 *
 * usage: tsx bench/ray-shards.ts FOLDER ROWS SHARDS
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, makeBlobs } from '../src/index.js';
import { sumBlockRows } from '../src/kernels/blocks.js';

const [folder, rowsArg, shardsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const shards = Number(shardsArg);
const cols = 128;
const k = 64;
mkdirSync(folder, { recursive: true });
const blockRows = sumBlockRows(rows);
const blocks = Math.ceil(rows / blockRows);
const firsts = Array.from(
  { length: shards },
  (_, s) => Math.floor((s * blocks) / shards) * blockRows,
);

let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
header += `${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
const head = Buffer.alloc(10 + header.length);
head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
head.writeUInt16LE(header.length, 8);
head.write(header, 10, 'latin1');
const whole = openSync(join(folder, 'whole.npy'), 'w');
writeSync(whole, head);
firsts.forEach((first, s) => {
  const end = firsts[s + 1] ?? rows;
  const { X } = makeBlobs({ nSamples: end - first, nFeatures: cols, centers: k, randomState: s });
  const data = Float32Array.from(X.data);
  writeFileSync(join(folder, `shard${s}.npy`), encodeNpy({ data, rows: end - first, cols }));
  writeSync(whole, new Uint8Array(data.buffer));
  if (s === 0)
    writeFileSync(
      join(folder, 'c0.npy'),
      encodeNpy({ data: Float64Array.from(data.subarray(0, k * cols)), rows: k, cols }),
    );
});
closeSync(whole);
process.stdout.write(`${JSON.stringify({ rows, shards, firsts })}\n`);
