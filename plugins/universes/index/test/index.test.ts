import { Panel, createMemoryData, createRegistry } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import plugins, { INVESTABILITY_INPUTS, INVESTABILITY_PARAMS, indexUniverse, investability, marketUniverse, resolveIndexCode } from '../src/index.js';

const DAYS = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
const ASSETS = ['000001.SZ', '000002.SZ', '600000.SH', '688001.SH'];
const rows = (values: number[][]) => Panel.fromRows(values);

/** Four stocks, four days. 000002 is ST; 600000 suspended on day 2; 688001 listed on day 1. */
function data(extra: Record<string, Panel> = {}) {
  return createMemoryData({
    calendar: DAYS,
    assets: ASSETS,
    fields: {
      is_trading: rows([[1, 1, 1, NaN], [1, 1, 1, 1], [1, 1, 0, 1], [1, 1, 1, 1]]),
      is_st: rows([[0, 1, 0, NaN], [0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]]),
      listed_days: rows([[Infinity, Infinity, Infinity, NaN], [Infinity, Infinity, Infinity, 0], [Infinity, Infinity, Infinity, 1], [Infinity, Infinity, Infinity, 2]]),
      ret: rows([[0, 0, 0, NaN], [0.1, 0, 0, NaN], [0, 0.5, 0, 0], [0, 0, 0, 0]]),
      float_market_cap: rows([[100, 300, 600, NaN], [100, 300, 600, 50], [100, 300, 600, 50], [100, 300, 600, 50]]),
      can_buy_close: rows([[1, 1, 1, NaN], [1, 1, 1, 0], [1, 1, 0, 1], [0, 1, 1, 1]]),
      can_sell_close: rows([[1, 1, 1, NaN], [1, 1, 1, 1], [1, 1, 0, 1], [1, 0, 1, 1]]),
      'index_member:000300.SH': rows([[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1]]),
      'index_member:000905.SH': rows([[0, 1, 1, 0], [0, 1, 1, 1], [0, 1, 1, 1], [0, 1, 1, 1]]),
      'index_weight:000300.SH': rows([[NaN, NaN, NaN, NaN], [0.5, 0.25, 0.25, 0], [0.5, 0.25, 0.25, 0], [0.4, 0.2, 0.2, 0.2]]),
      'index_weight_date:000300.SH': rows([[NaN, NaN, NaN, NaN], [20240103, 20240103, 20240103, 20240103], [20240103, 20240103, 20240103, 20240103], [20240105, 20240105, 20240105, 20240105]]),
      ...extra,
    },
  });
}

const list = (mask: Uint8Array) => ASSETS.filter((_, a) => mask[a] === 1);

