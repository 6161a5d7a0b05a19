import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, checkApiCompatibility, computeFactor, createMemoryData, createRegistry, factorLookback, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { describe, expect, it } from 'vitest';
import * as pluginModule from '../src/index.js';
import defaultExport, { growth } from '../src/index.js';
import { naiveGrowth } from './naive.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ASSETS = ['A', 'B', 'C', 'D'];

function oneDay(fields: Record<string, number[]>) {
  return createMemoryData({
    calendar: ['2024-01-02'],
    assets: ASSETS,
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Panel.fromRows([v])])),
  });
}

describe('growth: source fields', () => {
  it('prefers parent net profit growth when the dataset has it', () => {
    const parent = [0.1, 0.2, 0.3, 0.4];
    const total = [0.4, 0.3, 0.2, 0.1];
    const v = computeFactor(growth.with({ winsorizeK: 0 }), oneDay({ np_parent_ttm_yoy: parent, net_profit_ttm_yoy: total })).values;
    // z-scores of 0.1 … 0.4: (x − 0.25) / std, std = √(0.05 / 3).
    const sd = Math.sqrt(0.05 / 3);
    parent.forEach((x, a) => expect(v.get(0, a)).toBeCloseTo((x - 0.25) / sd, 12));
  });

  it('clips a growth rate from a tiny base before standardising', () => {
    const profit = [0.1, 0.2, 0.3, 50];
    const v = computeFactor(growth, oneDay({ net_profit_ttm_yoy: profit })).values;
    naiveGrowth(profit, undefined, 5).forEach((x, a) => expect(v.get(0, a)).toBeCloseTo(x, 12));
    // Without the clip the outlier squeezes the other three together.
    const raw = computeFactor(growth.with({ winsorizeK: 0 }), oneDay({ net_profit_ttm_yoy: profit })).values;
    expect(raw.get(0, 2) - raw.get(0, 0)).toBeLessThan(v.get(0, 2) - v.get(0, 0));
  });

  it('throws FK_MISSING_INPUT naming both profit fields when neither is there', () => {
    const error = catchError(() => computeFactor(growth, oneDay({ revenue_ttm_yoy: [0.1, 0.2, 0.3, 0.4] })));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`np_parent_ttm_yoy`');
    expect((error as Error).message).toContain('`net_profit_ttm_yoy`');
  });
});

describe('growth: metadata', () => {
  it('is a style factor with direction +1 and no lookback', () => {
    expect(defaultExport).toBe(growth);
    expect(growth.id).toBe('growth');
    expect(growth.meta.category).toBe('style');
    expect(growth.meta.direction).toBe(1);
    expect(growth.with().params).toEqual({ winsorizeK: 5, useRevenue: true });
    expect(factorLookback(growth, growth.with().params)).toBe(0);
    expect(growth.meta.inputs.map((i) => [i.field, i.lag, i.optional])).toEqual([
      ['np_parent_ttm_yoy', 0, true],
      ['net_profit_ttm_yoy', 0, true],
      ['revenue_ttm_yoy', 0, true],
    ]);
    expect(checkApiCompatibility(growth.apiVersion)).toEqual({ compatible: true });
    expect(createRegistry().registerModule(pluginModule)).toEqual([growth]);
  });
});

describe('growth: real data (cn-csi300)', () => {
  it('matches the naive cross-section for 600519.SH and 000001.SZ on 2023-06-29', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    expect(dataset.hasField('np_parent_ttm_yoy')).toBe(false); // this sample has total net profit only
    const result = computeFactor(growth, dataset, { start: date, end: date });
    const row = (field: string) => dataset.assets.map((_, a) => dataset.field(field).get(t, a));
    const want = naiveGrowth(row('net_profit_ttm_yoy'), row('revenue_ttm_yoy'), 5);
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      expect(Number.isFinite(want[a]!)).toBe(true);
      expect(result.values.get(0, a)).toBeCloseTo(want[a]!, 10);
    }
    const member = dataset.field('index_member:000300.SH');
    let members = 0;
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (member.get(t, a) !== 1) continue;
      members++;
      if (Number.isFinite(result.values.get(0, a))) finite++;
    }
    expect(members).toBeGreaterThan(280);
    expect(finite / members).toBeGreaterThan(0.9);
  });
});
