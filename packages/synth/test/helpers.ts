/**
 * Test-side computations, written independently of the generator: they read only the dataset
 * tables, the way a pipeline would.
 */
import { type Table, dateColumn, numberColumn, stringColumn } from '@factorkit/data';

/** Daily columns as date × stock panels (stock-major: `values[s × T + t]`, NaN = no row). */
export interface Panels {
  readonly dates: Int32Array;
  readonly codes: readonly string[];
  readonly T: number;
  readonly S: number;
  field(name: string): Float64Array;
}

export function panels(tables: Map<string, Table>): Panels {
  const dates = dateColumn(tables.get('calendar')!, 'trade_date');
  const daily = tables.get('daily')!;
  const code = stringColumn(daily, 'ts_code');
  const tradeDate = dateColumn(daily, 'trade_date');
  const T = dates.length;
  const S = code.dictionary.length;
  const dayOf = new Map<number, number>();
  dates.forEach((d, t) => dayOf.set(d, t));
  const cells = new Int32Array(daily.rowCount);
  for (let r = 0; r < daily.rowCount; r++) cells[r] = code.codes[r]! * T + dayOf.get(tradeDate[r]!)!;
  const cache = new Map<string, Float64Array>();
  return {
    dates,
    codes: code.dictionary,
    T,
    S,
    field(name: string): Float64Array {
      let out = cache.get(name);
      if (!out) {
        const values = numberColumn(daily, name);
        out = new Float64Array(S * T).fill(Number.NaN);
        for (let r = 0; r < daily.rowCount; r++) out[cells[r]!] = values[r]!;
        cache.set(name, out);
      }
      return out;
    },
  };
}

/** Indices of the last trading day of each month. */
export function monthEnds(dates: Int32Array): number[] {
  const out: number[] = [];
  for (let t = 0; t < dates.length; t++) {
    if (t === dates.length - 1 || Math.floor(dates[t + 1]! / 100) !== Math.floor(dates[t]! / 100)) out.push(t);
  }
  return out;
}

/** Average ranks (1-based) of the finite values; ties share their mean rank. */
function ranks(values: number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman rank correlation of paired finite values. */
export function spearman(x: number[], y: number[]): number {
  const rx = ranks(x);
  const ry = ranks(y);
  const n = x.length;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = rx[i]! - mean;
    const b = ry[i]! - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Compounded return of stock s over days (from, to] from pct_chg; NaN when a day has no row. */
export function forwardReturn(pct: Float64Array, T: number, s: number, from: number, to: number): number {
  let g = 1;
  for (let t = from + 1; t <= to; t++) {
    const p = pct[s * T + t]!;
    if (Number.isNaN(p)) return Number.NaN;
    g *= 1 + p / 100;
  }
  return g - 1;
}

/** Monthly cross-sectional rank ICs of `factor(s, t)` (at month end t) against the next month's return. */
export function monthlyIc(p: Panels, factor: (s: number, t: number) => number, options: { minStocks?: number } = {}): number[] {
  const pct = p.field('pct_chg');
  const trading = p.field('is_trading');
  const ends = monthEnds(p.dates);
  const ics: number[] = [];
  for (let m = 0; m + 1 < ends.length; m++) {
    const t = ends[m]!;
    const next = ends[m + 1]!;
    const x: number[] = [];
    const y: number[] = [];
    for (let s = 0; s < p.S; s++) {
      if (trading[s * p.T + t] !== 1) continue;
      const f = factor(s, t);
      const r = forwardReturn(pct, p.T, s, t, next);
      if (Number.isFinite(f) && Number.isFinite(r)) {
        x.push(f);
        y.push(r);
      }
    }
    if (x.length >= (options.minStocks ?? 30)) ics.push(spearman(x, y));
  }
  return ics;
}

/** Mean, and t-statistic of the mean. */
export function meanT(values: number[]): { mean: number; t: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, t: (mean / sd) * Math.sqrt(n), n };
}

/** One-year momentum skipping a month: Π(1 + r) over rows t−249 … t−20, minus 1 (≥ 184 rows). */
export function momentum(pct: Float64Array, T: number, s: number, t: number): number {
  let g = 1;
  let n = 0;
  for (let d = Math.max(0, t - 249); d <= t - 20; d++) {
    const v = pct[s * T + d]!;
    if (Number.isNaN(v)) continue;
    g *= 1 + v / 100;
    n++;
  }
  return n >= 184 ? g - 1 : Number.NaN;
}

/** Compounded return over the last `window` rows up to t (≥ 80 % of them). */
export function pastReturn(pct: Float64Array, T: number, s: number, t: number, window: number): number {
  let g = 1;
  let n = 0;
  for (let d = Math.max(0, t - window + 1); d <= t; d++) {
    const v = pct[s * T + d]!;
    if (Number.isNaN(v)) continue;
    g *= 1 + v / 100;
    n++;
  }
  return n >= 0.8 * window ? g - 1 : Number.NaN;
}

/** FNV-1a hash of a typed array's bytes (or of a string column's codes and dictionary). */
export function hashBytes(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** A hash of every column of every table. */
export function hashTables(tables: Map<string, Table>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, table] of tables) {
    for (const [col, column] of table.columns) {
      let h: number;
      if (column.type === 'string') {
        h = hashBytes(new Uint8Array(column.codes.buffer, column.codes.byteOffset, column.codes.byteLength));
        h = hashBytes(new TextEncoder().encode(column.dictionary.join('\u0000')), h);
      } else h = hashBytes(new Uint8Array(column.values.buffer, column.values.byteOffset, column.values.byteLength));
      out[`${name}.${col}`] = h;
    }
  }
  return out;
}
