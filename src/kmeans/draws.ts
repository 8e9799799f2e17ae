import type { Random } from '../random.js';

/**
 * The random draws of MiniBatchKMeans and BisectingKMeans, one function per numpy call that
 * scikit-learn makes, consuming `Random` (numpy's legacy RandomState stream) as numpy does.
 */

/**
 * numpy's legacy `randint(0, high, size)`: `size` integers uniform in [0, high), with
 * replacement, each by masked rejection as `Random.nextInt` draws it.
 */
export function randint(rng: Random, high: number, size: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.nextInt(high);
  return out;
}

/** numpy's legacy `permutation(n)`: 0..n-1 shuffled. */
export function permutation(rng: Random, n: number): Int32Array {
  return rng.permutation(n);
}

/**
 * numpy's `choice(n, size, replace=False)` without `p`: the first `size` of a permutation of
 * 0..n-1 (the legacy generator draws the whole permutation).
 */
export function choiceWithoutReplacement(rng: Random, n: number, size: number): Int32Array {
  return permutation(rng, n).slice(0, size);
}
