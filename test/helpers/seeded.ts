import type { Matrix } from '../../src/index.js';

/** A seeded stream of numbers in [0, 1) (a linear congruential generator): test data that repeats. */
export function seededUniform(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** rows x cols values from `seed`: on a small grid (many exact ties) or spread out. */
export function randomMatrix(
  rows: number,
  cols: number,
  grid: boolean,
  seed: number,
  dtype: 'float32' | 'float64',
): Matrix {
  const next = seededUniform(seed);
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++)
    data[i] = grid ? Math.floor(next() * 5) - 2 : (next() - 0.5) * 50;
  return { data, rows, cols };
}
