import { describe, expect, it } from 'vitest';
import {
  type CategoricalPanel,
  type DataTable,
  FIELD,
  type MarketData,
  Panel,
  type TableColumn,
  TradingCalendar,
  computeFactor,
  createMemoryData,
  defineFactor,
  missingField,
  requireTable,
} from '../src/index.js';
import { arr, thrown } from './helpers.js';

const N = Number.NaN;
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];
const ASSETS = ['600519.SH', '000001.SZ'];

// close[t] = [10 + t, 20 + t]
const close = () =>
  Panel.fromRows([
    [10, 20],
    [11, 21],
    [12, 22],
    [13, 23],
    [14, 24],
  ]);

// Asset 0: bank, bank, tech, tech, missing. Asset 1: tech, tech, tech, bank, bank.
const industry = (): CategoricalPanel => ({
  dates: 5,
  assets: 2,
  codes: Int32Array.from([0, 0, 1, 1, -1, 1, 1, 1, 0, 0]),
  levels: ['bank', 'tech'],
});

const data = () =>
  createMemoryData({
    calendar: DATES,
    assets: ASSETS,
    fields: {
      close: close(),
      eps: { values: close(), kind: 'fundamental', description: 'earnings per share', unit: 'CNY' },
    },
    categorical: { industry: industry() },
  });

/** Codes of a categorical panel as rows[t][a]. */
function codeRows(panel: CategoricalPanel): number[][] {
  const rows: number[][] = [];
  for (let t = 0; t < panel.dates; t++) {
    const row: number[] = [];
    for (let a = 0; a < panel.assets; a++) row.push(panel.codes[a * panel.dates + t]!);
    rows.push(row);
  }
  return rows;
}

describe('createMemoryData', () => {
  it('exposes the calendar, assets and field info', () => {
    const d = data();
    expect(d.calendar.dates).toEqual(DATES);
    expect(d.assets).toEqual(ASSETS);
    expect(Object.isFrozen(d.assets)).toBe(true);
    expect(d.fieldInfo()).toEqual([
      { name: 'close', kind: 'market' },
      { name: 'eps', kind: 'fundamental', description: 'earnings per share', unit: 'CNY' },
      { name: 'industry', kind: 'categorical' },
    ]);
    expect(d.hasField('close')).toBe(true);
    expect(d.hasField('industry')).toBe(true);
    expect(d.hasField('open')).toBe(false);
  });

  it('reuses a given Calendar object', () => {
    const calendar = new TradingCalendar(DATES);
    const d = createMemoryData({ calendar, assets: ASSETS, fields: { close: close() } });
    expect(d.calendar).toBe(calendar);
  });

  it('works with no fields at all', () => {
    const d = createMemoryData({ calendar: DATES, assets: ASSETS });
    expect(d.fieldInfo()).toEqual([]);
    expect(thrown(() => d.field('close')).message).toBe('the dataset has no field `close`');
  });

  it('rejects a panel whose shape does not match the calendar and assets', () => {
    const error = thrown(() => createMemoryData({ calendar: DATES, assets: ASSETS, fields: { close: new Panel(4, 2) } }));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('memory data: field `close` is 4 dates × 2 assets, but the calendar has 5 dates and there are 2 assets');
    expect(thrown(() => createMemoryData({ calendar: DATES, assets: ASSETS, fields: { close: { values: new Panel(5, 3) } } })).code).toBe(
      'FK_INVALID_DATA',
    );
  });

  it('rejects categorical panels of the wrong shape or code count', () => {
    const wrongShape = thrown(() => createMemoryData({ calendar: DATES, assets: ASSETS, categorical: { industry: { ...industry(), dates: 4 } } }));
    expect(wrongShape.code).toBe('FK_INVALID_DATA');
    expect(wrongShape.message).toContain('`industry` is 4 dates × 2 assets');
    const wrongCodes = thrown(() =>
      createMemoryData({ calendar: DATES, assets: ASSETS, categorical: { industry: { ...industry(), codes: new Int32Array(9) } } }),
    );
    expect(wrongCodes.code).toBe('FK_INVALID_DATA');
    expect(wrongCodes.message).toBe('memory data: categorical field `industry` has 9 codes, expected 10');
  });

  it('rejects a duplicate asset', () => {
    const error = thrown(() => createMemoryData({ calendar: DATES, assets: ['A.SH', 'B.SZ', 'A.SH'] }));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('memory data: asset `"A.SH"` appears twice');
  });

  it('rejects a malformed calendar', () => {
    expect(thrown(() => createMemoryData({ calendar: ['2024-01-03', '2024-01-02'], assets: ASSETS })).code).toBe('FK_INVALID_DATA');
  });
});

