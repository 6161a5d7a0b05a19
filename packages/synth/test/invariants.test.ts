import { TABLES, type Table, dateColumn, intToDate, limitPrice, numberColumn, stringAt, stringColumn } from '@factorkit/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SyntheticMarket, generateMarket } from '../src/index.js';
import { panels } from './helpers.js';

let market: SyntheticMarket;
let tables: Map<string, Table>;
beforeAll(() => {
  market = generateMarket({ seed: 11, stocks: 400, years: 3, funds: 12 });
  tables = market.tables;
});

const cellText = (table: Table, column: string, row: number): string => {
  const c = table.columns.get(column)!;
  if (c.type === 'string') return stringAt(c, row) ?? '';
  if (c.type === 'date') return c.values[row] === 0 ? '' : intToDate(c.values[row]!);
  return Number.isNaN(c.values[row]!) ? '' : String(c.values[row]);
};

describe('tables match the dataset format', () => {
  it('has every table of schema.ts', () => {
    expect([...tables.keys()].sort()).toEqual(Object.keys(TABLES).sort());
  });

  it('has the schema’s columns, types, required columns, nullability, ranges and allowed values', () => {
    for (const [name, table] of tables) {
      const schema = TABLES[name]!;
      for (const spec of schema.columns) if (spec.required) expect(table.columns.has(spec.name), `${name}.${spec.name}`).toBe(true);
      for (const [colName, column] of table.columns) {
        const spec = schema.columns.find((c) => c.name === colName);
        expect(spec, `${name}.${colName} is in the schema`).toBeDefined();
        expect(column.type, `${name}.${colName}`).toBe(spec!.type);
        const length = column.type === 'string' ? column.codes.length : column.values.length;
        expect(length, `${name}.${colName} length`).toBe(table.rowCount);
        for (let r = 0; r < table.rowCount; r++) {
          const missing = column.type === 'string' ? column.codes[r]! < 0 : column.type === 'date' ? column.values[r] === 0 : Number.isNaN(column.values[r]!);
          if (missing) {
            if (!spec!.nullable) expect.fail(`${name}.${colName} row ${r} is empty`);
            continue;
          }
          if (column.type === 'number') {
            const v = column.values[r]!;
            if (!Number.isFinite(v)) expect.fail(`${name}.${colName} row ${r} = ${v}`);
            if (spec!.min !== undefined && v < spec!.min) expect.fail(`${name}.${colName} row ${r} = ${v} < ${spec!.min}`);
            if (spec!.max !== undefined && v > spec!.max) expect.fail(`${name}.${colName} row ${r} = ${v} > ${spec!.max}`);
          }
          if (column.type === 'string' && spec!.values && !spec!.values.includes(column.dictionary[column.codes[r]!]!)) {
            expect.fail(`${name}.${colName} row ${r} = ${column.dictionary[column.codes[r]!]}`);
          }
        }
      }
    }
  });

  it('has unique keys, the schema’s row order, and calendar dates where required', () => {
    const calendar = new Set(dateColumn(tables.get('calendar')!, 'trade_date'));
    for (const [name, table] of tables) {
      const schema = TABLES[name]!;
      if (schema.key.length > 0) {
        const seen = new Set<string>();
        for (let r = 0; r < table.rowCount; r++) {
          const key = schema.key.map((c) => cellText(table, c, r)).join('|');
          if (seen.has(key)) expect.fail(`${name}: duplicate key ${key}`);
          seen.add(key);
        }
      }
      for (const col of schema.calendarDates ?? []) {
        const values = dateColumn(table, col);
        for (let r = 0; r < table.rowCount; r++) if (!calendar.has(values[r]!)) expect.fail(`${name}.${col} row ${r}: ${values[r]} not a trading day`);
      }
    }
    // daily: by ts_code, then trade_date rising within each stock.
    const daily = tables.get('daily')!;
    const code = stringColumn(daily, 'ts_code');
    const date = dateColumn(daily, 'trade_date');
    for (let r = 1; r < daily.rowCount; r++) {
      const a = code.dictionary[code.codes[r - 1]!]!;
      const b = code.dictionary[code.codes[r]!]!;
      if (a > b || (a === b && date[r - 1]! >= date[r]!)) expect.fail(`daily row ${r} out of order`);
    }
    for (const name of ['fund_nav', 'index_daily'] as const) {
      const t = tables.get(name)!;
      const by = dateColumn(t, 'trade_date');
      const within = stringColumn(t, TABLES[name]!.order!.within!);
      for (let r = 1; r < t.rowCount; r++) if (within.codes[r] === within.codes[r - 1] && by[r]! <= by[r - 1]!) expect.fail(`${name} row ${r} out of order`);
    }
  });
});

