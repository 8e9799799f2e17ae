/** A seeded stream of numbers in [0, 1) (a linear congruential generator): test data that repeats. */
export function seededUniform(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}
