import { describeValue, ValidationError } from './errors.js';

/** Words of MT19937's state. */
const STATE_WORDS = 624;
/** MT19937's middle word offset. */
const SHIFT = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;

/** The largest seed numpy's `RandomState(seed)` accepts (seeds are 0 to 2^32 - 1). */
export const MAX_SEED = TWO_POW_32 - 1;

/**
 * `value` when it is a seed numpy accepts, an integer in [0, 2^32 - 1]; else a
 * {@link ValidationError} naming `parameter`.
 */
export function checkSeed(parameter: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw new ValidationError(
      parameter,
      `must be an integer seed in [0, 2^32 - 1] (as numpy's RandomState takes) or undefined; got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * numpy's legacy `RandomState` stream, bit for bit: MT19937 seeded as `np.random.RandomState(seed)`
 * seeds it for an integer seed (Matsumoto and Nishimura's init_genrand), and every draw made as
 * numpy 1.17+ makes it for RandomState (so scikit-learn's `random_state=seed` draws). Only 32-bit
 * integer arithmetic and correctly rounded double operations are used, so a seed gives the same
 * stream on every platform, engine and thread count. One exception: {@link gauss} takes a
 * logarithm, which engines round within an ulp, so normal draws agree with numpy to about 1e-15.
 */
export class Random {
  private readonly key = new Uint32Array(STATE_WORDS);
  private position = STATE_WORDS;
  /** The second normal of the last polar pair, kept for the next call as numpy keeps it. */
  private cachedGauss: number | undefined;

  /** `seed`: an integer in [0, 2^32 - 1], as `np.random.RandomState(seed)` takes. */
  constructor(seed: number) {
    let s = checkSeed('randomState', seed) >>> 0;
    const key = this.key;
    for (let i = 0; i < STATE_WORDS; i++) {
      key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  /** A generator seeded from the platform's secure random source (a 32-bit seed, as numpy's range). */
  static fromEntropy(): Random {
    const words = new Uint32Array(1);
    globalThis.crypto.getRandomValues(words);
    return new Random(words[0]);
  }

  /** The stream seeded by `seed`, or one seeded from entropy when `seed` is undefined. */
  static fromSeed(seed: number | undefined): Random {
    return seed === undefined ? Random.fromEntropy() : new Random(seed);
  }

  /** Refills the state: MT19937's twist of all 624 words. */
  private twist(): void {
    const key = this.key;
    const mix = (i: number, next: number, far: number) => {
      const y = (key[i] & UPPER_MASK) | (key[next] & LOWER_MASK);
      key[i] = key[far] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    };
    let i = 0;
    for (; i < STATE_WORDS - SHIFT; i++) mix(i, i + 1, i + SHIFT);
    for (; i < STATE_WORDS - 1; i++) mix(i, i + 1, i + SHIFT - STATE_WORDS);
    mix(STATE_WORDS - 1, 0, SHIFT - 1);
    this.position = 0;
  }

  /** The next 32 random bits as an unsigned integer (MT19937's tempered output). */
  nextUint32(): number {
    if (this.position === STATE_WORDS) this.twist();
    let y = this.key[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double uniform in [0, 1) from two words, 27 + 26 bits: numpy's `random_sample()`. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** `low + (high - low) x random_sample()`: numpy's `uniform(low, high)`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  /**
   * An integer uniform in [0, n): numpy's legacy `randint(n)`, by masked rejection (draws masked
   * to the smallest all-ones mask >= n - 1 until one is <= n - 1; none for n = 1). `n` is an
   * integer in [1, 2^53].
   */
  nextInt(n: number): number {
    return this.interval(n - 1);
  }

  /**
   * An integer uniform in [0, max], by masked rejection on 32-bit draws (64-bit draws, high word
   * first, past 2^32 - 1): numpy's `random_interval`, which its legacy shuffle uses; legacy
   * `randint(max + 1)` draws the same.
   */
  interval(max: number): number {
    if (max <= 0) return 0;
    if (max <= MAX_SEED) {
      const mask = allOnesAtLeast(max);
      let value = (this.nextUint32() & mask) >>> 0;
      while (value > max) value = (this.nextUint32() & mask) >>> 0;
      return value;
    }
    const highMask = allOnesAtLeast(Math.floor(max / TWO_POW_32));
    for (;;) {
      const high = (this.nextUint32() & highMask) >>> 0;
      const value = high * TWO_POW_32 + this.nextUint32();
      if (value <= max) return value;
    }
  }

  /**
   * Shuffles `values` in place as numpy's legacy `shuffle` does a 1-d array: for i from the end
   * down to 1, swap i with `interval(i)`.
   */
  shuffle<T extends { length: number; [index: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    return values;
  }

  /** 0..n-1 shuffled: numpy's legacy `permutation(n)`. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /**
   * A standard normal draw by the polar method, as numpy's legacy `standard_normal` /
   * `legacy_gauss`: each pair of accepted uniforms gives two normals, the second kept for the
   * next call.
   */
  gauss(): number {
    if (this.cachedGauss !== undefined) {
      const kept = this.cachedGauss;
      this.cachedGauss = undefined;
      return kept;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextFloat() - 1;
      x2 = 2 * this.nextFloat() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.cachedGauss = f * x1;
    return f * x2;
  }

  /** `loc + scale x gauss()`: numpy's legacy `normal(loc, scale)`. */
  normal(loc: number, scale: number): number {
    return loc + scale * this.gauss();
  }
}

/** The smallest 2^b - 1 >= value, for 0 < value < 2^32. */
function allOnesAtLeast(value: number): number {
  let mask = value >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
