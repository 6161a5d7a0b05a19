/**
 * A small hand-made fund dataset: weekdays from 2023-12-18 to 2024-05-24 without the 2024
 * holidays below, two indices, a handful of funds with known NAV formulas. The tests recompute
 * every expected number from these formulas, not from the package.
 */
import type { DataTable } from '@factorkit/core';
import { type ColumnInput, tableFromColumns } from '@factorkit/data';
import type { FundDataset } from '../src/index.js';

const HOLIDAYS = new Set(['2024-01-01', '2024-02-09', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16', '2024-04-04', '2024-04-05', '2024-05-01', '2024-05-02', '2024-05-03']);

/** The trading days of the fixture, `YYYY-MM-DD`. */
export function tradingDays(from = '2023-12-18', to = '2024-05-24'): string[] {
  const out: string[] = [];
  const day = new Date(`${from}T00:00:00Z`);
  for (;;) {
    const text = day.toISOString().slice(0, 10);
    if (text > to) break;
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !HOLIDAYS.has(text)) out.push(text);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

export const DATES = tradingDays();
export const DATE_INTS = Int32Array.from(DATES, (d) => Number(d.replaceAll('-', '')));

/** Level of CSI 500 (`000905.SH`) and CSI 300 (`000300.SH`) on day `t`. */
export const csi500 = (t: number): number => 5000 * (1 + 0.0007 * t + 0.03 * Math.cos(t / 3));
export const csi300 = (t: number): number => 3500 * (1 - 0.0004 * t + 0.02 * Math.sin(t / 5));

/** NAV formulas of the funds, by code; `from` = first day index with a NAV. */
export const NAVS: Readonly<Record<string, { readonly from: number; readonly nav: (t: number) => number }>> = {
  '000001.OF': { from: 0, nav: (t) => 1.2 * (1 + 0.001 * t + 0.025 * Math.cos(t / 3)) },
  '000002.OF': { from: DATES.indexOf('2024-04-15'), nav: (t) => 1 + 0.0015 * (t - 80) + 0.01 * Math.sin(t) },
  '000003.OF': { from: 0, nav: (t) => 2 * (1 - 0.0002 * t + 0.02 * Math.sin(t / 5)) },
  '000004.OF': { from: 0, nav: (t) => 1 + 0.002 * t },
  '000005.OF': { from: 0, nav: (t) => 1.5 + 0.001 * t },
  '000006.OF': { from: 0, nav: (t) => 0.9 + 0.003 * Math.sin(t) },
  '000007.OF': { from: 0, nav: (t) => 1.1 + 0.0005 * t },
  '999999.OF': { from: 0, nav: () => 1 },
};

/** The `funds` rows: code, name, type, benchmark text. */
export const FUNDS: readonly (readonly [string, string, string, string | undefined])[] = [
  ['000001.OF', '甲中证500指数增强A', 'index_enhanced', '95% 000905.SH + 5% deposit'],
  ['000002.OF', '乙中证500指数增强C', 'index_enhanced', '中证500指数收益率*95%+同期银行活期存款利率(税后)*5%'],
  ['000003.OF', '丙沪深300指数增强A', 'index_enhanced', '95% 000300.SH + 5% deposit'],
  ['000004.OF', '丁增强A', 'index_enhanced', '95% 000905.SH + 5 deposit'],
  ['000005.OF', '戊中证1000增强', 'index_enhanced', '95% 000852.SH + 5% deposit'],
  ['000006.OF', '己混合', 'active_equity', '80% 000300.SH + 20% deposit'],
  ['000007.OF', '庚增强', 'index_enhanced', undefined],
];

/** The `fund_nav` rows (fund, date, nav) of every fund, up to the last day, fund by fund. */
export function navRows(codes: readonly string[] = Object.keys(NAVS)): [string, string, number][] {
  const rows: [string, string, number][] = [];
  for (const code of codes) {
    const { from, nav } = NAVS[code]!;
    for (let t = from; t < DATES.length; t++) rows.push([code, DATES[t]!, nav(t)]);
  }
  return rows;
}

/** A table from rows, with `source` and CSV `lines` (header on line 1) as the loader would set them. */
export function tableOf(name: string, columns: Readonly<Record<string, ColumnInput['type']>>, rows: readonly (readonly unknown[])[], withLines = true): DataTable {
  const inputs: Record<string, ColumnInput> = {};
  Object.entries(columns).forEach(([column, type], c) => {
    const values = rows.map((r) => r[c]);
    inputs[column] = type === 'string' ? { type, values: values as (string | undefined)[] } : type === 'date' ? { type, values: values as string[] } : { type, values: values as number[] };
  });
  const table = tableFromColumns(name, inputs);
  return withLines ? { ...table, source: `${name}.csv`, lines: Int32Array.from(rows, (_, i) => i + 2) } : table;
}

/** The fixture as a {@link FundDataset}; `tables` replaces or removes (`undefined`) tables. */
export function fixture(tables: Readonly<Record<string, DataTable | undefined>> = {}): FundDataset {
  const all = new Map<string, DataTable>([
    ['funds', tableOf('funds', { fund_code: 'string', name: 'string', fund_type: 'string', benchmark: 'string' }, FUNDS)],
    ['fund_nav', tableOf('fund_nav', { fund_code: 'string', trade_date: 'date', nav: 'number' }, navRows())],
  ]);
  for (const [name, table] of Object.entries(tables)) {
    if (table === undefined) all.delete(name);
    else all.set(name, table);
  }
  const levels = new Map([
    ['000905.SH', Float64Array.from(DATES, (_, t) => csi500(t))],
    ['000300.SH', Float64Array.from(DATES, (_, t) => csi300(t))],
  ]);
  return {
    dates: DATE_INTS,
    table: (name) => all.get(name),
    indexLevels: (code) => {
      const close = levels.get(code);
      return close ? { close } : undefined;
    },
    source: 'fixture',
  };
}

/** Calendar days between two `YYYY-MM-DD` dates. */
export function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}
