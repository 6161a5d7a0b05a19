/**
 * An independent LIQUIDTY: per-window loops over plain arrays, a hand-written z-score and the
 * weighted combination, written without @factorkit/ops. `turnover[a][t]`.
 */
export function naiveLiquidity(turnover: readonly (readonly number[])[], month: number, minCoverage = 0.8): number[][] {
  const assets = turnover.length;
  const n = turnover[0]!.length;
  const descriptor = (months: number): number[][] => {
    const days = months * month;
    const need = Math.ceil(minCoverage * days - 1e-9);
    return turnover.map((series) =>
      series.map((_, t) => {
        let sum = 0;
        let count = 0;
        for (let s = Math.max(0, t - days + 1); s <= t; s++) {
          if (Number.isFinite(series[s]!)) {
            sum += series[s]!;
            count++;
          }
        }
        // Σ over the month-equivalent: with a full window this is ln(Σ τ / months).
        return count >= need && sum > 0 ? Math.log((sum / count) * month) : Number.NaN;
      }),
    );
  };
  const z = (d: number[][]): number[][] => {
    const out = d.map((row) => row.map(() => Number.NaN));
    for (let t = 0; t < n; t++) {
      const xs: number[] = [];
      for (let a = 0; a < assets; a++) if (Number.isFinite(d[a]![t]!)) xs.push(d[a]![t]!);
      if (xs.length < 2) continue;
      const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / (xs.length - 1));
      if (!(sd > 0)) continue;
      for (let a = 0; a < assets; a++) out[a]![t] = (d[a]![t]! - mean) / sd;
    }
    return out;
  };
  const [m, q, y] = [z(descriptor(1)), z(descriptor(3)), z(descriptor(12))];
  return turnover.map((_, a) =>
    turnover[a]!.map((__, t) => {
      if (!Number.isFinite(m[a]![t]!)) return Number.NaN;
      let sum = 0.35 * m[a]![t]!;
      let w = 0.35;
      if (Number.isFinite(q[a]![t]!)) {
        sum += 0.35 * q[a]![t]!;
        w += 0.35;
      }
      if (Number.isFinite(y[a]![t]!)) {
        sum += 0.3 * y[a]![t]!;
        w += 0.3;
      }
      return sum / w;
    }),
  );
}
