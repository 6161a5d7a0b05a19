import type { Panel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type Table, createDataset, tableFromColumns } from '../src/index.js';

/**
 * A hand-made market of three stocks over ten trading days, small enough to check every
 * derived value by hand:
 * - 600000.SH main board, trades every day, suspended on day 4; a Q1 report announced on day 3
 *   and restated on day 6;
 * - 300001.SZ ChiNext, listed on day 2 (list_date given);
 * - 688001.SH STAR, no list_date, first row on day 5.
 */
const DAYS = ['2021-03-01', '2021-03-02', '2021-03-03', '2021-03-04', '2021-03-05', '2021-03-08', '2021-03-09', '2021-03-10', '2021-03-11', '2021-03-12'];

function market(): Map<string, Table> {
  const rows: [string, number, number, number, number][] = []; // code, day, close, pre_close, is_trading
  let close = 10;
  for (let d = 0; d < 10; d++) {
    const trading = d === 4 ? 0 : 1;
    const next = trading ? close * 1.01 : close;
    rows.push(['600000.SH', d, next, close, trading]);
    close = next;
  }
  let c2 = 20;
  for (let d = 2; d < 10; d++) {
    const next = d === 2 ? c2 : c2 * 0.99;
    rows.push(['300001.SZ', d, next, c2, 1]);
    c2 = next;
  }
  for (let d = 5; d < 10; d++) rows.push(['688001.SH', d, 50 + d, 50 + d - 1, 1]);
  rows.sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
  const daily = tableFromColumns('daily', {
    ts_code: { type: 'string', values: rows.map((r) => r[0]) },
    trade_date: { type: 'date', values: rows.map((r) => DAYS[r[1]]!) },
    open: { type: 'number', values: rows.map((r) => r[3]) },
    high: { type: 'number', values: rows.map((r) => Math.max(r[2], r[3])) },
    low: { type: 'number', values: rows.map((r) => Math.min(r[2], r[3])) },
    close: { type: 'number', values: rows.map((r) => r[2]) },
    pre_close: { type: 'number', values: rows.map((r) => r[3]) },
    volume: { type: 'number', values: rows.map((r) => (r[4] ? 1_000_000 : 0)) },
    amount: { type: 'number', values: rows.map((r) => (r[4] ? 1_000_000 * r[2] : 0)) },
    turnover_rate: { type: 'number', values: rows.map((r) => (r[4] ? 1 : Number.NaN)) },
    is_trading: { type: 'number', values: rows.map((r) => r[4]) },
    is_st: { type: 'number', values: rows.map(() => 0) },
  });
  return new Map<string, Table>([
    ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: DAYS } })],
    [
      'stocks',
      tableFromColumns('stocks', {
        ts_code: { type: 'string', values: ['600000.SH', '300001.SZ', '688001.SH'] },
        list_date: { type: 'date', values: ['1999-11-10', '2021-03-03', ''] },
      }),
    ],
    ['daily', daily],
    [
      'fina',
      tableFromColumns('fina', {
        ts_code: { type: 'string', values: ['600000.SH', '600000.SH', '600000.SH'] },
        ann_date: { type: 'date', values: ['2020-04-28', '2021-03-03', '2021-03-08'] },
        end_date: { type: 'date', values: ['2020-03-31', '2020-12-31', '2020-12-31'] },
        net_profit_ytd: { type: 'number', values: [100, 500, 520] },
        total_share: { type: 'number', values: [1e9, 1e9, 1e9] },
      }),
    ],
    [
      'industry',
      tableFromColumns('industry', {
        ts_code: { type: 'string', values: ['600000.SH', '300001.SZ', '300001.SZ'] },
        in_date: { type: 'date', values: ['2000-01-01', '2021-03-03', '2021-03-09'] },
        out_date: { type: 'date', values: ['', '2021-03-09', ''] },
        l1_name: { type: 'string', values: ['银行', '计算机', '电子'] },
      }),
    ],
    [
      'index_members',
      tableFromColumns('index_members', {
        index_code: { type: 'string', values: ['000300.SH', '000300.SH'] },
        ts_code: { type: 'string', values: ['600000.SH', '300001.SZ'] },
        in_date: { type: 'date', values: ['2005-04-08', '2021-03-08'] },
        out_date: { type: 'date', values: ['', ''] },
      }),
    ],
    [
      'index_weight',
      tableFromColumns('index_weight', {
        index_code: { type: 'string', values: ['000300.SH', '000300.SH', '000300.SH'] },
        trade_date: { type: 'date', values: ['2021-03-02', '2021-03-08', '2021-03-08'] },
        ts_code: { type: 'string', values: ['600000.SH', '600000.SH', '300001.SZ'] },
        weight: { type: 'number', values: [100, 60, 40] },
      }),
    ],
  ]);
}

