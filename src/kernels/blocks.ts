/** The most rows in one block of the cluster sums. */
const MAX_BLOCK_ROWS = 4096;
/** The fewest (below this, one block): tiny data gains nothing from threads. */
const MIN_BLOCK_ROWS = 256;
/** Blocks wanted at least, so threads share a pass evenly (a block is one thread's work). */
const MIN_BLOCKS = 16;

/**
 * Rows per block of the cluster sums for `rows` rows. Every backend sums each block in row order,
 * then adds the blocks in block order, so sums are the same bits whatever the backend or number
 * of threads: the block size depends on the number of rows only. At least 16 blocks up to 65,536
 * rows (MNIST's 10,000 rows were 3 blocks of 4096: two threads split them 2 : 1).
 */
export function sumBlockRows(rows: number): number {
  const even = Math.ceil(rows / MIN_BLOCKS / 16) * 16;
  return Math.min(MAX_BLOCK_ROWS, Math.max(MIN_BLOCK_ROWS, even));
}

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

/**
 * k rounded up to a multiple of four: how many centres' float32 values the kernels lay out per
 * row or panel (four to a SIMD vector, the rest padding), for the panels and Elkan's bounds.
 */
export function paddedClusters(k: number): number {
  return Math.ceil(k / 4) * 4;
}
