/**
 * Rows per block of the cluster sums. Every backend sums each block in row order, then adds the
 * blocks in block order, so sums are the same bits whatever the backend or number of threads.
 */
export const SUM_BLOCK_ROWS = 4096;

/** Adds `blocks` partial results of `length` values (laid end to end in `partials`) in block order. */
export function reduceBlocks(
  partials: Float64Array,
  blocks: number,
  length: number,
  out: Float64Array,
): void {
  out.fill(0, 0, length);
  for (let b = 0; b < blocks; b++) {
    const offset = b * length;
    for (let t = 0; t < length; t++) out[t] += partials[offset + t];
  }
}