describe('MarketData.field', () => {
  it('hands out the stored panel for the whole range without a lag (read-only), a new one otherwise', () => {
    const stored = close();
    const d = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { close: { values: stored, kind: 'market' } } });
    expect(d.field('close')).toBe(stored);
    expect(d.field('close', { lag: 1 }).values).not.toBe(stored.values);
    const window = d.window(1, 3).field('close');
    expect(window.values).not.toBe(stored.values);
    window.set(0, 0, 999);
    expect(stored.get(1, 0)).toBe(11);
  });

  it('applies a lag: row t holds row t − lag, the first rows are NaN', () => {
    const d = data();
    expect(d.field('close', { lag: 1 }).toRows()).toEqual([
      [N, N],
      [10, 20],
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    expect(d.field('close', { lag: 4 }).toRows()).toEqual([
      [N, N],
      [N, N],
      [N, N],
      [N, N],
      [10, 20],
    ]);
    expect(d.field('close', { lag: 0 }).toRows()).toEqual(close().toRows());
  });

  it('rejects a negative or fractional lag', () => {
    expect(thrown(() => data().field('close', { lag: -1 })).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => data().field('close', { lag: 0.5 })).message).toBe('field request: lag must be a non-negative integer, got `0.5`');
  });

  it('throws FK_MISSING_INPUT naming the field and what the dataset has', () => {
    const d = data();
    const error = thrown(() => d.field('open'));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('the dataset has no field `open` (it has: close, eps, industry)');
    expect(error.details).toEqual({ missing: ['open'], available: ['close', 'eps', 'industry'] });
    expect(thrown(() => d.categorical('sector')).code).toBe('FK_MISSING_INPUT');
    expect(thrown(() => d.categorical('sector')).message).toContain('`sector`');
  });

  it('missingField() throws the same standard error', () => {
    const error = thrown(() => missingField(FIELD.turnover, data()));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toContain('`turnover`');
  });
});

describe('MarketData.window', () => {
  it('cuts the calendar and every field to [start, end)', () => {
    const w = data().window(2, 4);
    expect(w.calendar.dates).toEqual(['2024-01-04', '2024-01-05']);
    expect(w.assets).toEqual(ASSETS);
    expect(w.field('close').toRows()).toEqual([
      [12, 22],
      [13, 23],
    ]);
    expect(w.fieldInfo().map((f) => f.name)).toEqual(['close', 'eps', 'industry']);
    expect(w.hasField('eps')).toBe(true);
  });

  it('a lag inside a window still reaches data before the window start', () => {
    const w = data().window(2, 4);
    expect(w.field('close', { lag: 1 }).toRows()).toEqual([
      [11, 21],
      [12, 22],
    ]);
    expect(w.field('close', { lag: 2 }).toRows()).toEqual([
      [10, 20],
      [11, 21],
    ]);
    expect(w.field('close', { lag: 3 }).toRows()).toEqual([
      [N, N],
      [10, 20],
    ]);
  });

  it('windows compose relative to the outer window', () => {
    const w = data().window(1, 5).window(1, 3);
    expect(w.calendar.dates).toEqual(['2024-01-04', '2024-01-05']);
    expect(w.field('close', { lag: 1 }).toRows()).toEqual([
      [11, 21],
      [12, 22],
    ]);
  });

  it('an empty window has no rows', () => {
    const w = data().window(3, 3);
    expect(w.calendar.length).toBe(0);
    expect(w.field('close').dates).toBe(0);
    expect(w.categorical('industry').dates).toBe(0);
  });

  it('rejects ranges outside the data', () => {
    const d = data();
    for (const [s, e] of [
      [-1, 2],
      [0, 6],
      [3, 2],
      [0.5, 2],
    ] as const) {
      expect(thrown(() => d.window(s, e)).code).toBe('FK_INVALID_ARGUMENT');
    }
    expect(thrown(() => d.window(3, 2)).message).toBe('memory data: window [3, 2) is outside 0..5');
    expect(thrown(() => d.window(2, 4).window(0, 3)).message).toBe('memory data: window [0, 3) is outside 0..2');
  });
});

