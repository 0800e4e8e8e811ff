/**
 * A small seeded generator for synthetic data: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, passes PractRand), seeded per subject so that any range of subjects can
 * be generated on its own and the result never depends on how the range was split.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private counter = 1;

  private constructor(a: number, b: number, c: number) {
    this.a = a;
    this.b = b;
    this.c = c;
    // The first outputs of a freshly seeded sfc32 still resemble its seed.
    for (let i = 0; i < 12; i += 1) {
      this.uint32();
    }
  }

  /** The stream of one subject: a function of the population seed and the subject's index. */
  static forSubject(seed: number, index: number): Random {
    assertSeed(seed);
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new TypeError(`A subject index must be a non-negative safe integer, got ${index}`);
    }
    const low = index >>> 0;
    const high = Math.floor(index / 0x1_0000_0000) >>> 0;
    // The raw index sits in the state itself, so no two subjects share a starting state.
    return new Random(mix32(seed ^ 0x9e37_79b9), low, mix32(high ^ mix32(seed + low)));
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A uniform element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An index drawn with the given cumulative weights (see `cumulative`). */
  weighted(cumulativeWeights: readonly number[]): number {
    const target = this.next() * (cumulativeWeights.at(-1) ?? 0);
    let low = 0;
    let high = cumulativeWeights.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulativeWeights[middle] ?? 0) > target) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  /** A standard normal draw (Box–Muller; the second value is dropped to keep streams simple). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A Poisson draw (Knuth's method: the rates here are small). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count += 1;
      product *= this.next();
    }
    return count;
  }

  /** An exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/** Running sums of weights, for `Random.weighted`. */
export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((weight) => (sum += weight));
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Throws a TypeError unless `seed` is an integer from 0 to 2^32 − 1. */
export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new TypeError(`A seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
}