const at = (panel: Panel, day: string, asset: number) => panel.get(DAYS.indexOf(day), asset);

describe('panel store on a hand-made market', () => {
  const { dataset } = createDataset(market());
  const [bank, chinext, star] = [0, 1, 2].map((i) => dataset.assets.indexOf(['600000.SH', '300001.SZ', '688001.SH'][i]!));

  it('sorts assets, keeps the calendar and places daily rows', () => {
    expect(dataset.assets).toEqual(['300001.SZ', '600000.SH', '688001.SH']);
    expect(dataset.calendar.dates).toEqual(DAYS);
    expect(at(dataset.field('close'), '2021-03-01', bank!)).toBeCloseTo(10.1, 12);
    expect(Number.isNaN(at(dataset.field('close'), '2021-03-02', chinext!))).toBe(true);
  });

  it('derives returns: pre_close based, 0 when suspended, NaN on the listing day', () => {
    const ret = dataset.field('ret');
    expect(at(ret, '2021-03-02', bank!)).toBeCloseTo(0.01, 12);
    expect(at(ret, '2021-03-05', bank!)).toBe(0);
    expect(Number.isNaN(at(ret, '2021-03-03', chinext!))).toBe(true);
    expect(at(ret, '2021-03-04', chinext!)).toBeCloseTo(-0.01, 12);
    expect(Number.isNaN(at(ret, '2021-03-08', star!))).toBe(true);
    expect(at(ret, '2021-03-09', star!)).toBeCloseTo(56 / 55 - 1, 12);
  });

  it('counts listing age from list_date, or from the first trading row when it is missing', () => {
    const age = dataset.field('listed_days');
    expect(at(age, '2021-03-12', bank!)).toBe(Number.POSITIVE_INFINITY);
    expect(at(age, '2021-03-03', chinext!)).toBe(0);
    expect(at(age, '2021-03-05', chinext!)).toBe(2);
    expect(at(age, '2021-03-10', star!)).toBe(2);
    expect(dataset.master.listDateApproximate[star!]).toBe(1);
  });

  it('makes fundamentals visible from their announcement date, restatements from theirs', () => {
    const np = dataset.field('net_profit_ytd');
    expect(at(np, '2021-03-02', bank!)).toBe(100);
    expect(at(np, '2021-03-03', bank!)).toBe(500);
    expect(at(np, '2021-03-05', bank!)).toBe(500);
    expect(at(np, '2021-03-08', bank!)).toBe(520);
    // FY TTM is the annual figure itself.
    expect(at(dataset.field('net_profit_ttm'), '2021-03-08', bank!)).toBe(520);
    expect(Number.isNaN(at(np, '2021-03-08', chinext!))).toBe(true);
  });

  it('computes market cap from the raw price level and the reported shares', () => {
    // No adj_factor: raw close ≈ close × VWAP / typical price; VWAP = amount / volume = close here.
    const cap = dataset.field('market_cap');
    const close = at(dataset.field('close'), '2021-03-03', bank!);
    const typical = (Math.max(close, close / 1.01) + Math.min(close, close / 1.01) + close) / 3;
    expect(at(cap, '2021-03-03', bank!)).toBeCloseTo(((close * close) / typical) * 1e9, 0);
  });

  it('classifies industries as of each date (half-open intervals)', () => {
    const industry = dataset.categorical('industry');
    const name = (day: string, a: number) => {
      const code = industry.codes[a * industry.dates + DAYS.indexOf(day)]!;
      return code < 0 ? undefined : industry.levels[code];
    };
    expect(name('2021-03-01', bank!)).toBe('银行');
    expect(name('2021-03-02', chinext!)).toBeUndefined();
    expect(name('2021-03-08', chinext!)).toBe('计算机');
    expect(name('2021-03-09', chinext!)).toBe('电子');
    expect(name('2021-03-09', star!)).toBeUndefined();
  });

  it('gives index membership and snapshot weights carried forward with their snapshot date', () => {
    const member = dataset.field('index_member:000300.SH');
    expect(at(member, '2021-03-05', chinext!)).toBe(0);
    expect(at(member, '2021-03-08', chinext!)).toBe(1);
    const weight = dataset.field('index_weight:000300.SH');
    const asOf = dataset.field('index_weight_date:000300.SH');
    expect(Number.isNaN(at(weight, '2021-03-01', bank!))).toBe(true);
    expect(at(weight, '2021-03-04', bank!)).toBe(1);
    expect(at(asOf, '2021-03-04', bank!)).toBe(20210302);
    expect(at(weight, '2021-03-10', bank!)).toBeCloseTo(0.6, 12);
    expect(at(weight, '2021-03-10', chinext!)).toBeCloseTo(0.4, 12);
    expect(at(asOf, '2021-03-10', chinext!)).toBe(20210308);
  });

  it('serves windows and lags without looking past the window end', () => {
    const view = dataset.window(3, 6);
    expect(view.calendar.dates).toEqual(DAYS.slice(3, 6));
    const lagged = view.field('close', { lag: 1 });
    expect(lagged.get(0, bank!)).toBe(dataset.field('close').get(2, bank!));
    expect(view.window(1, 2).field('close').get(0, bank!)).toBe(dataset.field('close').get(4, bank!));
  });

  it('tells the tradability of each day from limits and suspensions', () => {
    const canBuy = dataset.field('can_buy_close');
    expect(at(canBuy, '2021-03-05', bank!)).toBe(0); // suspended
    expect(at(canBuy, '2021-03-08', bank!)).toBe(1);
    expect(Number.isNaN(at(canBuy, '2021-03-01', chinext!))).toBe(true); // not listed yet
  });
});