describe('index universe', () => {
  it('resolves aliases to index codes', () => {
    expect(resolveIndexCode('csi300')).toBe('000300.SH');
    expect(resolveIndexCode('CNI2000')).toBe('399303.SZ');
    expect(resolveIndexCode('000852.SH')).toBe('000852.SH');
  });

  it('takes members as of the date, leaving out ST and suspended stocks by default', () => {
    const u = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi300' }).params });
    expect(list(u.members(0))).toEqual(['000001.SZ', '600000.SH']);
    expect(list(u.members(2))).toEqual(['000001.SZ', '688001.SH']);
  });

  it('applies the listing-age filter and can keep ST and suspended stocks', () => {
    const params = indexUniverse.with({ index: 'csi300', excludeSt: false, excludeSuspended: false, minListedDays: 2 }).params;
    const u = indexUniverse.resolve({ data: data(), params });
    expect(list(u.members(2))).toEqual(['000001.SZ', '000002.SZ', '600000.SH']);
    expect(list(u.members(3))).toEqual(ASSETS);
  });

  it('publishes weights from the snapshot, drifted by returns and flagged as carried', () => {
    const u = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi300' }).params });
    expect(u.weights!(0)).toBeUndefined(); // before the first snapshot
    const onSnapshot = u.weights!(1)!;
    expect(onSnapshot).toMatchObject({ asOf: '2024-01-03', carried: false, approximate: false });
    expect(Array.from(onSnapshot.weights)).toEqual([0.5, 0.25, 0.25, 0]);
    // Day 2: 000002 gained 50 % since the snapshot: 0.25 × 1.5 = 0.375 before scaling to 1.125.
    const drifted = u.weights!(2)!;
    expect(drifted).toMatchObject({ asOf: '2024-01-03', carried: true });
    expect(drifted.weights[0]).toBeCloseTo(0.5 / 1.125, 12);
    expect(drifted.weights[1]).toBeCloseTo(0.375 / 1.125, 12);
    const flat = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi300', drift: false }).params });
    expect(Array.from(flat.weights!(2)!.weights)).toEqual([0.5, 0.25, 0.25, 0]);
  });

  it('proxies weights by float market cap for an index without published weights, flagged approximate', () => {
    const u = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi500' }).params });
    const w = u.weights!(1)!;
    expect(w.approximate).toBe(true);
    expect(Array.from(w.weights)).toEqual([0, 300 / 950, 600 / 950, 50 / 950]);
  });

  it('gives equal weights over the members with `weights: equal` (a dataset without weights or caps), flagged approximate', () => {
    const u = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi500', weights: 'equal' }).params });
    const w = u.weights!(1)!;
    expect(w.approximate).toBe(true);
    // 000905 members on day 1: 000002, 600000, 688001 (the ST filter shapes the members, not the benchmark).
    expect(Array.from(w.weights)).toEqual([0, 1 / 3, 1 / 3, 1 / 3]);
    // Published weights are not used even when present.
    const csi300 = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi300', weights: 'equal' }).params });
    expect(Array.from(csi300.weights!(3)!.weights)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('reports tradability at the configured time', () => {
    const u = indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi300' }).params });
    const { canBuy, canSell } = u.tradability!(3);
    expect(Array.from(canBuy)).toEqual([0, 1, 1, 1]);
    expect(Array.from(canSell)).toEqual([1, 0, 1, 1]);
  });

  it('explains what is missing', () => {
    expect(() => indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi1000' }).params })).toThrow(
      'universe `index` (000852.SH): the dataset has no membership for index `000852.SH`; it has `000300.SH`, `000905.SH`',
    );
    expect(() => indexUniverse.resolve({ data: data(), params: indexUniverse.with({ index: 'csi500', weights: 'published' }).params })).toThrow(
      'weights `published` asked for, but the dataset has no `index_weight:000905.SH`',
    );
    expect(() => indexUniverse.with({})).toThrow('params.index: is required');
  });
});

describe('market universe', () => {
  it('takes every stock with a row, filtered', () => {
    const u = marketUniverse.resolve({ data: data(), params: marketUniverse.with({ minListedDays: 1 }).params });
    expect(list(u.members(0))).toEqual(['000001.SZ', '600000.SH']);
    expect(list(u.members(2))).toEqual(['000001.SZ', '688001.SH']);
  });

  it('registers with the other plugins of the package', () => {
    const registry = createRegistry();
    registry.register([...plugins]);
    expect(registry.list('universe').map((e) => e.plugin.id)).toEqual(['index', 'market']);
  });
});

describe('investability (the filters and tradability, for other universe plugins)', () => {
  it('filters a mask in place as the market universe does, and reports its tradability', () => {
    const filters = { excludeSt: true, excludeSuspended: true, minListedDays: 1, tradeAt: 'close' as const };
    const own = investability(data(), filters, 'universe `x`');
    const market = marketUniverse.resolve({ data: data(), params: marketUniverse.with(filters).params });
    // Day 2: 000002 is ST, 600000 suspended; day 0: 688001 has no row.
    expect(list(own.filter(Uint8Array.from([1, 1, 1, 1]), 2))).toEqual(['000001.SZ', '688001.SH']);
    expect(list(own.filter(Uint8Array.from([0, 1, 1, 1]), 0))).toEqual(['600000.SH']);
    for (let t = 0; t < DAYS.length; t++) {
      expect(own.filter(new Uint8Array(4).fill(1), t)).toEqual(market.members(t));
      expect(own.tradability(t)).toEqual(market.tradability!(t));
    }
    expect(Object.keys(INVESTABILITY_PARAMS)).toEqual(['excludeSt', 'excludeSuspended', 'minListedDays', 'tradeAt']);
    expect(INVESTABILITY_INPUTS.map((i) => i.field)).toContain('is_trading');
  });

  it('names the owner when a field is missing', () => {
    const bare = createMemoryData({ calendar: DAYS, assets: ASSETS });
    expect(() => investability(bare, { excludeSt: true, excludeSuspended: true, minListedDays: 0, tradeAt: 'close' }, 'universe `x`')).toThrow(
      'universe `x` needs field `is_trading`, which the dataset does not have',
    );
  });
});

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cn-csi300');

describe('on the real cn-csi300 dataset (data, slow)', () => {
  it('has 300 CSI 300 members with weights summing to 1 on every day from 2014 to 2023', async () => {
    expect(existsSync(REAL)).toBe(true);
    const { dataset } = await loadDataset(REAL);
    const u = indexUniverse.resolve({ data: dataset, params: indexUniverse.with({ index: 'csi300', excludeSt: false, excludeSuspended: false }).params });
    const from = dataset.calendar.indexOf('2014-01-02');
    let carried = 0;
    for (let t = from; t < dataset.calendar.length; t++) {
      const members = u.members(t);
      expect(members.reduce((s, m) => s + m, 0), dataset.calendar.at(t)).toBe(dataset.calendar.at(t) === '2015-05-20' ? 298 : 300);
      const w = u.weights!(t)!;
      expect(w.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
      if (w.carried) carried++;
    }
    expect(carried).toBeGreaterThan(2000);
  }, 120_000);
});
