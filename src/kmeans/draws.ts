import type { Random } from '../random.js';

/**
 * The random draws of MiniBatchKMeans and BisectingKMeans, one function per numpy call that
 * scikit-learn makes, so that a generator following numpy's legacy stream changes only this file.
 * Every draw goes through the estimator's `Random`.
 */

/** numpy's `randint(0, high, size)`: `size` integers uniform in [0, high), with replacement. */
export function randint(rng: Random, high: number, size: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.nextInt(high);
  return out;
}

/**
 * numpy's `permutation(n)`: 0..n-1 shuffled by Fisher-Yates from the last position down, as
 * numpy's legacy shuffle walks it.
 */
export function permutation(rng: Random, n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const held = order[i];
    order[i] = order[j];
    order[j] = held;
  }
  return order;
}

/**
 * numpy's `choice(n, size, replace=False)` without `p`: the first `size` of a permutation of
 * 0..n-1 (the legacy generator draws the whole permutation).
 */
export function choiceWithoutReplacement(rng: Random, n: number, size: number): Int32Array {
  return permutation(rng, n).slice(0, size);
}