describe('point in time, end to end', () => {
  /** Replace every value dated after `cut` in every table with garbage (keys and dates kept). */
  function garbleAfter(tables: Map<string, Table>, cut: number): Map<string, Table> {
    const dateOf: Record<string, string> = { daily: 'trade_date', fina: 'ann_date', index_weight: 'trade_date', industry: 'in_date', index_members: 'in_date' };
    const out = new Map(tables);
    let seed = 7;
    for (const [name, table] of tables) {
      const dateName = dateOf[name];
      if (!dateName) continue;
      const dates = table.columns.get(dateName)!;
      if (dates.type !== 'date') throw new Error('date column');
      const columns = new Map(table.columns);
      for (const [columnName, column] of table.columns) {
        if (column.type !== 'number') continue;
        const values = column.values.slice();
        for (let r = 0; r < values.length; r++) {
          if (dates.values[r]! > cut) {
            seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
            values[r] = columnName === 'is_trading' || columnName === 'is_st' ? seed % 2 : (seed / 2 ** 31) * 1e6;
          }
        }
        columns.set(columnName, { type: 'number', values });
      }
      out.set(name, { ...table, columns });
    }
    return out;
  }

  it('no field changes on or before a date when everything after it is replaced by garbage', () => {
    const cut = 20210305;
    const t = DAYS.indexOf('2021-03-05');
    const clean = createDataset(market()).dataset;
    const garbled = createDataset(garbleAfter(market(), cut)).dataset;
    const numeric = clean.fieldInfo().filter((f) => f.kind !== 'categorical');
    expect(numeric.length).toBeGreaterThan(30);
    for (const { name } of numeric) {
      const a = clean.field(name).sliceDates(0, t + 1);
      const b = garbled.field(name).sliceDates(0, t + 1);
      expect(Array.from(b.values), name).toEqual(Array.from(a.values));
    }
  });
});

describe('dataset checks', () => {
  it('refuses tables without the required ones', () => {
    const tables = market();
    tables.delete('daily');
    expect(() => createDataset(tables)).toThrow('dataset: the required table `daily` is missing');
  });

  it('counts daily rows of unknown stocks instead of dropping them silently', () => {
    const tables = market();
    const stocks = tables.get('stocks')!;
    tables.set('stocks', tableFromColumns('stocks', { ts_code: { type: 'string', values: ['600000.SH', '300001.SZ'] }, list_date: { type: 'date', values: ['1999-11-10', '2021-03-03'] } }));
    void stocks;
    const { notes } = createDataset(tables);
    expect(notes).toContainEqual(expect.objectContaining({ table: 'daily', code: 'unknown_asset', count: 5 }));
  });
});
