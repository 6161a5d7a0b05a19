import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { heavyHoldingsIndex } from '../src/index.js';
import { DAYS, FUNDS, HOLDINGS, S, fundsTable, holdingsTable, weightsOf } from './example.js';

/** Every expected number below is computed by hand in the comments (fractions), not by the code. */
const build = (options = {}, extra: Parameters<typeof holdingsTable>[1] = {}, list = HOLDINGS, funds = FUNDS) =>
  heavyHoldingsIndex({ funds: fundsTable(funds), holdings: holdingsTable(list, extra), dates: DAYS }, options);

function expectWeights(actual: Record<string, number>, expected: Record<string, number>) {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [code, w] of Object.entries(expected)) expect(actual[code]).toBeCloseTo(w, 12);
}

describe('heavyHoldingsIndex: the four-fund, three-report example', () => {
  const index = build();
  const [r1, r2, r3, r4, r5] = index.rebuilds;

  it('rebuilds on the first trading day on or after each disclosure date, never on a period end', () => {
    // ann 2023-10-20 (a trading day), 2024-01-18, 2024-01-20 (Saturday → Monday 22nd), 2024-01-25, 2024-04-20 (Saturday → 22nd).
    expect(index.rebuilds.map((r) => r.date)).toEqual(['2023-10-20', '2024-01-18', '2024-01-22', '2024-01-25', '2024-04-22']);
    expect(index.rebuilds.map((r) => r.t)).toEqual([1, 4, 6, 8, 10]);
    expect(index.rebuilds.map((r) => r.report.newReports)).toEqual([5, 3, 1, 1, 5]);
    expect(index.shareClasses).toBe('identical lists');
  });

  it('first rebuild: type rule, share classes merged, ties by code, the 90 % cut', () => {
    // F1 A10 B5 C5, F2 A10 B5 D5, F3 A10 C5 E5 (F4 'other' out; F1's C class merged): averages
    // A 30/3, B 10/3, C 10/3, D 5/3, E 5/3, total 20; cut at 18: A (50 %), B and C tie → B
    // (66.7 %), C (83.3 %), D and E tie → D (91.7 %) stop. E is left out by the tie rule.
    expect(r1!.members.map((m) => m.code)).toEqual([S.A, S.B, S.C, S.D]);
    expectWeights(weightsOf(r1!.members), { [S.A]: 6 / 11, [S.B]: 2 / 11, [S.C]: 2 / 11, [S.D]: 1 / 11 });
    expect(r1!.members.map((m) => m.average)).toEqual([10, 10 / 3, 10 / 3, 5 / 3].map((x) => expect.closeTo(x, 12) as number));
    expect(r1!.sample).toEqual(['000001', '000003', '000004']);
    expect(r1!.report).toMatchObject({
      date: '2023-10-20',
      shareClasses: 5,
      portfolios: 4,
      sample: 3,
      excluded: { type: 1, stale: 0, age: 0, size: 0, noHoldings: 0 },
      untyped: 0,
      typeConflicts: 0,
      ageUnknown: 0,
      sizeUnknown: 3, // no fund_size_100m column: kept, counted
      stocks: 5,
      members: 4,
    });
    expect(r1!.report.cumulativeWeight).toBeCloseTo(11 / 12, 12);
    expect(r1!.report.turnover).toBeNaN();
    expect(r1!.report.coverage).toBeUndefined();
    expect(index.notes.some((n) => n.includes('fund_size_100m'))).toBe(true);
  });

  it('second rebuild: only F1 (and F4) announced their December report; F2, F3 are still on September', () => {
    // F1 A5 B10 E15, F2 A10 B5 D5, F3 A10 C5 E5: A 25, E 20, B 15, C 5, D 5 (÷3), total 70, cut 63:
    // A, E, B (85.7 %), then C ties D → C (92.9 %).
    expect(r2!.members.map((m) => m.code)).toEqual([S.A, S.E, S.B, S.C]);
    expectWeights(weightsOf(r2!.members), { [S.A]: 5 / 13, [S.E]: 4 / 13, [S.B]: 3 / 13, [S.C]: 1 / 13 });
    expect(r2!.report.cumulativeWeight).toBeCloseTo(65 / 70, 12);
    // ½ (|5/13 − 6/11| + 4/13 + |3/13 − 2/11| + |1/13 − 2/11| + 1/11) = ½ · 102/143.
    expect(r2!.report.turnover).toBeCloseTo(51 / 143, 12);
  });

  it('third rebuild: F2’s report announced on a Saturday counts from Monday', () => {
    // F1 A5 B10 E15, F2 A20 D10, F3 A10 C5 E5: A 35, E 20, B 10, D 10, C 5; total 80, cut 72:
    // A, E, B (81.25 %), D (93.75 %).
    expect(r3!.members.map((m) => m.code)).toEqual([S.A, S.E, S.B, S.D]);
    expectWeights(weightsOf(r3!.members), { [S.A]: 7 / 15, [S.E]: 4 / 15, [S.B]: 2 / 15, [S.D]: 2 / 15 });
    expect(r3!.report.cumulativeWeight).toBeCloseTo(75 / 80, 12);
    // In 195ths: before A 75, E 60, B 45, C 15; now A 91, E 52, B 26, D 26 → ½ (16 + 8 + 19 + 15 + 26).
    expect(r3!.report.turnover).toBeCloseTo(42 / 195, 12);
  });

  it('fourth rebuild: a three-way tie at the cut is broken by code', () => {
    // F3 A20 C10 E20 now: A 45, E 35, B 10, C 10, D 10; total 110, cut 99: A, E (72.7 %),
    // B (81.8 %), C (90.9 %) stop; D out.
    expect(r4!.members.map((m) => m.code)).toEqual([S.A, S.E, S.B, S.C]);
    expectWeights(weightsOf(r4!.members), { [S.A]: 0.45, [S.E]: 0.35, [S.B]: 0.1, [S.C]: 0.1 });
    expect(r4!.report.cumulativeWeight).toBeCloseTo(100 / 110, 12);
    // ½ (1/60 + 5/60 + 2/60 + 6/60 + 8/60).
    expect(r4!.report.turnover).toBeCloseTo(11 / 60, 12);
  });

  it('fifth rebuild: every fund on its March report', () => {
    // A 30, B 15, C 15; total 60, cut 54: A (50 %), B (75 %), C (100 %).
    expectWeights(weightsOf(r5!.members), { [S.A]: 1 / 2, [S.B]: 1 / 4, [S.C]: 1 / 4 });
    expect(r5!.report.cumulativeWeight).toBeCloseTo(1, 12);
    // ½ (0.05 + 0.35 + 0.15 + 0.15).
    expect(r5!.report.turnover).toBeCloseTo(0.35, 12);
  });

  it('reports coverage against the dataset’s assets, keeping members it lacks in the index', () => {
    const assets = [S.A, S.B, S.C, S.E, S.Z]; // no D
    const withAssets = heavyHoldingsIndex({ funds: fundsTable(), holdings: holdingsTable(), dates: DAYS, assets });
    const first = withAssets.rebuilds[0]!;
    expect(first.members.map((m) => m.code)).toEqual([S.A, S.B, S.C, S.D]);
    // 9 rows used (three funds × three stocks), F2's D row is not among the assets; D's average
    // is 5/3 of 20; D's index weight 1/11.
    expect(first.report.coverage).toEqual({
      rows: 9,
      rowsMapped: 8,
      weightMapped: expect.closeTo(1 - 5 / 3 / 20, 12) as number,
      membersMapped: 3,
      memberWeightMapped: expect.closeTo(10 / 11, 12) as number,
      missingMembers: [S.D],
    });
  });
});

