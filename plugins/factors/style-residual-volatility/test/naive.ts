/**
 * An independent RESVOL on plain arrays (`ret[a][t]`, `cap[a][t]`): per-window loops, the OLS
 * fit by Cramer's rule with explicit residuals, a hand-written z-score. No @factorkit/ops.
 */
export interface NaiveParams {
  readonly window: number;
  readonly minObs: number;
  readonly halfLife: number;
  readonly month: number;
}

export function naiveMarket(ret: readonly (readonly number[])[], cap: readonly (readonly number[])[]): number[] {
  return ret[0]!.map((_, t) => {
    if (t === 0) return Number.NaN;
    let sw = 0;
    let swr = 0;
    ret.forEach((series, a) => {
      const w = cap[a]![t - 1]!;
      if (w > 0 && Number.isFinite(w) && Number.isFinite(series[t]!)) {
        sw += w;
        swr += w * series[t]!;
      }
    });
    return sw > 0 ? swr / sw : Number.NaN;
  });
}

export function naiveDastd(r: readonly number[], t: number, p: NaiveParams): number {
  const xs: [number, number][] = [];
  for (let s = Math.max(0, t - p.window + 1); s <= t; s++) if (Number.isFinite(r[s]!)) xs.push([r[s]!, p.halfLife > 0 ? 0.5 ** ((t - s) / p.halfLife) : 1]);
  if (xs.length < p.minObs) return Number.NaN;
  const sw = xs.reduce((q, [, w]) => q + w, 0);
  const mean = xs.reduce((q, [v, w]) => q + w * v, 0) / sw;
  return Math.sqrt(xs.reduce((q, [v, w]) => q + w * (v - mean) ** 2, 0) / sw);
}

export function naiveCmra(r: readonly number[], t: number, p: NaiveParams): number {
  const span = 12 * p.month;
  const need = Math.min(span, Math.ceil((p.minObs / p.window) * span - 1e-9));
  let present = 0;
  let z = 0;
  let max = -Infinity;
  let min = Infinity;
  // Walk back day by day; after every full month, Z(T) is the log return so far.
  for (let k = 1; k <= span; k++) {
    const s = t - k + 1;
    const v = s >= 0 ? r[s]! : Number.NaN;
    if (!Number.isNaN(v)) {
      if (!(v > -1) || v === Infinity) return Number.NaN;
      z += Math.log(1 + v);
      present++;
    }
    if (k % p.month === 0) {
      max = Math.max(max, z);
      min = Math.min(min, z);
    }
  }
  return present >= need && 1 + min > 0 ? Math.log(1 + max) - Math.log(1 + min) : Number.NaN;
}

export function naiveHsigma(r: readonly number[], m: readonly number[], t: number, p: NaiveParams): number {
  const pairs: [number, number][] = [];
  for (let s = Math.max(0, t - p.window + 1); s <= t; s++) if (Number.isFinite(r[s]!) && Number.isFinite(m[s]!)) pairs.push([m[s]!, r[s]!]);
  if (pairs.length < p.minObs) return Number.NaN;
  let [n, sx, sy, sxx, sxy] = [0, 0, 0, 0, 0];
  for (const [x, y] of pairs) {
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const beta = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const alpha = (sy - beta * sx) / n;
  const ssr = pairs.reduce((q, [x, y]) => q + (y - alpha - beta * x) ** 2, 0);
  return Math.sqrt(ssr / (n - 2));
}

function zscoreColumns(d: number[][]): number[][] {
  const out = d.map((row) => row.map(() => Number.NaN));
  const n = d[0]!.length;
  for (let t = 0; t < n; t++) {
    const xs = d.map((row) => row[t]!).filter(Number.isFinite);
    if (xs.length < 2) continue;
    const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / (xs.length - 1));
    if (!(sd > 0)) continue;
    d.forEach((row, a) => (out[a]![t] = (row[t]! - mean) / sd));
  }
  return out;
}

/** RESVOL for every asset and row. */
export function naiveResvol(ret: readonly (readonly number[])[], cap: readonly (readonly number[])[], p: NaiveParams): number[][] {
  const m = naiveMarket(ret, cap);
  const d = zscoreColumns(ret.map((r) => r.map((_, t) => naiveDastd(r, t, p))));
  const c = zscoreColumns(ret.map((r) => r.map((_, t) => naiveCmra(r, t, p))));
  const h = zscoreColumns(ret.map((r) => r.map((_, t) => naiveHsigma(r, m, t, p))));
  return ret.map((r, a) =>
    r.map((_, t) => {
      if (!Number.isFinite(d[a]![t]!)) return Number.NaN;
      let sum = 0.74 * d[a]![t]!;
      let w = 0.74;
      if (Number.isFinite(c[a]![t]!)) {
        sum += 0.16 * c[a]![t]!;
        w += 0.16;
      }
      if (Number.isFinite(h[a]![t]!)) {
        sum += 0.1 * h[a]![t]!;
        w += 0.1;
      }
      return sum / w;
    }),
  );
}
