/**
 * A small, fast, seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) seeded through
 * splitmix32, with ziggurat normals. Every component of the generator draws from its own
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
  hsi: 12,
} as const;

const TWO_POW_32 = 4_294_967_296;

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers) for standard normals.
const ZIG_R = 3.442619855899;
const ZK = new Float64Array(128);
const ZW = new Float64Array(128);
const ZF = new Float64Array(128);
{
  const m1 = 2_147_483_648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZK[0] = Math.floor((dn / q) * m1);
  ZK[1] = 0;
  ZW[0] = q / m1;
  ZW[127] = dn / m1;
  ZF[0] = 1;
  ZF[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZK[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    ZF[i] = Math.exp(-0.5 * dn * dn);
    ZW[i] = dn / m1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One stream of pseudo-random numbers. Not cryptographic. */
export class Rng {
  /** xoshiro128** state; a typed array keeps the 32-bit words unboxed. */
  private readonly s = new Int32Array(4);

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
    const s = this.s;
    s[0] = splitmix32();
    s[1] = splitmix32();
    s[2] = splitmix32();
    s[3] = splitmix32();
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]! ^ a;
    const d = s[3]! ^ b;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    s[0] = a ^ d;
    s[1] = b ^ c;
    s[2] = c ^ (b << 9);
    s[3] = rotl(d, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1): never exactly 0, so `Math.log(u)` is safe. */
  float(): number {
    return (this.u32() + 0.5) / TWO_POW_32;
  }

  /** Fill `out[0 … n)` with uniforms on (0, 1), in the order `float()` would give them. */
  fillUniform(out: Float64Array, n: number): void {
    const s = this.s;
    let a = s[0]!;
    let b = s[1]!;
    let c = s[2]!;
    let d = s[3]!;
    for (let k = 0; k < n; k++) {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      c ^= a;
      d ^= b;
      const t = b << 9;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      out[k] = (result + 0.5) / TWO_POW_32;
    }
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
  }

  /** Fill `out[0 … n)` with standard normals, as `normal()` would give them. */
  fillNormal(out: Float64Array, n: number): void {
    const s = this.s;
    let a = s[0]!;
    let b = s[1]!;
    let c = s[2]!;
    let d = s[3]!;
    for (let k = 0; k < n; k++) {
      const hz = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      c ^= a;
      d ^= b;
      const t = b << 9;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const iz = hz & 127;
      if (Math.abs(hz) < ZK[iz]!) out[k] = hz * ZW[iz]!;
      else {
        // Rare slow path: hand the state back to the generator for it.
        s[0] = a;
        s[1] = b;
        s[2] = c;
        s[3] = d;
        out[k] = this.normalTail(hz, iz);
        a = s[0]!;
        b = s[1]!;
        c = s[2]!;
        d = s[3]!;
      }
    }
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
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

  /** A standard normal deviate (ziggurat; the layer from the low 7 bits, the value from all 32). */
  normal(): number {
    const hz = this.u32() | 0;
    const iz = hz & 127;
    return Math.abs(hz) < ZK[iz]! ? hz * ZW[iz]! : this.normalTail(hz, iz);
  }

  /** The ziggurat's slow path: the wedges and the tail beyond `ZIG_R`. */
  private normalTail(hz0: number, iz0: number): number {
    let hz = hz0;
    let iz = iz0;
    for (;;) {
      const x = hz * ZW[iz]!;
      if (iz === 0) {
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log(this.float()) / ZIG_R;
          ty = -Math.log(this.float());
        } while (ty + ty < tx * tx);
        return hz > 0 ? ZIG_R + tx : -ZIG_R - tx;
      }
      if (ZF[iz]! + this.float() * (ZF[iz - 1]! - ZF[iz]!) < Math.exp(-0.5 * x * x)) return x;
      hz = this.u32() | 0;
      iz = hz & 127;
      if (Math.abs(hz) < ZK[iz]!) return hz * ZW[iz]!;
    }
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
