/**
 * A small, fast, seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) seeded through
 * splitmix32, with Box–Muller normals. Every component of the generator draws from its own
 * stream (`new Rng(seed, STREAM.x)`), so changing how one component consumes numbers never
 * shifts the numbers another component sees.
 */

/** Stream ids: one per generator component. Never renumber: it would change every dataset. */
export const STREAM = {
  universe: 1,
  market: 2,
  daily: 3,
  fundamentals: 4,
  events: 5,
  analysts: 6,
  consensus: 7,
  indexes: 8,
  funds: 9,
  names: 10,
  ipo: 11,
} as const;

const TWO_POW_32 = 4_294_967_296;
const TWO_PI = 2 * Math.PI;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One stream of pseudo-random numbers. Not cryptographic. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = Number.NaN;

  /**
   * @param seed any safe integer (both 32-bit halves are mixed in)
   * @param stream the component's stream id
   */
  constructor(seed: number, stream: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let state = (lo ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1): never exactly 0, so `Math.log(u)` is safe. */
  float(): number {
    return (this.u32() + 0.5) / TWO_POW_32;
  }

  /** Uniform on [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A standard normal deviate (Box–Muller; the second value of each pair is kept). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const value = this.spare;
      this.spare = Number.NaN;
      return value;
    }
    const r = Math.sqrt(-2 * Math.log(this.float()));
    const theta = TWO_PI * this.float();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Student-t deviate with `dof` degrees of freedom, scaled to unit variance (dof > 2). */
  studentT(dof: number): number {
    let chi2 = 0;
    for (let i = 0; i < dof; i++) {
      const z = this.normal();
      chi2 += z * z;
    }
    return (this.normal() / Math.sqrt(chi2 / dof)) * Math.sqrt((dof - 2) / dof);
  }

  /** Exponential deviate with mean 1. */
  exponential(): number {
    return -Math.log(this.float());
  }

  /** Poisson deviate (Knuth; for the small means used here). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** An index drawn with probability proportional to `weights` (given their `total`). */
  weighted(weights: ArrayLike<number>, total: number): number {
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
