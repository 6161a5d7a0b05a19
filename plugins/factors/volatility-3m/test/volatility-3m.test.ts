/**
 * volatility_3m: golden values against a naive loop, the factor test kit, the missing-input error and
 * a check on the real cn-csi300 data. Expected values are computed here, never by the plugin.
 */
import { Panel, checkApiCompatibility, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import defaultExport, { volatility3m } from '../src/index.js';

const NAN = Number.NaN;
const T = 75;
const DATES = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

/** Alternating +1 % / −1 %. */
const ALT = rows((t) => (t % 2 === 0 ? 0.01 : -0.01));
/** Listed on row 20, then a 4-day cycle +3 %, −1 %, +2 %, −2 %. */
const LISTED = rows((t) => (t < 20 ? NAN : [0.03, -0.01, 0.02, -0.02][(t - 20) % 4]!));
/** Suspended (ret = 0, an observation) on rows 10–29, missing on rows 40–54, otherwise +0.5 % × (t mod 3) − 0.4 %. */
const GAPPY = rows((t) => (t >= 10 && t <= 29 ? 0 : t >= 40 && t <= 54 ? NAN : 0.005 * (t % 3) - 0.004));
/** Flat except a +10 % day on row 30 and −5 % on row 50. */
const JUMPS = rows((t) => (t === 30 ? 0.1 : t === 50 ? -0.05 : 0));
const SERIES = [ALT, LISTED, GAPPY, JUMPS];

const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { ret: new Panel(T, ASSETS.length, Float64Array.from(SERIES.flat())) },
});

/** The finite returns among rows t−window+1 … t. */
function windowOf(x: readonly number[], t: number, window: number): number[] {
  const out: number[] = [];
  for (let s = Math.max(0, t - window + 1); s <= t; s++) if (Number.isFinite(x[s]!)) out.push(x[s]!);
  return out;
}

/** Naive value from one window's returns. */
function naiveValue(r: readonly number[]): number {
  const mean = r.reduce((x, y) => x + y, 0) / r.length;
  return Math.sqrt(r.reduce((x, y) => x + (y - mean) ** 2, 0) / (r.length - 1));
}

function naive(x: readonly number[], window: number, minObs: number): number[] {
  return x.map((_, t) => {
    const r = windowOf(x, t, window);
    return r.length >= minObs ? naiveValue(r) : NAN;
  });
}

const expectedRows = (window: number, minObs: number) => {
  const columns = SERIES.map((s) => naive(s, window, minObs));
  return Array.from({ length: T }, (_, t) => columns.map((c) => c[t]!));
};

runFactorTests(volatility3m, {
  golden: [
    { name: 'naive loop, defaults (window 60, minObs 48)', data, expected: expectedRows(60, 48) },
    { name: 'naive loop, window 10, minObs 6', params: { window: 10, minObs: 6 }, data, expected: expectedRows(10, 6) },
    {
      name: 'hand values, defaults',
      data,
      expected: [
        // Rows 15–74 of ALT: 30 at +1 %, 30 at −1 %, mean 0, Σ(r − 0)² = 60 × 1e-4, divisor 59.
        { date: DATES[74]!, asset: '600000.SH', value: Math.sqrt((60 * 1e-4) / 59) },
        { date: DATES[46]!, asset: '600000.SH', value: null }, // rows 0–46: 47 returns
        { date: DATES[66]!, asset: '000001.SZ', value: null }, // rows 20–66: 47 returns
        // Rows 15–74 of JUMPS: 58 zeros, +0.1 and −0.05: mean 0.05 / 60.
        { date: DATES[74]!, asset: '688981.SH', value: Math.sqrt((0.1 - 0.05 / 60) ** 2 / 59 + (-0.05 - 0.05 / 60) ** 2 / 59 + (58 * (0.05 / 60) ** 2) / 59) },
        { date: DATES[60]!, asset: '300750.SZ', value: null }, // rows 1–60 without 40–54: 45 returns
      ],
    },
  ],
  params: [{}, { window: 10, minObs: 6 }, { window: 120, minObs: 100 }],
});

describe('volatility_3m: metadata and errors', () => {
  it('is the documented plugin', () => {
    expect(defaultExport).toBe(volatility3m);
    expect(volatility3m.id).toBe('volatility_3m');
    expect(volatility3m.meta.direction).toBe(-1);
    expect(volatility3m.meta.category).toBe('volatility');
    expect(volatility3m.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['ret', 0]]);
    expect(checkApiCompatibility(volatility3m.apiVersion)).toEqual({ compatible: true });
  });

  it('rejects minObs > window', () => {
    expect(() => computeFactor(volatility3m.with({ window: 10, minObs: 11 }), data)).toThrow(/params\.minObs/);
  });

  it('needs `ret`: FK_MISSING_INPUT', () => {
    const other = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { close: new Panel(T, ASSETS.length) } });
    const error = catchError(() => computeFactor(volatility3m, other));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`ret`');
  });
});

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cn-csi300');

describe('volatility_3m on the real cn-csi300 dataset (slow)', () => {
  it('matches an independent computation from `ret`, with values for the CSI 300 members', async () => {
    const { dataset } = await loadDataset(REAL);
    const date = '2023-06-29';
    const result = computeFactor(volatility3m, dataset, { start: date, end: date });
    const t = dataset.calendar.indexOf(date);
    const ret = dataset.field('ret');
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      const r = windowOf(Array.from(ret.column(a)), t, 60);
      expect(r.length).toBeGreaterThanOrEqual(48);
      const want = naiveValue(r);
      expect(want).toBeGreaterThan(0.002);
      expect(want).toBeLessThan(0.1);
      expect(result.values.get(0, a)).toBeCloseTo(want, 10);
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
