/**
 * turnover_1m: golden values against a naive loop, the factor test kit, the missing-input
 * error and a check on the real cn-csi300 data. Expected values are computed here, never by
 * the plugin.
 */
import { Panel, checkApiCompatibility, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import defaultExport, { turnover1m } from '../src/index.js';

const NAN = Number.NaN;
const T = 30;
const DATES = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

/** 1 % every day. */
const STEADY = rows(() => 0.01);
/** Listed on row 10, then 2 % on even rows and 4 % on odd ones. */
const LISTED = rows((t) => (t < 10 ? NAN : t % 2 === 0 ? 0.02 : 0.04));
/** Suspended (no turnover) on rows 5–19, otherwise 0.5 % × (1 + t mod 3). */
const SUSPENDED = rows((t) => (t >= 5 && t <= 19 ? NAN : 0.005 * (1 + (t % 3))));
/** Rising: 0.1 % × (t + 1). */
const RISING = rows((t) => 0.001 * (t + 1));
const SERIES = [STEADY, LISTED, SUSPENDED, RISING];

const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { turnover: new Panel(T, ASSETS.length, Float64Array.from(SERIES.flat())) },
});

/** Naive mean over the finite values among rows t−window+1 … t, NaN with fewer than minObs. */
function naive(x: readonly number[], window: number, minObs: number): number[] {
  return x.map((_, t) => {
    let sum = 0;
    let n = 0;
    for (let s = Math.max(0, t - window + 1); s <= t; s++) {
      if (Number.isFinite(x[s]!)) {
        sum += x[s]!;
        n++;
      }
    }
    return n >= minObs ? sum / n : NAN;
  });
}

const expectedRows = (window: number, minObs: number) => {
  const columns = SERIES.map((s) => naive(s, window, minObs));
  return Array.from({ length: T }, (_, t) => columns.map((c) => c[t]!));
};

runFactorTests(turnover1m, {
  golden: [
    { name: 'naive loop, defaults (window 20, minObs 10)', data, expected: expectedRows(20, 10) },
    { name: 'naive loop, window 5, minObs 3', params: { window: 5, minObs: 3 }, data, expected: expectedRows(5, 3) },
    {
      name: 'hand values, defaults',
      data,
      expected: [
        { date: DATES[8]!, asset: '600000.SH', value: null }, // 9 days < 10
        { date: DATES[9]!, asset: '600000.SH', value: 0.01 },
        { date: DATES[18]!, asset: '000001.SZ', value: null }, // rows 10–18: 9 days
        { date: DATES[19]!, asset: '000001.SZ', value: 0.03 }, // rows 10–19: five at 2 %, five at 4 %
        { date: DATES[22]!, asset: '300750.SZ', value: null }, // rows 3–4 and 20–22: 5 traded days
        { date: DATES[29]!, asset: '300750.SZ', value: (4 * 0.015 + 3 * 0.005 + 3 * 0.01) / 10 }, // rows 20–29: t mod 3 = 2,0,1,2,0,1,2,0,1,2
        { date: DATES[29]!, asset: '688981.SH', value: (0.001 * (11 + 30)) / 2 }, // rows 10–29
      ],
    },
  ],
  params: [{}, { window: 5, minObs: 3 }, { window: 60, minObs: 40 }],
});

describe('turnover_1m: metadata and errors', () => {
  it('is the documented plugin', () => {
    expect(defaultExport).toBe(turnover1m);
    expect(turnover1m.id).toBe('turnover_1m');
    expect(turnover1m.meta.direction).toBe(-1);
    expect(turnover1m.meta.category).toBe('liquidity');
    expect(turnover1m.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['turnover', 0]]);
    expect(checkApiCompatibility(turnover1m.apiVersion)).toEqual({ compatible: true });
  });

  it('rejects minObs > window', () => {
    expect(() => computeFactor(turnover1m.with({ window: 5, minObs: 6 }), data)).toThrow(/params\.minObs/);
  });

  it('needs `turnover`: FK_MISSING_INPUT', () => {
    const other = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { turnover_rate: new Panel(T, ASSETS.length) } });
    const error = catchError(() => computeFactor(turnover1m, other));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`turnover`');
  });
});

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cn-csi300');

describe('turnover_1m on the real cn-csi300 dataset (slow)', () => {
  it('matches the mean of the last 20 days of turnover, with values for the CSI 300 members', async () => {
    const { dataset } = await loadDataset(REAL);
    const date = '2023-06-29';
    const result = computeFactor(turnover1m, dataset, { start: date, end: date });
    const t = dataset.calendar.indexOf(date);
    const turnover = dataset.field('turnover');
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      const window: number[] = [];
      for (let s = t - 19; s <= t; s++) {
        const v = turnover.get(s, a);
        if (Number.isFinite(v)) window.push(v);
      }
      expect(window.length).toBeGreaterThanOrEqual(10);
      const want = window.reduce((x, y) => x + y, 0) / window.length;
      expect(result.values.get(0, a)).toBeCloseTo(want, 12);
      expect(want).toBeGreaterThan(0);
      expect(want).toBeLessThan(0.2);
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
