/**
 * An independent GROWTH on plain cross-sections: a sorted-array median and MAD, clipping, a
 * hand-written z-score and the mean. No @factorkit/ops.
 */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** One date: MAD-winsorise (k = 0: none), then z-score; `NaN` where the input is not finite. */
export function naiveStandardise(row: readonly number[], k: number): number[] {
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

/** One date: the mean of the standardised descriptors present, NaN without profit growth. */
export function naiveGrowth(profit: readonly number[], revenue: readonly number[] | undefined, k: number): number[] {
  const p = naiveStandardise(profit, k);
  const r = revenue ? naiveStandardise(revenue, k) : undefined;
  return p.map((v, a) => (Number.isNaN(v) ? v : r && Number.isFinite(r[a]!) ? (v + r[a]!) / 2 : v));
}
