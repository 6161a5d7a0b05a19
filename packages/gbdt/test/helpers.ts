/** A small deterministic generator (mulberry32): the same numbers on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from `rand`. */
export function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Row-major features `rows × cols` of normal draws and labels `signal(row) + noise · N(0, 1)`. */
export function regressionData(rows: number, cols: number, seed: number, noise = 0.5): { features: Float64Array; labels: Float64Array } {
  const gauss = normal(rng(seed));
  const features = new Float64Array(rows * cols);
  for (let i = 0; i < features.length; i++) features[i] = gauss();
  const labels = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = features.subarray(r * cols, (r + 1) * cols);
    labels[r] = x[0]! + Math.sin(2 * x[1]!) + (cols > 3 ? 0.5 * x[2]! * x[3]! : 0) + noise * gauss();
  }
  return { features, labels };
}

/** Mean squared error. */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

/** The error a call throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}

export interface BruteSplit {
  readonly feature: number;
  /** The largest value that goes left. */
  readonly leftMax: number;
  /** The smallest value that goes right. */
  readonly rightMin: number;
  readonly gain: number;
  readonly leftSum: number;
  readonly leftCount: number;
  readonly rightSum: number;
  readonly rightCount: number;
}

/**
 * The best split of `rows` (no NaN) by exhaustive search over every feature and every cut between
 * two distinct values, computing both sides' sums from the rows themselves: the L2 gain
 * `G_L²/(n_L+λ) + G_R²/(n_R+λ) − G²/(n+λ)` with gradients `g`. Ties keep the first found in
 * (feature ascending, cut descending) order.
 */
export function bruteForceSplit(features: Float64Array, cols: number, rows: readonly number[], g: ArrayLike<number>, lambda: number, minData: number): BruteSplit | undefined {
  let total = 0;
  for (const r of rows) total += g[r]!;
  const parent = (total * total) / (rows.length + lambda);
  let best: BruteSplit | undefined;
  for (let f = 0; f < cols; f++) {
    const values = [...new Set(rows.map((r) => features[r * cols + f]!))].sort((a, b) => a - b);
    for (let k = values.length - 2; k >= 0; k--) {
      const cut = values[k]!;
      let ls = 0;
      let lc = 0;
      for (const r of rows) {
        if (features[r * cols + f]! <= cut) {
          ls += g[r]!;
          lc++;
        }
      }
      const rc = rows.length - lc;
      if (lc < minData || rc < minData) continue;
      const rs = total - ls;
      const gain = (ls * ls) / (lc + lambda) + (rs * rs) / (rc + lambda) - parent;
      if (gain > 1e-12 && (!best || gain > best.gain + 1e-12)) {
        best = { feature: f, leftMax: cut, rightMin: values[k + 1]!, gain, leftSum: ls, leftCount: lc, rightSum: rs, rightCount: rc };
      }
    }
  }
  return best;
}