describe('heavyHoldingsIndex: the cut', () => {
  const one = (weights: string, cut?: number) =>
    heavyHoldingsIndex(
      {
        funds: fundsTable([['000001', 'active_equity', '2015-01-05']]),
        holdings: holdingsTable(weights.split(' ').map((x) => ['000001', '2023-10-20', '2023-09-30', x[0] as 'A', Number(x.slice(1))])),
        dates: DAYS,
      },
      cut === undefined ? {} : { cut },
    ).rebuilds[0]!;

  it('stops at the stock that reaches the cut exactly', () => {
    // A 45, B 36, C 9: A + B = 81 = 90 % of 90.
    const r = one('A45 B36 C9');
    expectWeights(weightsOf(r.members), { [S.A]: 45 / 81, [S.B]: 36 / 81 });
    expect(r.report.cumulativeWeight).toBeCloseTo(0.9, 12);
  });

  it('takes the next stock when the cut is not yet reached, and everything with cut 1', () => {
    expect(one('A45 B35 C10').members.map((m) => m.code)).toEqual([S.A, S.B, S.C]);
    expect(one('A50 B40 C10', 0.5).members.map((m) => m.code)).toEqual([S.A]);
    expect(one('A50 B40 C10', 1).members).toHaveLength(3);
  });

  it('ranks averages equal up to rounding (0.1 + 0.2 against 0.3) as ties, by code', () => {
    // Two funds: C 0.1 + 0.2 and B 0.3 + 0 sum to the same 0.3 (floating point: 0.30000000000000004).
    const index = heavyHoldingsIndex({
      funds: fundsTable([
        ['000001', 'active_equity', '2015-01-05'],
        ['000003', 'active_equity', '2015-01-05'],
      ]),
      holdings: holdingsTable([
        ['000001', '2023-10-20', '2023-09-30', 'A', 10],
        ['000001', '2023-10-20', '2023-09-30', 'C', 0.1],
        ['000003', '2023-10-20', '2023-09-30', 'A', 10],
        ['000003', '2023-10-20', '2023-09-30', 'C', 0.2],
        ['000003', '2023-10-20', '2023-09-30', 'B', 0.3],
      ]),
      dates: DAYS,
    }, { cut: 1 });
    expect(index.rebuilds[0]!.members.map((m) => m.code)).toEqual([S.A, S.B, S.C]);
  });
});