describe('stocks', () => {
  it('has realistic codes by board and listing dates', () => {
    const stocks = tables.get('stocks')!;
    const code = stringColumn(stocks, 'ts_code');
    const board = stringColumn(stocks, 'board');
    const list = dateColumn(stocks, 'list_date');
    for (let r = 0; r < stocks.rowCount; r++) {
      const c = stringAt(code, r)!;
      const b = stringAt(board, r)!;
      expect(c).toMatch(/^\d{6}\.(SH|SZ|BJ)$/);
      if (c.startsWith('688')) expect(b).toBe('star');
      if (c.startsWith('300') || c.startsWith('301')) expect(b).toBe('chinext');
      if (c.endsWith('.BJ')) expect(b).toBe('bse');
      if (/^(60[0135]|00[0123])/.test(c)) expect(b).toBe('main');
      if (b === 'star') expect(list[r]!).toBeGreaterThanOrEqual(20190722);
      if (b === 'bse') expect(list[r]!).toBeGreaterThanOrEqual(20211115);
      if (c.startsWith('301')) expect(list[r]!).toBeGreaterThanOrEqual(20200824);
    }
  });

  it('lists IPOs inside the data and delists some stocks, consistently with daily', () => {
    const stocks = tables.get('stocks')!;
    const first = dateColumn(stocks, 'first_trade_date');
    const last = dateColumn(stocks, 'last_trade_date');
    const delist = dateColumn(stocks, 'delist_date');
    const delisted = numberColumn(stocks, 'delisted');
    const list = dateColumn(stocks, 'list_date');
    const start = market.truth.dates[0]!;
    let ipos = 0;
    let gone = 0;
    for (let r = 0; r < stocks.rowCount; r++) {
      if (list[r]! >= start) {
        ipos++;
        expect(first[r]).toBe(list[r]);
      }
      if (delisted[r] === 1) {
        gone++;
        expect(delist[r]!).toBeGreaterThan(last[r]!);
      } else expect(delist[r]).toBe(0);
    }
    expect(ipos).toBeGreaterThan(40);
    expect(gone).toBeGreaterThan(0);
  });
});

