import { tableFromColumns } from '@factorkit/data';

/**
 * The hand-computed example of the tests: four funds and a C share class, three report periods.
 *
 * Funds (`funds` table): F1 `000001`, F2 `000003`, F3 `000004` active equity; F4 `000005`
 * `other` (a bond-leaning hybrid: left out by type). `000002` is F1's C class: not in `funds`,
 * repeating F1's lists (merged with F1 by identical lists, typed through it).
 *
 * Stocks: A `600519.SH` and B < C < D < E by code (`000001.SZ`, `000002.SZ`, `000063.SZ`,
 * `000333.SZ`), so ties break B, C, D, E; Z `688981.SH` only in F4.
 *
 * Reports (weights in percent of NAV):
 * | period | F1 (= C class) | F2 | F3 | F4 |
 * | --- | --- | --- | --- | --- |
 * | 2023-09-30, ann 2023-10-20 | A10 B5 C5 | A10 B5 D5 | A10 C5 E5 | Z30 |
 * | 2023-12-31 | ann 2024-01-18: A5 B10 E15 | ann 2024-01-20 (Sat): A20 D10 | ann 2024-01-25: A20 C10 E20 | ann 2024-01-18: Z30 |
 * | 2024-03-31, ann 2024-04-20 (Sat) | A10 B10 | A10 C10 | A10 B5 C5 | Z30 |
 */
export const DAYS = [
  '2023-10-16',
  '2023-10-20',
  '2023-10-23',
  '2024-01-17',
  '2024-01-18',
  '2024-01-19',
  '2024-01-22',
  '2024-01-24',
  '2024-01-25',
  '2024-04-19',
  '2024-04-22',
];

export const S = { A: '600519.SH', B: '000001.SZ', C: '000002.SZ', D: '000063.SZ', E: '000333.SZ', Z: '688981.SH' } as const;
type Stock = keyof typeof S;

type Row = [fund: string, ann: string, end: string, stock: Stock, weight: number, size?: number];

const P1 = '2023-09-30';
const P2 = '2023-12-31';
const P3 = '2024-03-31';

function rows(fund: string, ann: string, end: string, list: string, size?: number): Row[] {
  return list.split(' ').map((item) => [fund, ann, end, item[0] as Stock, Number(item.slice(1)), ...(size === undefined ? [] : [size])] as Row);
}

export const HOLDINGS: Row[] = [
  ...rows('000001', '2023-10-20', P1, 'A10 B5 C5'),
  ...rows('000002', '2023-10-20', P1, 'A10 B5 C5'),
  ...rows('000003', '2023-10-20', P1, 'A10 B5 D5'),
  ...rows('000004', '2023-10-20', P1, 'A10 C5 E5'),
  ...rows('000005', '2023-10-20', P1, 'Z30'),
  ...rows('000001', '2024-01-18', P2, 'A5 B10 E15'),
  ...rows('000002', '2024-01-18', P2, 'A5 B10 E15'),
  ...rows('000003', '2024-01-20', P2, 'A20 D10'),
  ...rows('000004', '2024-01-25', P2, 'A20 C10 E20'),
  ...rows('000005', '2024-01-18', P2, 'Z30'),
  ...rows('000001', '2024-04-20', P3, 'A10 B10'),
  ...rows('000002', '2024-04-20', P3, 'A10 B10'),
  ...rows('000003', '2024-04-20', P3, 'A10 C10'),
  ...rows('000004', '2024-04-20', P3, 'A10 B5 C5'),
  ...rows('000005', '2024-04-20', P3, 'Z30'),
];

export function fundsTable(entries: readonly [code: string, type: string, inception: string][] = FUNDS) {
  return tableFromColumns('funds', {
    fund_code: { type: 'string', values: entries.map((f) => f[0]) },
    fund_type: { type: 'string', values: entries.map((f) => f[1]) },
    inception_date: { type: 'date', values: entries.map((f) => f[2]) },
  });
}

export const FUNDS: [string, string, string][] = [
  ['000001', 'active_equity', '2015-01-05'],
  ['000003', 'active_equity', '2016-03-01'],
  ['000004', 'active_equity', '2018-07-02'],
  ['000005', 'other', '2017-05-10'],
];

/** A `fund_holdings` table from rows; `extra` adds optional columns. */
export function holdingsTable(list: readonly Row[] = HOLDINGS, extra: { sizes?: readonly number[]; groups?: readonly (string | undefined)[] } = {}) {
  return tableFromColumns('fund_holdings', {
    fund_code: { type: 'string', values: list.map((r) => r[0]) },
    ann_date: { type: 'date', values: list.map((r) => r[1]) },
    end_date: { type: 'date', values: list.map((r) => r[2]) },
    ts_code: { type: 'string', values: list.map((r) => S[r[3]]) },
    weight: { type: 'number', values: list.map((r) => r[4]) },
    ...(extra.sizes ? { fund_size_100m: { type: 'number' as const, values: extra.sizes } } : {}),
    ...(extra.groups ? { portfolio_group: { type: 'string' as const, values: extra.groups } } : {}),
  });
}

/** Member code → weight, for toEqual with hand-computed fractions. */
export function weightsOf(members: readonly { code: string; weight: number }[]): Record<string, number> {
  return Object.fromEntries(members.map((m) => [m.code, m.weight]));
}