describe('heavyHoldingsIndex: the sample rules', () => {
  it('sums share classes’ sizes; a fund below minSize is out; one without a size is kept (equal weighting)', () => {
    // Sizes in 亿: F1 1.5 + its C class 1.0 = 2.5 ≥ 2; F2 1.9 < 2; F3 unknown; F4 (type out) 9.
    const p1 = HOLDINGS.filter((r) => r[2] === '2023-09-30');
    const size: Record<string, number> = { '000001': 1.5, '000002': 1.0, '000003': 1.9, '000004': Number.NaN, '000005': 9 };
    const r = build({}, { sizes: p1.map((row) => size[row[0]]!) }, p1).rebuilds[0]!;
    expect(r.sample).toEqual(['000001', '000004']);
    expect(r.report.excluded).toEqual({ type: 1, stale: 0, age: 0, size: 1, noHoldings: 0 });
    expect(r.report.sizeUnknown).toBe(1);
    // F1 A10 B5 C5 + F3 A10 C5 E5: A 20, C 10, B 5, E 5; total 40, cut 36: A, C (75 %), B (87.5 %), E (100 %).
    expectWeights(weightsOf(r.members), { [S.A]: 1 / 2, [S.C]: 1 / 4, [S.B]: 1 / 8, [S.E]: 1 / 8 });
  });

  it('size weighting: funds weighted by their summed class sizes; a fund without a size is out', () => {
    // Sizes: F1 2.5 (1.5 + 1.0), F2 3, F3 5, a negative class size counted as unknown.
    const p1 = HOLDINGS.filter((r) => r[2] === '2023-09-30');
    const size: Record<string, number> = { '000001': 1.5, '000002': 1.0, '000003': 3, '000004': 5, '000005': 9 };
    const sized = build({ weighting: 'size' }, { sizes: p1.map((row) => size[row[0]]!) }, p1).rebuilds[0]!;
    // avg = Σ size·w / 10.5: A 10, C 37.5/10.5, B 27.5/10.5, E 25/10.5, D 15/10.5; total 20, cut 18:
    // A, C, B (16.19), E (18.57) stop. Weights over 195/10.5: 7/13, 5/26, 11/78, 5/39.
    expect(sized.members.map((m) => m.code)).toEqual([S.A, S.C, S.B, S.E]);
    expectWeights(weightsOf(sized.members), { [S.A]: 7 / 13, [S.C]: 5 / 26, [S.B]: 11 / 78, [S.E]: 5 / 39 });

    const negative: Record<string, number> = { ...size, '000004': -5 };
    const index = build({ weighting: 'size' }, { sizes: p1.map((row) => negative[row[0]]!) }, p1);
    const r = index.rebuilds[0]!;
    expect(r.sample).toEqual(['000001', '000003']);
    expect(r.report.excluded.size).toBe(1);
    expect(r.report.sizeUnknown).toBe(1);
    expect(index.notes).toContain('1 share-class reports have a negative `fund_size_100m`: taken as unknown');
  });

  it('size weighting needs the fund_size_100m column', () => {
    let error: unknown;
    try {
      build({ weighting: 'size' });
    } catch (e) {
      error = e;
    }
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('column `fund_size_100m` of table `fund_holdings`');
  });

  it('age: a fund younger than minAgeDays on the rebuild day is out until it is old enough', () => {
    // F3 founded 2023-01-01: 292 days on 2023-10-20 (out), 382 days on 2024-01-18 (in).
    const funds: [string, string, string][] = FUNDS.map((f) => (f[0] === '000004' ? [f[0], f[1], '2023-01-01'] : f));
    const index = build({}, {}, HOLDINGS, funds);
    expect(index.rebuilds[0]!.report.excluded.age).toBe(1);
    expect(index.rebuilds[0]!.sample).toEqual(['000001', '000003']);
    expect(index.rebuilds[1]!.report.excluded.age).toBe(0);
    expect(index.rebuilds[1]!.sample).toEqual(['000001', '000003', '000004']);
    // Without an inception date the age is unknown: kept, counted.
    const unknown = build({}, {}, HOLDINGS, FUNDS.map((f) => (f[0] === '000004' ? [f[0], f[1], ''] : f)));
    expect(unknown.rebuilds[0]!.report.ageUnknown).toBe(1);
    expect(unknown.rebuilds[0]!.sample).toEqual(['000001', '000003', '000004']);
  });

  it('stale: a latest report ending more than maxReportAgeDays before the day is out', () => {
    // On 2024-01-18 F2 and F3 still show 2023-09-30: 110 days > 100. F1's December report is 18 days old.
    const r = build({ maxReportAgeDays: 100 }).rebuilds[1]!;
    expect(r.report.excluded).toEqual({ type: 1, stale: 2, age: 0, size: 0, noHoldings: 0 });
    expect(r.sample).toEqual(['000001']);
    // F1 alone: E 15, B 10, A 5; total 30, cut 27 → all three.
    expectWeights(weightsOf(r.members), { [S.E]: 1 / 2, [S.B]: 1 / 3, [S.A]: 1 / 6 });
  });

  it('counts sample-type funds without holdings (only those founded by the day), untyped portfolios and type conflicts', () => {
    const funds: [string, string, string][] = [
      ...FUNDS,
      ['000006', 'active_equity', '2020-01-02'], // no holdings
      ['000007', 'active_equity', '2025-01-02'], // not founded yet: not counted
      ['000008', 'other', '2019-01-02'], // repeats F1's list: the merged portfolio's types conflict
    ];
    const list = [
      ...HOLDINGS.filter((r) => r[2] === '2023-09-30'),
      ['000008', '2023-10-20', '2023-09-30', 'A', 10],
      ['000008', '2023-10-20', '2023-09-30', 'B', 5],
      ['000008', '2023-10-20', '2023-09-30', 'C', 5],
      ['000009', '2023-10-20', '2023-09-30', 'E', 7], // in no `funds` row
    ] as typeof HOLDINGS;
    const r = build({}, {}, list, funds).rebuilds[0]!;
    expect(r.report).toMatchObject({ shareClasses: 7, portfolios: 5, sample: 2, untyped: 1, typeConflicts: 1 });
    expect(r.report.excluded).toEqual({ type: 3, stale: 0, age: 0, size: 0, noHoldings: 1 });
    expect(r.sample).toEqual(['000003', '000004']);
  });

  it('share classes: portfolio_group wins over the lists; without it, a class whose list differs counts alone (untyped)', () => {
    // F1's C class with a slightly different list in September.
    const list = HOLDINGS.map((r): (typeof HOLDINGS)[number] => (r[0] === '000002' && r[2] === '2023-09-30' && r[3] === 'C' ? [r[0], r[1], r[2], r[3], 5.01] : r));
    const byLists = build({}, {}, list).rebuilds[0]!;
    expect(byLists.report).toMatchObject({ portfolios: 5, untyped: 1, sample: 3 });
    const groups = list.map((r) => (r[0] === '000002' ? '000001' : r[0]));
    const byGroup = build({}, { groups }, list);
    expect(byGroup.shareClasses).toBe('portfolio_group');
    expect(byGroup.rebuilds[0]!.report).toMatchObject({ portfolios: 4, untyped: 0, sample: 3 });
    // The fund's holdings are its smallest code's (F1 A10 B5 C5): the same index as the example.
    expectWeights(weightsOf(byGroup.rebuilds[0]!.members), { [S.A]: 6 / 11, [S.B]: 2 / 11, [S.C]: 2 / 11, [S.D]: 1 / 11 });
  });

  it('the fund types of the sample are a parameter', () => {
    const r = build({ types: ['other'] }).rebuilds[0]!;
    expect(r.sample).toEqual(['000005']);
    expectWeights(weightsOf(r.members), { [S.Z]: 1 });
  });
});

