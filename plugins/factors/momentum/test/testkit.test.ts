/**
 * momentum_1y through the factor test kit: metadata, golden values, missing data, short
 * history, cross-asset leakage, look-ahead and determinism, for the default parameters and two
 * small windows. The golden values are computed here by hand or by a direct product of
 * (1 + r), never by the plugin.
 */
import { Panel, createMemoryData } from '@factorkit/core';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { momentum } from '../src/index.js';

const NAN = Number.NaN;
const T = 30;
const DATES = Array.from({ length: 45 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

/** +1 % every day. */
const STEADY = rows(() => 0.01);
/** Listed on row 8, then +2 % on even rows and −1 % on odd ones. */
const LISTED = rows((t) => (t < 8 ? NAN : t % 2 === 0 ? 0.02 : -0.01));
/** +0.5 %, row 12 missing, and a −100 % return (invalid) on row 20. */
const GAPPY = rows((t) => (t === 12 ? NAN : t === 20 ? -1 : 0.005));
/** −1 %, suspended (ret = 0, a real observation) on rows 10–19. */
const SUSPENDED = rows((t) => (t >= 10 && t <= 19 ? 0 : -0.01));
const SERIES = [STEADY, LISTED, GAPPY, SUSPENDED];

const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { ret: new Panel(T, ASSETS.length, Float64Array.from(SERIES.flat())) },
});

/** Direct product of (1 + r) over rows t−window+1 … t−skip, with momentum's coverage rule. */
function directProduct(ret: readonly number[], window: number, skip: number, minCoverage: number): number[] {
  return ret.map((_, t) => {
    let product = 1;
    let present = 0;
    let invalid = false;
    for (let s = Math.max(0, t - window + 1); s <= t - skip; s++) {
      const r = ret[s]!;
      if (Number.isNaN(r)) continue;
      if (!(r > -1) || r === Infinity) invalid = true;
      product *= 1 + r;
      present++;
    }
    return !invalid && present >= minCoverage * (window - skip) - 1e-9 ? product - 1 : NAN;
  });
}

const SMALL = { window: 20, skip: 2 } as const;
const columns = SERIES.map((series) => directProduct(series, 20, 2, 0.8));

runFactorTests(momentum, {
  golden: [
    {
      name: 'direct product, window 20 skip 2',
      params: SMALL,
      data,
      expected: Array.from({ length: T }, (_, t) => columns.map((column) => column[t]!)),
    },
    {
      // Rows t−19 … t−2 need 15 of their 18 returns.
      name: 'hand values, window 20 skip 2',
      params: SMALL,
      data,
      expected: [
        { date: DATES[15]!, asset: '600000.SH', value: null }, // rows 0–13: 14 returns
        { date: DATES[16]!, asset: '600000.SH', value: 1.01 ** 15 - 1 }, // rows 0–14
        { date: DATES[25]!, asset: '600000.SH', value: 1.01 ** 18 - 1 }, // rows 6–23
        { date: DATES[23]!, asset: '000001.SZ', value: null }, // rows 8–21: 14 returns
        { date: DATES[24]!, asset: '000001.SZ', value: 1.02 ** 8 * 0.99 ** 7 - 1 }, // rows 8–22
        { date: DATES[16]!, asset: '300750.SZ', value: null }, // rows 0–14 without 12: 14 returns
        { date: DATES[17]!, asset: '300750.SZ', value: 1.005 ** 15 - 1 }, // rows 0–15 without 12
        { date: DATES[22]!, asset: '300750.SZ', value: null }, // row 20 (−100 %) is in the window
        { date: DATES[29]!, asset: '688981.SH', value: 0.99 ** 8 - 1 }, // rows 10–27: ten suspended days, eight at −1 %
      ],
    },
  ],
  params: [{}, SMALL, { window: 60, skip: 5, minCoverage: 0.9 }],
});