describe('daily bars', () => {
  it('has positive prices, OHLC consistency, hfq consistency and pct_chg within the board limit', () => {
    const d = tables.get('daily')!;
    const floatShare = numberColumn(d, 'float_share');
    const col = (name: string): Float64Array => numberColumn(d, name);
    const open = col('open');
    const high = col('high');
    const low = col('low');
    const close = col('close');
    const pre = col('pre_close');
    const pct = col('pct_chg');
    const adj = col('adj_factor');
    const trading = col('is_trading');
    const st = col('is_st');
    const vol = col('volume');
    const amount = col('amount');
    const turnover = col('turnover_rate');
    const code = stringColumn(d, 'ts_code');
    const date = dateColumn(d, 'trade_date');
    const stocks = tables.get('stocks')!;
    const board = new Map<string, string>();
    const listDate = new Map<string, number>();
    for (let r = 0; r < stocks.rowCount; r++) {
      board.set(stringAt(stringColumn(stocks, 'ts_code'), r)!, stringAt(stringColumn(stocks, 'board'), r)!);
      listDate.set(stringAt(stringColumn(stocks, 'ts_code'), r)!, dateColumn(stocks, 'list_date')[r]!);
    }
    let suspended = 0;
    let limitDays = 0;
    let onePrice = 0;
    let stDays = 0;
    let days = 0;
    let prevCode = -1;
    for (let r = 0; r < d.rowCount; r++) {
      const c = stringAt(code, r)!;
      if (code.codes[r] !== prevCode) {
        days = 0;
        prevCode = code.codes[r]!;
      }
      days++;
      for (const v of [open[r]!, high[r]!, low[r]!, close[r]!, pre[r]!, adj[r]!]) if (!(v > 0)) expect.fail(`daily row ${r}: non-positive price`);
      if (high[r]! < Math.max(open[r]!, close[r]!) - 1e-9 || low[r]! > Math.min(open[r]!, close[r]!) + 1e-9) expect.fail(`daily row ${r}: OHLC`);
      // hfq: the day's change from adjusted prices equals pct_chg (which comes from raw prices).
      if (Math.abs(pct[r]! / 100 - (close[r]! / pre[r]! - 1)) > 2e-5) expect.fail(`daily row ${r}: pct_chg ${pct[r]} vs ${close[r]}/${pre[r]}`);
      // raw prices lie on the 0.01 CNY tick grid
      const raw = close[r]! / adj[r]!;
      if (Math.abs(raw * 100 - Math.round(raw * 100)) > 1e-3 * Math.max(1, raw)) expect.fail(`daily row ${r}: raw close ${raw} off the tick grid`);
      if (trading[r] === 0) {
        suspended++;
        const flat = open[r] === close[r] && high[r] === close[r] && low[r] === close[r] && pre[r] === close[r];
        if (!flat || vol[r] !== 0 || pct[r] !== 0 || !Number.isNaN(turnover[r]!)) expect.fail(`daily row ${r}: suspension row not flat`);
        continue;
      }
      if (vol[r]! % 100 !== 0 || !(vol[r]! > 0)) expect.fail(`daily row ${r}: volume ${vol[r]}`);
      const vwap = amount[r]! / vol[r]!;
      if (vwap < low[r]! / adj[r]! - 0.01 || vwap > high[r]! / adj[r]! + 0.01) expect.fail(`daily row ${r}: VWAP ${vwap} outside the day's range`);
      if (Math.abs(turnover[r]! - (vol[r]! / floatShare[r]!) * 100) > 1e-5) expect.fail(`daily row ${r}: turnover`);
      const b = board.get(c)!;
      const listing = date[r] === listDate.get(c);
      const young = date[r]! >= listDate.get(c)! && days <= 5;
      const isSt = st[r] === 1;
      if (isSt) stDays++;
      let band = b === 'main' ? (isSt ? 0.05 : 0.1) : b === 'chinext' ? (date[r]! >= 20200824 ? 0.2 : isSt ? 0.05 : 0.1) : b === 'star' ? 0.2 : 0.3;
      if (listing) band = b === 'main' || (b === 'chinext' && date[r]! < 20200824) ? (listDate.get(c)! >= 20230410 ? Infinity : 0.44) : Infinity;
      else if (young && (b === 'star' || (b === 'chinext' && listDate.get(c)! >= 20200824) || (b === 'main' && listDate.get(c)! >= 20230410))) band = Infinity;
      // Half-cent rounding of the limit price allows a little more on low-priced stocks.
      const rawPre = pre[r]! / adj[r]!;
      const tolerance = 0.5 / rawPre + 5e-4;
      if (Math.abs(pct[r]!) > band * 100 + tolerance) expect.fail(`daily row ${r} ${c} ${date[r]}: pct_chg ${pct[r]} beyond ${band * 100} %`);
      if (Math.abs(Math.abs(pct[r]!) - band * 100) <= tolerance) {
        limitDays++;
        // A limit close is exactly the exchange's limit price (@factorkit/data's rule).
        const side = pct[r]! > 0 ? 'up' : 'down';
        const limit = limitPrice(Math.round(rawPre * 100) / 100, band, side);
        if (Math.abs(raw - limit) > 1e-6 && Math.abs(Math.abs(pct[r]!) - band * 100) < 0.5 * tolerance) expect.fail(`daily row ${r}: limit close ${raw}, limit price ${limit}`);
        if (open[r] === close[r] && high[r] === low[r]) onePrice++;
      }
    }
    expect(suspended).toBeGreaterThan(0);
    expect(limitDays).toBeGreaterThan(100);
    expect(onePrice).toBeGreaterThan(10);
    expect(stDays).toBeGreaterThan(0);
  });

  it('keeps hfq prices continuous across dividends: pre_close equals the previous adjusted close', () => {
    const d = tables.get('daily')!;
    const close = numberColumn(d, 'close');
    const pre = numberColumn(d, 'pre_close');
    const adj = numberColumn(d, 'adj_factor');
    const code = stringColumn(d, 'ts_code').codes;
    let exDays = 0;
    for (let r = 1; r < d.rowCount; r++) {
      if (code[r] !== code[r - 1]) continue;
      if (adj[r] !== adj[r - 1]) exDays++;
      if (!(Math.abs(pre[r]! / close[r - 1]! - 1) < 2e-6 + 0.005 / (close[r - 1]! / adj[r - 1]!))) expect.fail(`daily row ${r}: hfq break`);
    }
    expect(exDays).toBeGreaterThan(50);
  });

  it('computes pe_ttm from the fundamentals known at the time (point in time)', () => {
    const fina = tables.get('fina')!;
    const d = tables.get('daily')!;
    const p = panels(tables);
    const fCode = stringColumn(fina, 'ts_code');
    const ann = dateColumn(fina, 'ann_date');
    const end = dateColumn(fina, 'end_date');
    const np = numberColumn(fina, 'np_parent_ytd');
    const mv = p.field('total_mv');
    const pe = p.field('pe_ttm');
    const byStock = new Map<string, number[]>();
    for (let r = 0; r < fina.rowCount; r++) (byStock.get(stringAt(fCode, r)!) ?? byStock.set(stringAt(fCode, r)!, []).get(stringAt(fCode, r)!)!).push(r);
    let checked = 0;
    for (let s = 0; s < p.S; s += 7) {
      const rows = byStock.get(p.codes[s]!) ?? [];
      for (let t = 30; t < p.T; t += 37) {
        if (Number.isNaN(mv[s * p.T + t]!)) continue;
        const day = p.dates[t]!;
        // Latest version of each period known by `day`.
        const known = new Map<number, number>();
        for (const r of rows) if (ann[r]! <= day) known.set(end[r]!, np[r]!);
        if (known.size === 0) continue;
        const q = Math.max(...known.keys());
        const year = Math.floor(q / 10_000);
        const lastQ4 = (year - 1) * 10_000 + 1231;
        const sameLastYear = q - 10_000;
        const ttm = q % 10_000 === 1231 ? known.get(q)! : known.get(q)! + (known.get(lastQ4) ?? Number.NaN) - (known.get(sameLastYear) ?? Number.NaN);
        const expected = mv[s * p.T + t]! / ttm;
        const got = pe[s * p.T + t]!;
        if (!Number.isFinite(expected) || ttm === 0) continue;
        expect(Math.abs(got / expected - 1), `${p.codes[s]} ${day}`).toBeLessThan(1e-4);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    void d;
  });
});

describe('fundamentals, consensus, pay and reports', () => {
  it('announces reports after the period ends, with realistic lags, late reports and restatements', () => {
    const fina = tables.get('fina')!;
    const ann = dateColumn(fina, 'ann_date');
    const end = dateColumn(fina, 'end_date');
    const code = stringColumn(fina, 'ts_code').codes;
    let restated = 0;
    const lagByQuarter = new Map<number, number[]>();
    for (let r = 0; r < fina.rowCount; r++) {
      expect(ann[r]!).toBeGreaterThan(end[r]!);
      expect([331, 630, 930, 1231]).toContain(end[r]! % 10_000);
      if (r > 0 && code[r] === code[r - 1] && end[r] === end[r - 1]) {
        restated++;
        expect(ann[r]!).toBeGreaterThan(ann[r - 1]!);
      }
      const days = (Date.UTC(Math.floor(ann[r]! / 1e4), (Math.floor(ann[r]! / 100) % 100) - 1, ann[r]! % 100) - Date.UTC(Math.floor(end[r]! / 1e4), (Math.floor(end[r]! / 100) % 100) - 1, end[r]! % 100)) / 864e5;
      const list = lagByQuarter.get(end[r]! % 10_000) ?? lagByQuarter.set(end[r]! % 10_000, []).get(end[r]! % 10_000)!;
      list.push(days);
    }
    expect(restated).toBeGreaterThan(0);
    const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    expect(median(lagByQuarter.get(331)!)).toBeLessThanOrEqual(31);
    expect(median(lagByQuarter.get(630)!)).toBeLessThanOrEqual(62);
    expect(median(lagByQuarter.get(1231)!)).toBeGreaterThan(45);
    expect(median(lagByQuarter.get(1231)!)).toBeLessThanOrEqual(121);
  });

  it('has consensus for two fiscal years of covered stocks, informative about reported profit', () => {
    const c = tables.get('consensus')!;
    const fy = numberColumn(c, 'fiscal_year');
    const date = dateColumn(c, 'trade_date');
    const analysts = numberColumn(c, 'num_analysts');
    for (let r = 0; r < c.rowCount; r++) {
      const y = Math.floor(date[r]! / 10_000);
      expect([y, y + 1]).toContain(fy[r]);
      expect(analysts[r]!).toBeGreaterThanOrEqual(1);
    }
    // The October consensus for this year vs the reported annual profit: same sign mostly, rank-correlated.
    const fina = tables.get('fina')!;
    const annual = new Map<string, number>();
    const fCode = stringColumn(fina, 'ts_code');
    const end = dateColumn(fina, 'end_date');
    const np = numberColumn(fina, 'np_parent_ytd');
    for (let r = 0; r < fina.rowCount; r++) if (end[r]! % 10_000 === 1231) annual.set(`${stringAt(fCode, r)}|${Math.floor(end[r]! / 1e4)}`, np[r]!);
    const cCode = stringColumn(c, 'ts_code');
    const forecast = numberColumn(c, 'net_profit');
    let agree = 0;
    let total = 0;
    for (let r = 0; r < c.rowCount; r++) {
      if (Math.floor(date[r]! / 100) % 100 !== 10 || fy[r] !== Math.floor(date[r]! / 1e4)) continue;
      const actual = annual.get(`${stringAt(cCode, r)}|${fy[r]}`);
      if (actual === undefined) continue;
      total++;
      if (Math.abs(forecast[r]! - actual) < 0.5 * Math.abs(actual)) agree++;
    }
    expect(total).toBeGreaterThan(50);
    expect(agree / total).toBeGreaterThan(0.6);
  });

  it('publishes executive pay with the annual report and analyst reports by named institutions', () => {
    const pay = tables.get('exec_pay')!;
    expect(pay.rowCount).toBeGreaterThan(300);
    const end = dateColumn(pay, 'end_date');
    for (let r = 0; r < pay.rowCount; r++) expect(end[r]! % 10_000).toBe(1231);
    const reports = tables.get('analyst_reports')!;
    expect(stringColumn(reports, 'institution').dictionary.length).toBeGreaterThanOrEqual(50);
    expect(reports.rowCount).toBeGreaterThan(1000);
  });

  it('has half-open, non-overlapping industry intervals', () => {
    const ind = tables.get('industry')!;
    const code = stringColumn(ind, 'ts_code').codes;
    const inDate = dateColumn(ind, 'in_date');
    const outDate = dateColumn(ind, 'out_date');
    for (let r = 0; r < ind.rowCount; r++) {
      if (outDate[r] !== 0) expect(outDate[r]!).toBeGreaterThan(inDate[r]!);
      if (r > 0 && code[r] === code[r - 1]) expect(inDate[r]).toBe(outDate[r - 1]);
    }
    expect(new Set(stringColumn(ind, 'l1_name').dictionary).size).toBeGreaterThanOrEqual(28);
  });
});

describe('indices and funds', () => {
  it('keeps every index at its size on every day, with weights summing to 100', () => {
    const members = tables.get('index_members')!;
    const p = panels(tables);
    const idx = stringColumn(members, 'index_code');
    const inDate = dateColumn(members, 'in_date');
    const outDate = dateColumn(members, 'out_date');
    for (const [codeName, size] of Object.entries(market.truth.indexSizes)) {
      const count = new Int32Array(p.T);
      for (let r = 0; r < members.rowCount; r++) {
        if (stringAt(idx, r) !== codeName) continue;
        for (let t = 0; t < p.T; t++) if (p.dates[t]! >= inDate[r]! && (outDate[r] === 0 || p.dates[t]! < outDate[r]!)) count[t]!++;
      }
      for (let t = 0; t < p.T; t++) if (count[t] !== size) expect.fail(`${codeName} has ${count[t]} members on ${p.dates[t]}, expected ${size}`);
    }
    const w = tables.get('index_weight')!;
    const sums = new Map<string, number>();
    const wi = stringColumn(w, 'index_code');
    const wd = dateColumn(w, 'trade_date');
    const wv = numberColumn(w, 'weight');
    for (let r = 0; r < w.rowCount; r++) sums.set(`${stringAt(wi, r)}|${wd[r]}`, (sums.get(`${stringAt(wi, r)}|${wd[r]}`) ?? 0) + wv[r]!);
    expect(sums.size).toBeGreaterThan(100);
    for (const [key, sum] of sums) expect(Math.abs(sum - 100), key).toBeLessThan(0.05);
  });

  it('runs funds with daily NAVs and quarterly disclosures of top ten holdings', () => {
    const funds = tables.get('funds')!;
    expect(funds.rowCount).toBe(12);
    const nav = tables.get('fund_nav')!;
    for (const v of numberColumn(nav, 'nav')) expect(v).toBeGreaterThan(0);
    const h = tables.get('fund_holdings')!;
    const ann = dateColumn(h, 'ann_date');
    const end = dateColumn(h, 'end_date');
    for (let r = 0; r < h.rowCount; r++) expect(ann[r]!).toBeGreaterThan(end[r]!);
    for (const f of market.truth.funds) {
      if (f.type === 'index_enhanced' && Number.isFinite(f.realizedTrackingError)) {
        expect(f.realizedTrackingError).toBeGreaterThan(0.01);
        expect(f.realizedTrackingError).toBeLessThan(0.15);
      }
    }
  });

  it('writes composite benchmark texts, the investment type and the benchmark equity weight in `funds`', () => {
    const funds = tables.get('funds')!;
    const code = stringColumn(funds, 'fund_code');
    const type = stringColumn(funds, 'fund_type');
    const texts = new Set<string>();
    for (let r = 0; r < funds.rowCount; r++) {
      const truth = market.truth.funds.find((f) => f.code === stringAt(code, r))!;
      const text = cellText(funds, 'benchmark', r);
      const kind = stringAt(type, r);
      texts.add(text);
      expect(truth.benchmarkText).toBe(text);
      if (kind === 'active_equity') {
        expect(['80% 000300.SH + 20% deposit', '50% 000300.SH + 30% 000905.SH + 20% deposit']).toContain(text);
        expect([cellText(funds, 'invest_type', r), cellText(funds, 'bench_equity_pct', r)]).toEqual(['混合型', '80']);
      } else {
        // Index funds, enhanced or passive: 95 % of the tracked index, 5 % at the deposit rate.
        expect(text).toBe(`95% ${truth.benchmark!} + 5% deposit`);
        expect([cellText(funds, 'invest_type', r), cellText(funds, 'bench_equity_pct', r)]).toEqual([kind === 'index_enhanced' ? '增强指数型' : '被动指数型', '95']);
      }
    }
    // The 12 funds include both active forms.
    expect(texts).toContain('80% 000300.SH + 20% deposit');
    expect(texts).toContain('50% 000300.SH + 30% 000905.SH + 20% deposit');
  });

  it('gives each holdings row its fund’s size (NAV × units), stock weight, position value and portfolio group at the period end', () => {
    const h = tables.get('fund_holdings')!;
    const nav = tables.get('fund_nav')!;
    const navOf = new Map<string, number>();
    const navCode = stringColumn(nav, 'fund_code');
    const navDate = dateColumn(nav, 'trade_date');
    const navValue = numberColumn(nav, 'nav');
    for (let r = 0; r < nav.rowCount; r++) navOf.set(`${stringAt(navCode, r)}|${navDate[r]}`, navValue[r]!);
    const dates = dateColumn(tables.get('calendar')!, 'trade_date');
    const lastDayOnOrBefore = (d: number): number => {
      let found = 0;
      for (const t of dates) if (t <= d) found = t;
      return found;
    };
    const code = stringColumn(h, 'fund_code');
    const end = dateColumn(h, 'end_date');
    const weight = numberColumn(h, 'weight');
    const size = numberColumn(h, 'fund_size_100m');
    const stockPct = numberColumn(h, 'fund_stock_pct');
    const mkv = numberColumn(h, 'mkv');
    const group = stringColumn(h, 'portfolio_group');
    // No subscriptions or redemptions: size / NAV (the fund's units) is the same in every period.
    const units = new Map<string, number[]>();
    const weightSum = new Map<string, number>();
    for (let r = 0; r < h.rowCount; r++) {
      const fund = stringAt(code, r)!;
      expect(stringAt(group, r)).toBe(fund);
      const periodNav = navOf.get(`${fund}|${lastDayOnOrBefore(end[r]!)}`)!;
      expect(periodNav).toBeGreaterThan(0);
      units.set(fund, [...(units.get(fund) ?? []), (size[r]! * 1e8) / periodNav]);
      // mkv = weight × size, up to the rounding of weight (1e-4 percent) and size (1e-4 × 1e8 CNY).
      const bound = 0.5e-6 * size[r]! * 1e8 + (weight[r]! / 100) * 0.5e-4 * 1e8 + 1;
      expect(Math.abs(mkv[r]! - (weight[r]! / 100) * size[r]! * 1e8)).toBeLessThan(bound);
      const key = `${fund}|${end[r]}`;
      weightSum.set(key, (weightSum.get(key) ?? 0) + weight[r]!);
      expect(stockPct[r]!).toBeGreaterThan(50);
      expect(stockPct[r]!).toBeLessThanOrEqual(100);
    }
    for (const [fund, u] of units) for (const x of u) expect(Math.abs(x / u[0]! - 1), fund).toBeLessThan(1e-3);
    // Where the full holdings were disclosed (June and December), they sum to the stock weight.
    let full = 0;
    for (let r = 0; r < h.rowCount; r++) {
      const key = `${stringAt(code, r)}|${end[r]}`;
      if (Math.abs(weightSum.get(key)! - stockPct[r]!) < 0.01) full++;
    }
    expect(full).toBeGreaterThan(h.rowCount / 2);
  });
});