describe('heavyHoldingsIndex: rows it cannot use and bad input', () => {
  it('counts rows without a weight and rows announced after the last day, and shows a report’s rows as they are announced', () => {
    const list = [
      ...HOLDINGS.filter((r) => r[0] === '000001' && r[2] === '2023-09-30'),
      ['000001', '2023-10-23', '2023-09-30', 'D', 2], // the rest of the report, announced later
      ['000001', '2023-10-20', '2023-09-30', 'E', Number.NaN],
      ['000001', '2024-05-06', '2024-03-31', 'E', 9],
    ] as typeof HOLDINGS;
    const index = build({ cut: 1 }, {}, list);
    expect(index.skipped).toEqual({ 'no weight': 1, 'announced after the last trading day': 1 });
    expect(index.rebuilds.map((r) => r.date)).toEqual(['2023-10-20', '2023-10-23']);
    expect(index.rebuilds[0]!.members.map((m) => m.code)).toEqual([S.A, S.B, S.C]);
    expect(index.rebuilds[1]!.report).toMatchObject({ newReports: 0, newRows: 1 });
    expect(index.rebuilds[1]!.members.map((m) => m.code)).toEqual([S.A, S.B, S.C, S.D]);
  });

  it('names the table and the column that is missing', () => {
    const holdings = holdingsTable();
    const columns = new Map(holdings.columns);
    columns.delete('ann_date');
    expect(() => heavyHoldingsIndex({ funds: fundsTable(), holdings: { ...holdings, columns }, dates: DAYS })).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('table `fund_holdings` has no column `ann_date`') as string }) as Error,
    );
  });

  it('refuses bad options, all at once, and unsorted dates', () => {
    expect(() => build({ cut: 0, weighting: 'cap' })).toThrow(expect.objectContaining({ code: 'FK_INVALID_PARAMS' }) as Error);
    expect(() => heavyHoldingsIndex({ funds: fundsTable(), holdings: holdingsTable(), dates: ['2024-01-02', '2024-01-02'] })).toThrow(
      expect.objectContaining({ code: 'FK_INVALID_ARGUMENT' }) as Error,
    );
  });
});
