import { dateColumn, numberColumn, stringColumn } from '@factorkit/data';
import { describe, expect, it } from 'vitest';
import { HSI_BETA, HSI_SPEC, HSI_VOL, INDEX_SPECS, generateMarket } from '../src/index.js';

const market = generateMarket({ seed: 3, stocks: 200, years: 2, funds: 0 });
const T = market.truth.dates.length;

/** Close-to-close returns of one index from the written `index_daily` table (the first day against nothing). */
function closes(code: string): { dates: number[]; close: number[]; open: number[]; high: number[]; low: number[] } {
  const t = market.tables.get('index_daily')!;
  const codes = stringColumn(t, 'index_code');
  const dates = dateColumn(t, 'trade_date');
  const [c, o, h, l] = ['close', 'open', 'high', 'low'].map((name) => numberColumn(t, name));
  const out = { dates: [] as number[], close: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[] };
  for (let r = 0; r < t.rowCount; r++) {
    if (codes.dictionary[codes.codes[r]!] !== code) continue;
    out.dates.push(dates[r]!);
    out.close.push(c![r]!);
    out.open.push(o![r]!);
    out.high.push(h![r]!);
    out.low.push(l![r]!);
  }
  return out;
}

const returnsOf = (close: number[]): number[] => close.slice(1).map((v, t) => v / close[t]! - 1);

function correlation(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('the Hang Seng series', () => {
  const hsi = closes(HSI_SPEC.code);

  it('has one row on every trading day, in date order, after the A-share indices', () => {
    expect(hsi.dates).toEqual(Array.from(market.truth.dates));
    const t = market.tables.get('index_daily')!;
    expect(t.rowCount).toBe((INDEX_SPECS.length + 1) * T);
    const codes = stringColumn(t, 'index_code');
    const order = [...new Set(Array.from(codes.codes, (c) => codes.dictionary[c]!))];
    expect(order).toEqual([...INDEX_SPECS.map((s) => s.code), 'HSI']);
  });

  it('keeps open and close inside the day’s range, with positive levels', () => {
    for (let t = 0; t < T; t++) {
      expect(hsi.low[t]!).toBeGreaterThan(0);
      expect(hsi.low[t]!).toBeLessThanOrEqual(Math.min(hsi.open[t]!, hsi.close[t]!));
      expect(hsi.high[t]!).toBeGreaterThanOrEqual(Math.max(hsi.open[t]!, hsi.close[t]!));
    }
  });

  it('loads on the market factor with the documented beta and own volatility (an OLS on the written levels)', () => {
    const y = returnsOf(hsi.close);
    const x = Array.from(market.truth.market).slice(1);
    const n = y.length;
    const mx = x.reduce((a, b) => a + b, 0) / n;
    const my = y.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
    }
    const beta = sxy / sxx;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (y[i]! - my - beta * (x[i]! - mx)) ** 2;
    const residualVol = Math.sqrt(ss / (n - 2));
    // ~480 days: the slope's standard error is about HSI_VOL / (σ_m √n) ≈ 0.03.
    expect(Math.abs(beta - HSI_BETA)).toBeLessThan(0.12);
    expect(Math.abs(residualVol / HSI_VOL - 1)).toBeLessThan(0.1);
  });

  it('is correlated with every A-share index but is none of them', () => {
    const y = returnsOf(hsi.close);
    for (const spec of INDEX_SPECS) {
      const rho = correlation(y, returnsOf(closes(spec.code).close));
      expect(rho, spec.code).toBeGreaterThan(0.3);
      expect(rho, spec.code).toBeLessThan(0.9);
    }
  });

  it('is the same for the same seed and different for another', () => {
    const again = generateMarket({ seed: 3, stocks: 200, years: 2, funds: 0 });
    const other = generateMarket({ seed: 4, stocks: 200, years: 2, funds: 0 });
    const lastClose = (m: typeof market): number => {
      const t = m.tables.get('index_daily')!;
      return numberColumn(t, 'close')[t.rowCount - 1]!;
    };
    expect(lastClose(again)).toBe(lastClose(market));
    expect(lastClose(other)).not.toBe(lastClose(market));
  });
});
