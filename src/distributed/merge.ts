/**
 * The reduce of a distributed fit: partials merge into one whose bits do not depend on how they
 * were grouped or ordered.
 */

import { ValidationError } from '../errors.js';
import { compareFar, type PassPartial, sameRelocations } from './format.js';

/**
 * The union of partials of one pass. Blocks stay unreduced, keyed by their index in the whole
 * matrix, so the update folds them in block order whatever the grouping; the changed counts
 * add up (whole numbers: exact); the farthest rows are the k first of all in one total order
 * (distance, then row). So merge(merge(a, b), c), merge(a, merge(b, c)) and merge(c, b, a) are
 * the same bits. Partials of different passes (kind, k, d, rows, centres' fingerprint, or
 * relocation plan) or holding one block twice are an error.
 */
export function mergePartials(parts: readonly PassPartial[]): PassPartial {
  if (parts.length === 0) throw new ValidationError('partials', 'nothing to merge');
  const first = parts[0];
  const { k, d } = first;
  for (const [i, p] of parts.entries()) {
    const differs = (what: string, a: unknown, b: unknown) => {
      if (a !== b)
        throw new ValidationError(
          'partials',
          `partial ${i + 1} is of another pass: its ${what} is ${b}, partial 1's is ${a}`,
        );
    };
    differs('kind', first.kind, p.kind);
    differs('k', k, p.k);
    differs('d', d, p.d);
    differs('row count', first.totalRows, p.totalRows);
    differs('block rows', first.blockRows, p.blockRows);
    differs('centres fingerprint', first.fingerprint, p.fingerprint);
    if (!sameRelocations(first.relocations, p.relocations))
      throw new ValidationError(
        'partials',
        `partial ${i + 1} is of another pass: its relocation plan differs from partial 1's`,
      );
  }
  // Every block once, in block order.
  const owner = new Map<number, { part: PassPartial; at: number; index: number }>();
  for (const [index, part] of parts.entries()) {
    part.blocks.forEach((block, at) => {
      const seen = owner.get(block);
      if (seen)
        throw new ValidationError(
          'partials',
          `block ${block} (rows from ${block * first.blockRows}) is in partials ${seen.index + 1} and ${index + 1}; each shard may be merged once`,
        );
      owner.set(block, { part, at, index });
    });
  }
  const blocks = Uint32Array.from([...owner.keys()].sort((a, b) => a - b));
  const sums = new Float64Array(blocks.length * k * d);
  const weights = new Float64Array(blocks.length * k);
  const inertia = new Float64Array(blocks.length * 2);
  blocks.forEach((block, i) => {
    const found = owner.get(block);
    if (!found) return;
    const { part, at } = found;
    sums.set(part.sums.subarray(at * k * d, (at + 1) * k * d), i * k * d);
    weights.set(part.weights.subarray(at * k, (at + 1) * k), i * k);
    inertia.set(part.inertia.subarray(at * 2, at * 2 + 2), i * 2);
  });
  const farthest = parts
    .flatMap((p) => p.farthest)
    .sort(compareFar)
    .slice(0, k)
    .map((far) => ({ ...far }));
  let changed = 0;
  for (const p of parts) changed += p.changed;
  return {
    kind: first.kind,
    k,
    d,
    totalRows: first.totalRows,
    blockRows: first.blockRows,
    fingerprint: first.fingerprint,
    blocks,
    sums,
    weights,
    inertia,
    changed,
    farthest,
    relocations: first.relocations.map(({ cluster, row }) => ({ cluster, row })),
  };
}
