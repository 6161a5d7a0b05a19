/**
 * Turning the simulation's arrays into dataset tables (`Table`, as `@factorkit/data` reads and
 * writes them): column names, types and order as in `TABLES`, rows sorted as the format asks.
 */
import { type Column, type StringColumn, type Table, encodeStrings } from '@factorkit/data';
import type { FundResult } from './funds.js';
import { HSI_SPEC, type HsiSeries } from './hsi.js';
import { INDEX_SPECS, type IndexResult } from './indexes.js';
import { INDUSTRIES, INSTITUTIONS } from './reference.js';
import type { SimResult } from './simulate.js';
import type { Universe } from './universe.js';
import { groupRows, quarterEnd, sortRows } from './util.js';

const num = (values: Float64Array | readonly number[]): Column => ({ type: 'number', values: values instanceof Float64Array ? values : Float64Array.from(values) });
const date = (values: Int32Array): Column => ({ type: 'date', values });
const str = (codes: Int32Array, dictionary: readonly string[]): StringColumn => ({ type: 'string', codes, dictionary });
const table = (name: string, rowCount: number, columns: [string, Column][]): Table => ({ name, rowCount, columns: new Map(columns) });

/** The rows of `perm` that pass `keep`, in order. */
function keepRows(perm: Int32Array, keep: (row: number) => boolean): Int32Array {
  return perm.filter((r) => keep(r));
}

/** Gather `values` in the order `perm`, as a Float64Array. */
function gather(values: readonly number[], perm: Int32Array): Float64Array {
  const out = new Float64Array(perm.length);
  for (let r = 0; r < perm.length; r++) out[r] = values[perm[r]!]!;
  return out;
}
function gatherInt(values: readonly number[], perm: Int32Array, map: (v: number) => number = (v) => v): Int32Array {
  const out = new Int32Array(perm.length);
  for (let r = 0; r < perm.length; r++) out[r] = map(values[perm[r]!]!);
  return out;
}

export interface TableInputs {
  readonly u: Universe;
  readonly sim: SimResult;
  readonly idx: IndexResult;
  /** The Hang Seng series, written after the A-share indices. */
  readonly hsi: HsiSeries;
  readonly funds: FundResult;
  readonly dates: Int32Array;
  readonly ext: Int32Array;
  readonly off: number;
  readonly baseYear: number;
}

