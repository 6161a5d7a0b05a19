/**
 * Factors the kit's own tests run through it: correct ones that must pass every check, and
 * deliberately broken ones, each breaking exactly one rule.
 */
import { FIELD, type FactorPlugin, Panel, defineFactor, param } from '@factorkit/core';

const base = { apiVersion: '1.0', direction: 1 } as const;

/** Sum of `ret` over the last `window` days, `NaN` when any of them is missing. Lookback `window − 1`, exactly what it needs. */
export const retSum = defineFactor({
  ...base,
  id: 'ret_sum',
  meta: {
    description: 'Sum of the daily returns over the last `window` days; NaN when any is missing.',
    category: 'momentum',
    inputs: [{ field: FIELD.ret, kind: 'market' }],
    lookback: (p) => p.window - 1,
    direction: 1,
    params: { window: param.integer({ default: 3, min: 1 }) },
  },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets);
    const { window } = ctx.params;
    for (let a = 0; a < ret.assets; a++) {
      for (let t = window - 1; t < ret.dates; t++) {
        let sum = 0;
        for (let s = t - window + 1; s <= t; s++) sum += ret.get(s, a);
        out.set(t, a, sum);
      }
    }
    return out;
  },
});

/**
 * Cross-sectional z-score of a `window`-day return sum that skips missing days (at least 3
 * present), over the assets with a value (at least 3): a correct factor with cross-sectional
 * normalisation, which one asset's missing data legitimately changes but never poisons.
 */
export const zMomentum = defineFactor({
  ...base,
  id: 'z_momentum',
  meta: {
    description: 'Cross-sectional z-score of the sum of the last `window` daily returns (missing days skipped, 3 needed).',
    category: 'momentum',
    inputs: [{ field: FIELD.ret }],
    lookback: (p) => p.window - 1,
    direction: 1,
    params: { window: param.integer({ default: 5, min: 3 }) },
  },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    const raw = new Panel(ret.dates, ret.assets);
    const { window } = ctx.params;
    for (let a = 0; a < ret.assets; a++) {
      for (let t = 0; t < ret.dates; t++) {
        let sum = 0;
        let count = 0;
        for (let s = Math.max(0, t - window + 1); s <= t; s++) {
          const r = ret.get(s, a);
          if (!Number.isNaN(r)) {
            sum += r;
            count++;
          }
        }
        if (count >= 3) raw.set(t, a, sum);
      }
    }
    return zScoreRows(raw);
  },
});

function zScoreRows(raw: Panel): Panel {
  const out = new Panel(raw.dates, raw.assets);
  for (let t = 0; t < raw.dates; t++) {
    const row = Array.from(raw.row(t));
    const finite = row.filter(Number.isFinite);
    if (finite.length < 3) continue;
    const mean = finite.reduce((x, y) => x + y, 0) / finite.length;
    const sd = Math.sqrt(finite.reduce((x, y) => x + (y - mean) ** 2, 0) / finite.length);
    if (!(sd > 0)) continue;
    row.forEach((v, a) => out.set(t, a, Number.isFinite(v) ? (v - mean) / sd : Number.NaN));
  }
  return out;
}

/**
 * Industry-demeaned earnings yield: `net_profit_ttm` (known the day after announcement) over
 * `market_cap`, minus the mean of the asset's industry that day. Reads a fundamental, a market
 * field and a categorical field.
 */
export const industryEp = defineFactor({
  ...base,
  id: 'industry_ep',
  meta: {
    description: 'TTM net profit / market cap, demeaned within the level-1 industry each day.',
    category: 'value',
    inputs: [
      { field: 'net_profit_ttm', kind: 'fundamental', lag: 1 },
      { field: FIELD.marketCap, kind: 'market' },
      { field: FIELD.industry, kind: 'categorical' },
    ],
    lookback: 0,
    direction: 1,
    params: {},
  },
  compute(ctx) {
    const profit = ctx.input('net_profit_ttm');
    const cap = ctx.input(FIELD.marketCap);
    const industry = ctx.categorical(FIELD.industry);
    const out = new Panel(cap.dates, cap.assets);
    for (let t = 0; t < cap.dates; t++) {
      const sums = new Map<number, { sum: number; count: number }>();
      const ep = new Float64Array(cap.assets).fill(Number.NaN);
      for (let a = 0; a < cap.assets; a++) {
        const code = industry.codes[a * industry.dates + t]!;
        const value = profit.get(t, a) / cap.get(t, a);
        if (code < 0 || !Number.isFinite(value)) continue;
        ep[a] = value;
        const group = sums.get(code) ?? { sum: 0, count: 0 };
        group.sum += value;
        group.count++;
        sums.set(code, group);
      }
      for (let a = 0; a < cap.assets; a++) {
        const group = sums.get(industry.codes[a * industry.dates + t]!);
        if (group && Number.isFinite(ep[a])) out.set(t, a, ep[a]! - group.sum / group.count);
      }
    }
    return out;
  },
});

/**
 * BROKEN (look-ahead through a cache): remembers every close it has seen, keyed by asset and
 * date, the first value winning, and gives tomorrow's return from it. In one run on full data it
 * simply reads tomorrow; after a larger run, even a run that ends today gets tomorrow from the
 * cache. A fresh cache per call of `makePeeker`.
 */
