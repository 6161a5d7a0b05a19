import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { describe, expect, it } from 'vitest';
import defaultExport, { size } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29', '2024-04-30'];
const ASSETS = ['600519.SH', '000001.SZ', '300750.SZ'];
// Market caps in CNY: a missing one, a zero and a negative (bad data).
const CAP = [
  [2.1e12, 2.2e11, NAN],
  [2.15e12, 0, 8e11],
  [2.2e12, 2.25e11, -1],
];
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { market_cap: Panel.fromRows(CAP) } });

runFactorTests(size, {
  golden: [
    {
      name: 'hand values: ln(cap), NaN for missing or ≤ 0',
      data,
      expected: [
        [Math.log(2.1e12), Math.log(2.2e11), null],
        [Math.log(2.15e12), null, Math.log(8e11)],
        [Math.log(2.2e12), Math.log(2.25e11), null],
      ],
    },
    {
      name: 'hand cells: ln(1e12) = 12 ln 10',
      data: createMemoryData({ calendar: ['2024-01-02'], assets: ['x'], fields: { market_cap: Panel.fromRows([[1e12]]) } }),
      expected: [[12 * Math.LN10]],
    },
  ],
});

describe('size', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(size);
    expect(size.id).toBe('size');
    expect(size.meta.category).toBe('style');
    expect(size.meta.direction).toBe(-1);
    expect(size.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['market_cap', 0]]);
  });

  it('needs `market_cap`: FK_MISSING_INPUT naming the field', () => {
    const noCap = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { float_market_cap: Panel.fromRows(CAP) } });
    const error = catchError(() => computeFactor(size, noCap));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`market_cap`');
  });

  it('on cn-csi300: ln(market_cap) of 600519.SH and 000001.SZ on 2023-06-29, finite for CSI 300 members', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const { values, assets } = computeFactor(size, dataset, { start: date, end: date });
    const cap = dataset.field('market_cap');
    for (const id of ['600519.SH', '000001.SZ']) {
      const a = assets.indexOf(id);
      const c = cap.get(t, a);
      expect(c).toBeGreaterThan(1e10);
      expect(values.get(0, a)).toBeCloseTo(Math.log(c), 12);
    }
    // Kweichow Moutai was worth about CNY 2.1–2.3 trillion in mid-2023.
    expect(Math.exp(values.get(0, assets.indexOf('600519.SH')))).toBeGreaterThan(1.8e12);
    expect(Math.exp(values.get(0, assets.indexOf('600519.SH')))).toBeLessThan(2.6e12);
    const member = dataset.field('index_member:000300.SH').row(t);
    let members = 0;
    let finite = 0;
    member.forEach((m, a) => {
      if (m === 1) {
        members++;
        if (Number.isFinite(values.get(0, a))) finite++;
      }
    });
    expect(members).toBeGreaterThan(250);
    expect(finite / members).toBeGreaterThan(0.9);
  });
});
