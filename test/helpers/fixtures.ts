import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a committed JSON fixture from test/fixtures. */
export function readFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Relative difference in the max norm: max |a - b| / max |b|. Entries near zero are judged
 * against the size of the whole array, as rounding noise there is of that size.
 */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? worst : worst / scale;
}