/** Every table of the dataset, in `TABLES` order. */
export function buildTables(input: TableInputs): Map<string, Table> {
  const { u, sim, idx, hsi, funds, dates, ext, off, baseYear } = input;
  const N = u.n;
  const T = dates.length;
  const lastExt = off + T - 1;
  const dayDate = (t: number): number => dates[t]!;
  const extDate = (e: number): number => ext[e]!;
  const tables = new Map<string, Table>();

  tables.set('calendar', table('calendar', T, [['trade_date', date(dates)]]));

  // stocks
  {
    const codes = Int32Array.from({ length: N }, (_, i) => i);
    const exch = ['SH', 'SZ', 'BJ'];
    const boards = ['main', 'chinext', 'star', 'bse'];
    tables.set(
      'stocks',
      table('stocks', N, [
        ['ts_code', str(codes, u.codes)],
        ['name', str(codes, u.names)],
        ['exchange', str(Int32Array.from(u.exchange, (e) => exch.indexOf(e)), exch)],
        ['board', str(Int32Array.from(u.board, (b) => boards.indexOf(b)), boards)],
        ['list_date', date(u.listDate)],
        ['delist_date', date(Int32Array.from(u.delistDay, (d) => (d < T ? dates[d]! : 0)))],
        ['first_trade_date', date(Int32Array.from(sim.firstTrade, (d) => (d >= 0 ? dates[d]! : 0)))],
        ['last_trade_date', date(Int32Array.from(sim.lastTrade, (d) => (d >= 0 ? dates[d]! : 0)))],
        ['delisted', num(Float64Array.from(u.delistDay, (d) => (d < T ? 1 : 0)))],
      ]),
    );
  }

  // daily: already stock-major in ts_code order.
  {
    const { rows, rowStart, rowEnd, rowOffset } = sim.layout;
    const stock = new Int32Array(rows);
    const tradeDate = new Int32Array(rows);
    for (let i = 0; i < N; i++) {
      for (let t = rowStart[i]!; t < rowEnd[i]!; t++) {
        const k = rowOffset[i]! + t - rowStart[i]!;
        stock[k] = i;
        tradeDate[k] = dates[t]!;
      }
    }
    const d = sim.daily;
    tables.set(
      'daily',
      table('daily', rows, [
        ['ts_code', str(stock, u.codes)],
        ['trade_date', date(tradeDate)],
        ['open', num(d.open)],
        ['high', num(d.high)],
        ['low', num(d.low)],
        ['close', num(d.close)],
        ['pre_close', num(d.pre_close)],
        ['pct_chg', num(d.pct_chg)],
        ['volume', num(d.volume)],
        ['amount', num(d.amount)],
        ['turnover_rate', num(d.turnover_rate)],
        ['is_trading', num(d.is_trading)],
        ['is_st', num(d.is_st)],
        ['pe_ttm', num(d.pe_ttm)],
        ['pb_mrq', num(d.pb_mrq)],
        ['ps_ttm', num(d.ps_ttm)],
        ['adj_factor', num(d.adj_factor)],
        ['total_share', num(d.total_share)],
        ['float_share', num(d.float_share)],
        ['total_mv', num(d.total_mv)],
        ['circ_mv', num(d.circ_mv)],
      ]),
    );
  }

  // fina: published by the data's last day, by (ts_code, end_date, ann_date). Each stock's
  // reports were generated period by period, a restatement right after its original.
  {
    const f = sim.fina;
    const perm = keepRows(groupRows(f.stock, N), (r) => f.annExt[r]! <= lastExt);
    tables.set(
      'fina',
      table('fina', perm.length, [
        ['ts_code', str(gatherInt(f.stock, perm), u.codes)],
        ['ann_date', date(gatherInt(f.annExt, perm, extDate))],
        ['end_date', date(gatherInt(f.quarter, perm, (q) => quarterEnd(q, baseYear)))],
        ['net_profit_ytd', num(gather(f.netProfit, perm))],
        ['np_parent_ytd', num(gather(f.npParent, perm))],
        ['op_profit_ytd', num(gather(f.opProfit, perm))],
        ['revenue_ytd', num(gather(f.revenue, perm))],
        ['equity', num(gather(f.equity, perm))],
        ['total_assets', num(gather(f.assets, perm))],
        ['total_liab', num(gather(f.liab, perm))],
        ['eps_ttm', num(gather(f.epsTtm, perm))],
        ['roe_avg', num(gather(f.roe, perm))],
        ['total_share', num(gather(f.totalShare, perm))],
        ['float_share', num(gather(f.floatShare, perm))],
      ]),
    );
  }

  // industry: one interval per classification, SW2021 level-1 with synthetic level-3 codes.
  {
    const stock: number[] = [];
    const inDate: number[] = [];
    const outDate: number[] = [];
    const ind: number[] = [];
    const level3 = (i: number, k: number): string => `${INDUSTRIES[k]!.code.slice(0, 2)}${String(1 + ((i * 7 + k) % 3)).padStart(2, '0')}${String(1 + ((i * 13 + k) % 4)).padStart(2, '0')}`;
    for (let i = 0; i < N; i++) {
      const reclass = u.reclassDay[i]! < T;
      stock.push(i);
      inDate.push(u.listDate[i]!);
      outDate.push(reclass ? dates[u.reclassDay[i]!]! : 0);
      ind.push(u.industry0[i]!);
      if (reclass) {
        stock.push(i);
        inDate.push(dates[u.reclassDay[i]!]!);
        outDate.push(0);
        ind.push(u.industry1[i]!);
      }
    }
    const codes: string[] = [];
    const codeIndex = new Map<string, number>();
    const codeOf = (r: number): number => {
      const c = level3(stock[r]!, ind[r]!);
      let k = codeIndex.get(c);
      if (k === undefined) {
        codeIndex.set(c, (k = codes.length));
        codes.push(c);
      }
      return k;
    };
    const n = stock.length;
    tables.set(
      'industry',
      table('industry', n, [
        ['ts_code', str(Int32Array.from(stock), u.codes)],
        ['in_date', date(Int32Array.from(inDate))],
        ['out_date', date(Int32Array.from(outDate))],
        ['standard', str(new Int32Array(n), ['sw2021'])],
        ['industry_code', str(Int32Array.from({ length: n }, (_, r) => codeOf(r)), codes)],
        ['l1_code', str(Int32Array.from(ind), INDUSTRIES.map((x) => x.code))],
        ['l1_name', str(Int32Array.from(ind), INDUSTRIES.map((x) => x.name))],
      ]),
    );
  }

  // index_members, by (index_code, ts_code, in_date).
  {
    const m = idx.members;
    const perm = sortRows(m.stock.length, (r) => (m.index[r]! * N + m.stock[r]!) * 2 ** 14 + m.inDay[r]!, INDEX_SPECS.length * N * 2 ** 14);
    tables.set(
      'index_members',
      table('index_members', perm.length, [
        ['index_code', str(gatherInt(m.index, perm), INDEX_SPECS.map((s) => s.code))],
        ['ts_code', str(gatherInt(m.stock, perm), u.codes)],
        ['in_date', date(gatherInt(m.inDay, perm, dayDate))],
        ['out_date', date(gatherInt(m.outDay, perm, (t) => (t >= 0 ? dates[t]! : 0)))],
      ]),
    );
  }

  // index_weight, by (index_code, trade_date, ts_code): already generated in that order per day; sort to be sure.
  {
    const w = idx.weights;
    const perm = groupRows(w.index, INDEX_SPECS.length);
    tables.set(
      'index_weight',
      table('index_weight', perm.length, [
        ['index_code', str(gatherInt(w.index, perm), INDEX_SPECS.map((s) => s.code))],
        ['trade_date', date(gatherInt(w.day, perm, dayDate))],
        ['ts_code', str(gatherInt(w.stock, perm), u.codes)],
        ['weight', num(gather(w.weight, perm))],
      ]),
    );
  }

  // index_daily, by (index_code, trade_date): the A-share indices, then the Hang Seng series.
  {
    const nX = INDEX_SPECS.length;
    const rows = (nX + 1) * T;
    const indexCode = new Int32Array(rows);
    const tradeDate = new Int32Array(rows);
    for (let x = 0; x <= nX; x++) {
      for (let t = 0; t < T; t++) {
        indexCode[x * T + t] = x;
        tradeDate[x * T + t] = dates[t]!;
      }
    }
    const l = idx.levels;
    const joined = (a: Float64Array, b: Float64Array): Float64Array => {
      const out = new Float64Array(rows);
      out.set(a.subarray(0, nX * T));
      out.set(b, nX * T);
      return out;
    };
    tables.set(
      'index_daily',
      table('index_daily', rows, [
        ['index_code', str(indexCode, [...INDEX_SPECS.map((s) => s.code), HSI_SPEC.code])],
        ['trade_date', date(tradeDate)],
        ['open', num(joined(l.open, hsi.open))],
        ['high', num(joined(l.high, hsi.high))],
        ['low', num(joined(l.low, hsi.low))],
        ['close', num(joined(l.close, hsi.close))],
        ['volume', num(joined(l.volume, hsi.volume))],
        ['amount', num(joined(l.amount, hsi.amount))],
      ]),
    );
  }

  // consensus, by (ts_code, trade_date, fiscal_year).
  {
    const c = sim.consensus;
    const perm = groupRows(c.stock, N);
    tables.set(
      'consensus',
      table('consensus', perm.length, [
        ['ts_code', str(gatherInt(c.stock, perm), u.codes)],
        ['trade_date', date(gatherInt(c.day, perm, dayDate))],
        ['fiscal_year', num(gather(c.fiscalYear, perm))],
        ['net_profit', num(gather(c.netProfit, perm))],
        ['eps', num(gather(c.eps, perm))],
        ['bps', num(gather(c.bps, perm))],
        ['equity', num(gather(c.equity, perm))],
        ['num_analysts', num(gather(c.analysts, perm))],
      ]),
    );
  }

  // exec_pay, published by the data's last day, by (ts_code, end_date).
  {
    const e = sim.execPay;
    const perm = keepRows(groupRows(e.stock, N), (r) => e.annExt[r]! <= lastExt);
    tables.set(
      'exec_pay',
      table('exec_pay', perm.length, [
        ['ts_code', str(gatherInt(e.stock, perm), u.codes)],
        ['ann_date', date(gatherInt(e.annExt, perm, extDate))],
        ['end_date', date(gatherInt(e.fiscalYear, perm, (y) => y * 10_000 + 1231))],
        ['total_pay', num(gather(e.pay, perm))],
      ]),
    );
  }

  // analyst_reports, by (ts_code, report_date, institution).
  {
    const a = sim.reports;
    const nInst = INSTITUTIONS.length;
    const perm = groupRows(a.stock, N);
    tables.set(
      'analyst_reports',
      table('analyst_reports', perm.length, [
        ['ts_code', str(gatherInt(a.stock, perm), u.codes)],
        ['report_date', date(gatherInt(a.day, perm, dayDate))],
        ['institution', str(gatherInt(a.institution, perm), INSTITUTIONS.slice(0, nInst))],
      ]),
    );
  }

  // funds, fund_nav, fund_holdings.
  {
    const s = funds.specs;
    const nF = s.length;
    const fundCodes = s.map((x) => x.code);
    const ids = Int32Array.from({ length: nF }, (_, f) => f);
    const types = ['index_enhanced', 'passive_index', 'active_equity'];
    tables.set(
      'funds',
      table('funds', nF, [
        ['fund_code', str(ids, fundCodes)],
        ['name', str(ids, s.map((x) => x.name))],
        ['fund_type', str(Int32Array.from(s, (x) => types.indexOf(x.type)), types)],
        ['benchmark', encodeStrings(s.map((x) => x.benchmarkText))],
        ['inception_date', date(Int32Array.from(s, (x) => x.inceptionDate))],
        ['invest_type', encodeStrings(s.map((x) => x.investType))],
        ['bench_equity_pct', num(s.map((x) => x.benchEquityPct))],
      ]),
    );
    const n = funds.nav;
    const navPerm = groupRows(n.fund, nF);
    tables.set(
      'fund_nav',
      table('fund_nav', navPerm.length, [
        ['fund_code', str(gatherInt(n.fund, navPerm), fundCodes)],
        ['trade_date', date(gatherInt(n.day, navPerm, dayDate))],
        ['nav', num(gather(n.nav, navPerm))],
      ]),
    );
    const h = funds.holdings;
    const quarterKey = (d: number): number => Math.floor(d / 10_000) * 4 + Math.floor((Math.floor(d / 100) % 100) / 3);
    const minKey = quarterKey(dates[0]!);
    const holdPerm = sortRows(h.stock.length, (r) => (h.fund[r]! * 256 + (quarterKey(h.endDate[r]!) - minKey)) * N + h.stock[r]!, nF * 256 * N);
    tables.set(
      'fund_holdings',
      table('fund_holdings', holdPerm.length, [
        ['fund_code', str(gatherInt(h.fund, holdPerm), fundCodes)],
        ['ann_date', date(gatherInt(h.annDay, holdPerm, dayDate))],
        ['end_date', date(gatherInt(h.endDate, holdPerm))],
        ['ts_code', str(gatherInt(h.stock, holdPerm), u.codes)],
        ['weight', num(gather(h.weight, holdPerm))],
        ['shares', num(gather(h.shares, holdPerm))],
        ['mkv', num(gather(h.mkv, holdPerm))],
        ['fund_size_100m', num(gather(h.sizeBn, holdPerm))],
        ['fund_stock_pct', num(gather(h.stockPct, holdPerm))],
        // One class per simulated fund: each portfolio is its own group.
        ['portfolio_group', str(gatherInt(h.fund, holdPerm), fundCodes)],
      ]),
    );
  }
  return tables;
}
