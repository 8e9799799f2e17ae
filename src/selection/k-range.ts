import { ValidationError } from '../errors.js';

/** Validates a k range against the number of rows and lists it. */
export function kRange(kMin: number, kMax: number, rows: number, lowest: number): number[] {
  for (const [name, value] of [
    ['kMin', kMin],
    ['kMax', kMax],
  ] as const) {
    if (!Number.isInteger(value) || value < lowest || value > rows) {
      throw new ValidationError(
        name,
        `must be an integer in [${lowest}, ${rows}] (the number of rows); got ${value}`,
      );
    }
  }
  if (kMin > kMax) throw new ValidationError('kMax', `must be >= kMin (${kMin}); got ${kMax}`);
  return Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);
}