describe('MarketData.categorical', () => {
  it('returns the codes and levels', () => {
    const panel = data().categorical('industry');
    expect([panel.dates, panel.assets]).toEqual([5, 2]);
    expect(panel.levels).toEqual(['bank', 'tech']);
    expect(codeRows(panel)).toEqual([
      [0, 1],
      [0, 1],
      [1, 1],
      [1, 0],
      [-1, 0],
    ]);
  });

  it('applies a lag, with -1 (missing) for the first rows', () => {
    expect(codeRows(data().categorical('industry', { lag: 1 }))).toEqual([
      [-1, -1],
      [0, 1],
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
  });

  it('a lag inside a window reaches before the window start', () => {
    const panel = data().window(2, 4).categorical('industry', { lag: 1 });
    expect([panel.dates, panel.assets]).toEqual([2, 2]);
    expect(codeRows(panel)).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(codeRows(data().window(1, 3).categorical('industry', { lag: 2 }))).toEqual([
      [-1, -1],
      [0, 1],
    ]);
  });

  it('hands out the stored codes for the whole range without a lag (read-only), a copy otherwise', () => {
    const source = industry();
    const d = createMemoryData({ calendar: DATES, assets: ASSETS, categorical: { industry: source } });
    expect(d.categorical('industry')).toBe(source);
    d.categorical('industry', { lag: 1 }).codes[1] = 7;
    d.window(0, 2).categorical('industry').codes[0] = 7;
    expect(arr(d.categorical('industry').codes)).toEqual(arr(industry().codes));
  });

  it('rejects a bad lag', () => {
    expect(thrown(() => data().categorical('industry', { lag: -2 })).code).toBe('FK_INVALID_ARGUMENT');
  });
});

describe('reading a field as the wrong type', () => {
  it('says which reader to use instead of calling the field missing', async () => {
    const { Panel, createMemoryData } = await import('../src/index.js');
    const data = createMemoryData({
      calendar: ['2024-01-02'],
      assets: ['A'],
      fields: { ret: Panel.fromRows([[0.01]]) },
      categorical: { industry: { dates: 1, assets: 1, codes: Int32Array.from([0]), levels: ['银行'] } },
    });
    expect(() => data.field('industry')).toThrow('field `industry` is categorical: read it with `categorical()`, not `field()`');
    expect(() => data.categorical('ret')).toThrow('field `ret` is numeric: read it with `field()`, not `categorical()`');
    expect(() => data.field('nope')).toThrow(expect.objectContaining({ code: 'FK_MISSING_INPUT' }) as Error);
  });
});

describe('MarketData.table', () => {
  // A two-row fund table: built by hand, in the columnar shape of DataTable.
  const funds: DataTable = {
    name: 'funds',
    rowCount: 2,
    columns: new Map<string, TableColumn>([
      ['fund_code', { type: 'string', codes: Int32Array.from([0, 1]), dictionary: ['000001', '000002'] }],
      ['inception_date', { type: 'date', values: Int32Array.from([20200105, 0]) }],
    ]),
  };
  const withTables = () => createMemoryData({ calendar: DATES, assets: ASSETS, fields: { close: close() }, tables: { funds } });

  it('serves a table as given, and undefined for a table the data does not have', () => {
    const d = withTables();
    expect(d.table!('funds')).toBe(funds);
    expect(d.table!('fund_holdings')).toBeUndefined();
    expect(data().table!('funds')).toBeUndefined();
  });

  it('a window keeps the whole table: a table is not cut by date', () => {
    const view = withTables().window(3, 5).window(1, 2);
    expect(view.calendar.dates).toEqual(['2024-01-08']);
    expect(view.table!('funds')).toBe(funds);
    expect(view.table!('funds')!.rowCount).toBe(2);
  });

  it('requireTable returns the table, or throws FK_MISSING_INPUT naming the table', () => {
    expect(requireTable(withTables(), 'funds', 'universe `x`')).toBe(funds);
    const missing = thrown(() => requireTable(withTables(), 'fund_holdings', 'universe `x`'));
    expect(missing.code).toBe('FK_MISSING_INPUT');
    expect(missing.message).toBe('universe `x`: table `fund_holdings` is needed, but the dataset does not have it');
    expect(missing.details).toEqual({ missing: ['fund_holdings'] });
  });

  it('requireTable: data without a table() method cannot provide tables (FK_MISSING_INPUT naming the table)', () => {
    const d = withTables();
    const noTables: MarketData = {
      calendar: d.calendar,
      assets: d.assets,
      fieldInfo: () => d.fieldInfo(),
      hasField: (name) => d.hasField(name),
      field: (name, request) => d.field(name, request),
      categorical: (name, request) => d.categorical(name, request),
      window: (start, end) => d.window(start, end),
    };
    const error = thrown(() => requireTable(noTables, 'funds'));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('table `funds` is needed, but this data cannot provide tables (its `MarketData` has no `table()`)');
    expect(error.details).toEqual({ missing: ['funds'] });
  });

  it('a factor’s view has no tables: computeFactor hands out declared fields only', () => {
    let seen: unknown = 'not called';
    const plugin = defineFactor({
      id: 'peek',
      apiVersion: '1.0',
      meta: { description: 'looks for tables', category: 'other', inputs: [{ field: 'close' }], lookback: 0, direction: 1, params: {} },
      compute(ctx) {
        seen = 'table' in ctx.data ? typeof ctx.data.table : 'absent';
        return ctx.input('close');
      },
    });
    computeFactor(plugin, withTables());
    expect(seen).toBe('absent');
  });
});
