/**
 * illiquidity_shock: golden values against a naive loop and by hand, the factor test kit, the
 * missing-input error and a check on the real cn-csi300 data. Expected values are computed
 * here, never by the plugin.
 */
import { Panel, checkApiCompatibility, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import defaultExport, { illiquidityShock } from '../src/index.js';

const NAN = Number.NaN;
const T = 270;
const DATES = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2023, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

/** A deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const u = prng(11);

/** Random returns and amounts, full history. */
const RET_A = rows(() => 0.04 * (u() - 0.5));
const AMT_A = rows(() => 1e8 * (0.5 + u()));
/** Listed on row 100; suspended (ret 0, amount 0) on rows 180–199. */
const RET_B = rows((t) => (t < 100 ? NAN : t >= 180 && t < 200 ? 0 : 0.06 * (u() - 0.5)));
const AMT_B = rows((t) => (t < 100 ? NAN : t >= 180 && t < 200 ? 0 : 3e7 * (0.5 + u())));
/** Constant: |ret| = 1 %, amount 1e6 until row 249, then amount 5e5 (twice as illiquid). */
const RET_C = rows((t) => (t % 2 === 0 ? 0.01 : -0.01));
const AMT_C = rows((t) => (t < 250 ? 1e6 : 5e5));
/** Never moves from row 240 on: the short mean is 0 from row 259, no log. */
const RET_D = rows((t) => (t >= 240 ? 0 : 0.02));
const AMT_D = rows(() => 2e6);

const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: {
    ret: new Panel(T, 4, Float64Array.from([RET_A, RET_B, RET_C, RET_D].flat())),
    amount: new Panel(T, 4, Float64Array.from([AMT_A, AMT_B, AMT_C, AMT_D].flat())),
  },
});

/** Naive ILLIQ_n at t: mean of |r| / amount over rows t−n+1 … t with amount > 0, NaN under ⌈n/2⌉. */
function illiq(r: readonly number[], v: readonly number[], t: number, n: number): number {
  let sum = 0;
  let count = 0;
  for (let s = Math.max(0, t - n + 1); s <= t; s++) {
    if (Number.isFinite(r[s]!) && v[s]! > 0) {
      sum += Math.abs(r[s]!) / v[s]!;
      count++;
    }
  }
  return count >= n / 2 ? sum / count : NAN;
}

function naive(r: readonly number[], v: readonly number[], short: number, long: number): number[] {
  return r.map((_, t) => {
    const s = illiq(r, v, t, short);
    const l = illiq(r, v, t, long);
    return s > 0 && l > 0 ? Math.log(s / l) : NAN;
  });
}

const PAIRS: [number[], number[]][] = [
  [RET_A, AMT_A],
  [RET_B, AMT_B],
  [RET_C, AMT_C],
  [RET_D, AMT_D],
];
const expectedRows = (short: number, long: number) => {
  const columns = PAIRS.map(([r, v]) => naive(r, v, short, long));
  return Array.from({ length: T }, (_, t) => columns.map((c) => c[t]!));
};

// C: 1e-8 per day before row 250, 2e-8 from it. At t = 259: short = rows 240–259 (10 of each),
// 1.5e-8; long = rows 20–259 (230 at 1e-8, 10 at 2e-8) = 250e-8 / 240.
const C_259 = Math.log(1.5e-8 / (250e-8 / 240));

runFactorTests(illiquidityShock, {
  golden: [
    { name: 'naive loop, defaults (20 / 240)', data, expected: expectedRows(20, 240), tolerance: { abs: 1e-10, rel: 1e-9 } },
    { name: 'naive loop, 5 / 30', params: { shortWindow: 5, longWindow: 30 }, data, expected: expectedRows(5, 30), tolerance: { abs: 1e-10, rel: 1e-9 } },
    {
      name: 'hand values, defaults',
      data,
      tolerance: { abs: 1e-10, rel: 1e-9 },
      expected: [
        { date: DATES[118]!, asset: '600000.SH', value: null }, // 119 days < 120
        { date: DATES[200]!, asset: '600000.SH', value: Math.log(illiq(RET_A, AMT_A, 200, 20) / illiq(RET_A, AMT_A, 200, 240)) },
        { date: DATES[249]!, asset: '300750.SZ', value: 0 }, // constant ratio: log 1
        { date: DATES[259]!, asset: '300750.SZ', value: C_259 },
        { date: DATES[218]!, asset: '000001.SZ', value: null }, // listed on 100: rows 100–218 minus 20 suspended = 99 < 120
        { date: DATES[195]!, asset: '000001.SZ', value: null }, // rows 176–195: 4 traded days < 10
        { date: DATES[258]!, asset: '688981.SH', value: Math.log(1e-8 / 20 / ((221 * 1e-8) / 240)) }, // short: only row 239 moved (2 % / 2e6); long: rows 19–239 moved
        { date: DATES[259]!, asset: '688981.SH', value: null }, // short mean 0
      ],
    },
  ],
  params: [{}, { shortWindow: 5, longWindow: 30 }],
});

describe('illiquidity_shock: metadata and errors', () => {
  it('is the documented plugin', () => {
    expect(defaultExport).toBe(illiquidityShock);
    expect(illiquidityShock.id).toBe('illiquidity_shock');
    expect(illiquidityShock.meta.direction).toBe(1);
    expect(illiquidityShock.meta.category).toBe('liquidity');
    expect(illiquidityShock.meta.inputs.map((i) => [i.field, i.lag])).toEqual([
      ['ret', 0],
      ['amount', 0],
    ]);
    expect(checkApiCompatibility(illiquidityShock.apiVersion)).toEqual({ compatible: true });
  });

  it('rejects shortWindow ≥ longWindow', () => {
    expect(() => computeFactor(illiquidityShock.with({ shortWindow: 30, longWindow: 30 }), data)).toThrow(/params\.shortWindow/);
  });

  it('needs `amount`: FK_MISSING_INPUT', () => {
    const other = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { ret: new Panel(T, 4) } });
    const error = catchError(() => computeFactor(illiquidityShock, other));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`amount`');
  });
});

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cn-csi300');

describe('illiquidity_shock on the real cn-csi300 dataset (slow)', () => {
  it('matches an independent computation from `ret` and `amount`, with values for the CSI 300 members', async () => {
    const { dataset } = await loadDataset(REAL);
    const date = '2023-06-29';
    const result = computeFactor(illiquidityShock, dataset, { start: date, end: date });
    const t = dataset.calendar.indexOf(date);
    const ret = dataset.field('ret');
    const amount = dataset.field('amount');
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      const r = Array.from(ret.column(a));
      const v = Array.from(amount.column(a));
      const want = Math.log(illiq(r, v, t, 20) / illiq(r, v, t, 240));
      expect(Number.isFinite(want)).toBe(true);
      expect(Math.abs(want)).toBeLessThan(3);
      expect(result.values.get(0, a)).toBeCloseTo(want, 9);
    }
    const members = dataset.field('index_member:000300.SH');
    let count = 0;
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (members.get(t, a) !== 1) continue;
      count++;
      if (Number.isFinite(result.values.get(0, a))) finite++;
    }
    expect(count).toBeGreaterThan(290);
    expect(finite / count).toBeGreaterThan(0.9);
  }, 120_000);
});
