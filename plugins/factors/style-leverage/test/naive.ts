/**
 * An independent LEVERAGE on one cross-section of plain numbers: the three ratios, a
 * sorted-array MAD clip, a hand-written z-score and the weighted mean. No @factorkit/ops.
 */
export interface Balance {
  readonly liab: number;
  readonly assets: number;
  readonly equity: number;
  readonly cap: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function standardise(row: readonly number[], k: number): number[] {
  const idx = row.flatMap((v, a) => (Number.isFinite(v) ? [a] : []));
  let xs = idx.map((a) => row[a]!);
  if (k > 0 && xs.length > 0) {
    const med = median(xs);
    const mad = median(xs.map((v) => Math.abs(v - med)));
    if (mad > 0) xs = xs.map((v) => Math.min(med + k * 1.4826 * mad, Math.max(med - k * 1.4826 * mad, v)));
  }
  const out = row.map(() => Number.NaN);
  if (xs.length < 2) return out;
  const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / (xs.length - 1));
  if (!(sd > 0)) return out;
  idx.forEach((a, i) => (out[a] = (xs[i]! - mean) / sd));
  return out;
}

const pos = (x: number) => Number.isFinite(x) && x > 0;

export function naiveLeverage(rows: readonly Balance[], k = 5): number[] {
  const valid = (b: Balance) => Number.isFinite(b.liab) && b.liab >= 0;
  const mlev = standardise(rows.map((b) => (valid(b) && pos(b.cap) ? (b.cap + b.liab) / b.cap : Number.NaN)), k);
  const dtoa = standardise(rows.map((b) => (valid(b) && pos(b.assets) ? b.liab / b.assets : Number.NaN)), k);
  const blev = standardise(rows.map((b) => (valid(b) && pos(b.equity) ? (b.equity + b.liab) / b.equity : Number.NaN)), k);
  return rows.map((_, a) => {
    let sum = 0;
    let w = 0;
    for (const [z, weight] of [
      [mlev[a]!, 0.38],
      [dtoa[a]!, 0.35],
      [blev[a]!, 0.27],
    ] as const) {
      if (Number.isFinite(z)) {
        sum += weight * z;
        w += weight;
      }
    }
    return w > 0 ? sum / w : Number.NaN;
  });
}