export function makePeeker(): FactorPlugin {
  const seen = new Map<string, number>();
  const dates = new Set<string>();
  return defineFactor({
    ...base,
    id: 'peeker',
    meta: { description: 'Tomorrow’s return, from a cache kept between calls (cheats).', category: 'other', inputs: [{ field: FIELD.close }], lookback: 0, direction: 1, params: {} },
    compute(ctx) {
      const close = ctx.input(FIELD.close);
      const { assets, calendar } = ctx.data;
      for (let a = 0; a < close.assets; a++) {
        for (let t = 0; t < close.dates; t++) {
          const key = `${assets[a]!}|${calendar.dates[t]!}`;
          if (!seen.has(key)) seen.set(key, close.get(t, a));
          dates.add(calendar.dates[t]!);
        }
      }
      const sorted = [...dates].sort();
      const next = new Map(sorted.map((d, i) => [d, sorted[i + 1]]));
      const out = new Panel(close.dates, close.assets);
      for (let a = 0; a < close.assets; a++) {
        for (let t = 0; t < close.dates; t++) {
          const tomorrow = next.get(calendar.dates[t]!);
          const later = tomorrow === undefined ? undefined : seen.get(`${assets[a]!}|${tomorrow}`);
          out.set(t, a, later === undefined ? Number.NaN : later / close.get(t, a) - 1);
        }
      }
      return out;
    },
  });
}

/** BROKEN (lookback): a 10-day mean that needs all 10 returns, declaring a lookback of 5. */
export const shortLookback = defineFactor({
  ...base,
  id: 'short_lookback',
  meta: { description: '10-day mean return, declared with too short a lookback.', category: 'momentum', inputs: [{ field: FIELD.ret }], lookback: 5, direction: 1, params: {} },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets);
    for (let a = 0; a < ret.assets; a++) {
      for (let t = 9; t < ret.dates; t++) {
        let sum = 0;
        for (let s = t - 9; s <= t; s++) sum += ret.get(s, a);
        out.set(t, a, sum / 10);
      }
    }
    return out;
  },
});

/** BROKEN (short history): mean / standard deviation of the returns available in the last 20 days; one return gives ±Infinity. */
export const sharpeFromOne = defineFactor({
  ...base,
  id: 'sharpe_from_one',
  meta: { description: '20-day return / volatility over whatever returns there are.', category: 'momentum', inputs: [{ field: FIELD.ret }], lookback: 19, direction: 1, params: {} },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets);
    for (let a = 0; a < ret.assets; a++) {
      for (let t = 0; t < ret.dates; t++) {
        const values: number[] = [];
        for (let s = Math.max(0, t - 19); s <= t; s++) if (!Number.isNaN(ret.get(s, a))) values.push(ret.get(s, a));
        if (values.length === 0) continue;
        const mean = values.reduce((x, y) => x + y, 0) / values.length;
        const sd = Math.sqrt(values.reduce((x, y) => x + (y - mean) ** 2, 0) / values.length);
        out.set(t, a, mean / sd);
      }
    }
    return out;
  },
});

/** BROKEN (determinism): the return plus a tiny random number. */
export const noisy = defineFactor({
  ...base,
  id: 'noisy',
  meta: { description: 'The daily return with noise.', category: 'other', inputs: [{ field: FIELD.ret }], lookback: 0, direction: 1, params: {} },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    return new Panel(ret.dates, ret.assets, ret.values.map((r) => r + Math.random() * 1e-9));
  },
});

/** BROKEN (cross-asset leakage): the return minus the plain cross-sectional mean, which one `NaN` turns into `NaN` for everyone. */
export const leaky = defineFactor({
  ...base,
  id: 'leaky',
  meta: { description: 'Return minus the market mean, NaN-unsafe.', category: 'other', inputs: [{ field: FIELD.ret }], lookback: 0, direction: 1, params: {} },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets);
    for (let t = 0; t < ret.dates; t++) {
      const row = ret.row(t);
      const mean = row.reduce((x, y) => x + y, 0) / row.length;
      for (let a = 0; a < ret.assets; a++) out.set(t, a, row[a]! - mean);
    }
    return out;
  },
});

/** BROKEN (missing data): a missing return counts as 0. */
export const imputer = defineFactor({
  ...base,
  id: 'imputer',
  meta: { description: 'The daily return, 0 when missing.', category: 'other', inputs: [{ field: FIELD.ret }], lookback: 0, direction: 1, params: {} },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    return new Panel(ret.dates, ret.assets, ret.values.map((r) => (Number.isNaN(r) ? 0 : r)));
  },
});

/** Fills missing returns with 0 in place, in the panel it was handed: breaks the read-only input rule. */
export const inPlace = defineFactor({
  ...base,
  id: 'in_place',
  meta: {
    description: 'The daily return, with missing days set to 0 by writing into the input panel.',
    category: 'momentum',
    inputs: [{ field: FIELD.ret, kind: 'market' }],
    lookback: 0,
    direction: 1,
    params: {},
  },
  compute(ctx) {
    const ret = ctx.input(FIELD.ret);
    for (let i = 0; i < ret.values.length; i++) if (Number.isNaN(ret.values[i]!)) ret.values[i] = 0;
    return new Panel(ret.dates, ret.assets, ret.values.slice());
  },
});
