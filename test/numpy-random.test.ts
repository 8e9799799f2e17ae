import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Random } from '../src/random.js';
import { maxRelativeDifference, readFixture } from './helpers/fixtures.js';

interface StreamCase {
  seed: number;
  kind: string;
  count: number;
  first: number[];
  last: number;
  sha256: string;
  every100: number[] | null;
}

const fixture = readFixture<{ numpy: string; streams: StreamCase[] }>('numpy-random.json');

/** Draws `count` values of one kind, named as the generator script names it. */
function draw(rng: Random, kind: string, count: number): Float64Array {
  const out = new Float64Array(count);
  const randint = /^randint\((\d+)\)$/.exec(kind);
  const permutation = /^permutation\((\d+)\)$/.exec(kind);
  if (randint) {
    const n = Number(randint[1]);
    for (let i = 0; i < count; i++) out[i] = rng.nextInt(n);
  } else if (permutation) {
    const n = Number(permutation[1]);
    for (let i = 0; i < count; i += n) out.set(rng.permutation(n), i);
  } else {
    const next: Record<string, () => number> = {
      uint32: () => rng.nextUint32(),
      randomSample: () => rng.nextFloat(),
      'uniform(-10,10)': () => rng.uniform(-10, 10),
      standardNormal: () => rng.gauss(),
    };
    for (let i = 0; i < count; i++) out[i] = next[kind]();
  }
  return out;
}

describe(`numpy ${fixture.numpy}'s legacy RandomState stream`, () => {
  for (const c of fixture.streams) {
    if (c.kind === 'standardNormal') {
      it(`${c.kind}, seed ${c.seed}: the first ${c.count} draws to 1e-14 (a logarithm each pair)`, () => {
        const values = draw(new Random(c.seed), c.kind, c.count);
        const sampled = [...Array.from(values.subarray(0, c.first.length)), values[c.count - 1]];
        const strided = Array.from(values.filter((_, i) => i % 100 === 0));
        expect(maxRelativeDifference(sampled, [...c.first, c.last])).toBeLessThan(1e-14);
        expect(maxRelativeDifference(strided, c.every100 ?? [])).toBeLessThan(1e-14);
        expect(strided).toHaveLength(c.count / 100);
      });
      continue;
    }
    it(`${c.kind}, seed ${c.seed}: the first ${c.count} draws bit for bit`, () => {
      const values = draw(new Random(c.seed), c.kind, c.count);
      expect(Array.from(values.subarray(0, c.first.length))).toEqual(c.first);
      expect(values[c.count - 1]).toBe(c.last);
      const bytes = new Uint8Array(values.buffer);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(c.sha256);
    });
  }

  it('shuffles any array in place as numpy shuffles a 1-d array', () => {
    const values = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    new Random(0).shuffle(values);
    expect(values).toEqual(Array.from(new Random(0).permutation(10), (i) => 10 + i));
  });

  it('refuses seeds numpy refuses, naming randomState', () => {
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => new Random(bad)).toThrow(
        /^randomState: must be an integer seed in \[0, 2\^32 - 1\]/,
      );
    }
  });

  it("seeds from entropy within numpy's seed range", () => {
    const a = Random.fromEntropy().nextUint32();
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(2 ** 32);
  });
});
