/**
 * The panel store on the real CSI 300 dataset beside the repository (../shared/data/cn-csi300),
 * checked against facts stated in its README. Slow-ish (a few seconds to load); runs in CI.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../src/index.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300');
let dataset: Dataset;

beforeAll(async () => {
  if (!existsSync(DATA)) throw new Error(`the real dataset is missing at ${DATA}`);
  ({ dataset } = await loadDataset(DATA));
}, 120_000);

const value = (field: string, code: string, date: string) => dataset.panel(field).get(dataset.calendar.indexOf(date), dataset.assets.indexOf(code));

describe('cn-csi300 in the panel store (data, slow)', () => {
  it('has the calendar and assets of the README', () => {
    expect(dataset.calendar.length).toBe(2548);
    expect(dataset.calendar.at(0)).toBe('2013-01-04');
    expect(dataset.calendar.at(2547)).toBe('2023-06-30');
    expect(dataset.assets.length).toBe(670);
  });

  it('holds 600519.SH prices and returns as the README states', () => {
    expect(value('close', '600519.SH', '2013-01-04')).toBe(963.00398148);
    expect(value('close', '600519.SH', '2023-06-30')).toBe(11474.50033);
    // pct_chg 0.1896 on the factor-break day: the return comes from pct_chg, not close / previous close.
    expect(value('ret', '600519.SH', '2023-06-30')).toBeCloseTo(0.001896, 12);
    expect(value('vwap', '600519.SH', '2023-06-30')).toBeCloseTo(3_472_586_730.49 / 2_045_869, 6);
  });

  it('shows a report from its announcement date and not the day before', () => {
    expect(value('net_profit_ytd', '600519.SH', '2023-03-31')).toBe(65_375_136_766.75);
    expect(value('net_profit_ytd', '600519.SH', '2023-03-30')).not.toBe(65_375_136_766.75);
    expect(value('net_profit_q', '600519.SH', '2022-08-03')).toBeCloseTo(13_153_247_926.86, 2);
  });

  it('has exactly 300 CSI 300 members on every trading day', () => {
    const members = dataset.panel('index_member:000300.SH');
    for (let t = 0; t < dataset.calendar.length; t++) {
      let count = 0;
      for (let a = 0; a < dataset.assets.length; a++) count += members.get(t, a);
      // 2013-01-04..2013-06-28: 9 members are absent from stocks.csv (README), so 291 there.
      expect(count, dataset.calendar.at(t)).toBe(dataset.calendar.at(t) < '2013-07-01' ? 291 : 300);
    }
  });

  it('sums CSI 300 weights to about 100 % on snapshot dates, and carries them between', () => {
    const weight = dataset.panel('index_weight:000300.SH');
    const asOf = dataset.panel('index_weight_date:000300.SH');
    const sum = (t: number) => {
      let s = 0;
      for (let a = 0; a < dataset.assets.length; a++) s += weight.get(t, a);
      return s;
    };
    const t = dataset.calendar.indexOf('2023-06-30');
    expect(sum(t)).toBeGreaterThan(0.98); // 3 constituents of that snapshot are not in stocks.csv
    const t2 = dataset.calendar.indexOf('2020-06-30');
    expect(sum(t2)).toBeGreaterThan(0.999);
    expect(sum(t2)).toBeLessThan(1.0012);
    expect(value('index_weight:000300.SH', '600519.SH', '2023-06-30')).toBeCloseTo(0.05621, 10);
    expect(value('index_weight:000300.SH', '600519.SH', '2013-01-04')).toBeCloseTo(0.016602, 10);
    // Between snapshots the date column tells the weights were carried forward.
    const day = dataset.calendar.indexOf('2023-06-29');
    expect(asOf.get(day, dataset.assets.indexOf('600519.SH'))).toBeLessThan(20230629);
  });

  it('classifies 600519.SH as 食品饮料 under every Shenwan standard', () => {
    const industry = dataset.categoricalPanel('industry');
    const a = dataset.assets.indexOf('600519.SH');
    for (const date of ['2013-06-28', '2015-01-05', '2023-06-30']) {
      expect(industry.levels[industry.codes[a * industry.dates + dataset.calendar.indexOf(date)]!]).toBe('食品饮料');
    }
  });

  it('estimates market caps at the right order of magnitude', () => {
    // Raw VWAP 1697.37 × 1,256,197,800 shares ≈ 2.13 trillion CNY.
    const cap = value('market_cap', '600519.SH', '2023-06-30');
    expect(cap).toBeGreaterThan(2.0e12);
    expect(cap).toBeLessThan(2.25e12);
  });
});
